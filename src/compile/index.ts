/**
 * The compile stage's entry point: loaded intent + environment → objects and decisions for every app.
 */
import { UsageError } from "../core/errors.js";
import type { Finding } from "../core/finding.js";
import type { LoadedIntent } from "../intent/load.js";
import { environmentNames, resolveApp } from "../intent/resolve.js";
import type { ResolvedApp } from "../intent/types.js";
import { didYouMean } from "../core/suggest.js";
import { compile } from "./compile.js";
import type { CompileResult } from "./types.js";

export { compile } from "./compile.js";
export type { CompileResult, Decision } from "./types.js";
export { sortObjects, canonicalize, compareObjects, KIND_ORDER } from "./order.js";

export interface BuildResult {
  results: CompileResult[];
  apps: ResolvedApp[];
  errors: Finding[];
  warnings: Finding[];
}

/** Thrown for an environment the platform does not define (a usage error). */
export class UnknownEnvironmentError extends UsageError {
  override name = "UnknownEnvironmentError";
}

/** Resolve which environment to build: the given one, or the only one. */
export function pickEnvironment(intent: LoadedIntent, env: string | undefined): string {
  const names = environmentNames(intent.platform);
  if (env === undefined) {
    if (names.length === 1 && names[0] !== undefined) return names[0];
    throw new UnknownEnvironmentError(`choose an environment with --env: ${names.join(", ")}`);
  }
  if (!names.includes(env)) {
    const guess = didYouMean(env, names);
    throw new UnknownEnvironmentError(
      `unknown environment \`${env}\`; the platform defines ${names.join(", ")}` +
        (guess ? ` — did you mean \`${guess}\`?` : ""),
    );
  }
  return env;
}

/** Compile every app of the intent for one environment. Pure given the loaded intent. */
export function buildEnvironment(intent: LoadedIntent, env: string): BuildResult {
  const results: CompileResult[] = [];
  const apps: ResolvedApp[] = [];
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  for (const loaded of intent.apps) {
    const r = resolveApp(loaded, intent.platform, env);
    errors.push(...r.errors);
    warnings.push(...r.warnings);
    if (!r.app) continue;
    apps.push(r.app);
    const out = compile(r.app);
    results.push(out.result);
    warnings.push(...out.warnings);
  }
  return { results, apps, errors, warnings };
}
