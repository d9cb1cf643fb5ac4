/**
 * Preview an edit of an intent directory without writing it: compile and validate every environment before
 * and after (the edited files passed as an overlay), and diff the manifests object by object. Shared by
 * `kintent set` and `kintent ask`. Reads the intent from disk; writes nothing.
 */
import { buildIntent, allObjects } from "../build.js";
import type { BuildOptions } from "../build.js";
import { loadIntent } from "../intent/load.js";
import { environmentNames } from "../intent/resolve.js";
import type { Finding } from "../core/finding.js";
import { diffObjects } from "../core/diff.js";
import type { ObjectChange } from "../core/diff.js";

export interface PreviewOptions {
  cwd: string;
  platformFile?: string;
  app?: string;
  /** Validator settings (from .kintent.yaml, policies). */
  validateOptions?: BuildOptions["validateOptions"];
  /** Only these environments. @default every environment */
  envs?: readonly string[];
}

export interface EnvPreview {
  env: string;
  changes: ObjectChange[];
  /** Warnings and validation findings of the result in this environment. */
  findings: Finding[];
  /** Error findings of the result (validation) in this environment. */
  errors: Finding[];
}

export interface Preview {
  /** Intent errors of the result (it does not load or compile); nothing else is meaningful then. */
  intentErrors: Finding[];
  envs: EnvPreview[];
}

/** Findings of the current directory, per environment (for the model's context). */
export function currentFindings(dir: string, options: PreviewOptions): { env: string; finding: Finding }[] {
  const loaded = loadIntent(dir, {
    cwd: options.cwd,
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
  });
  if (!loaded.intent) return loaded.errors.map((finding) => ({ env: "*", finding }));
  const out: { env: string; finding: Finding }[] = [];
  for (const env of options.envs ?? environmentNames(loaded.intent.platform)) {
    const b = buildIntent(dir, buildOptions(options, env));
    for (const finding of [...b.errors, ...b.warnings, ...b.validation]) out.push({ env, finding });
  }
  return out;
}

function buildOptions(
  options: PreviewOptions,
  env: string,
  overlay?: ReadonlyMap<string, string>,
): BuildOptions {
  return {
    cwd: options.cwd,
    env,
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
    ...(options.app !== undefined ? { app: options.app } : {}),
    ...(options.validateOptions ? { validateOptions: options.validateOptions } : {}),
    ...(overlay ? { overlay } : {}),
  };
}

/** Compile and validate every environment with and without the overlay. */
export function previewChange(
  dir: string,
  overlay: ReadonlyMap<string, string>,
  options: PreviewOptions,
): Preview {
  const after = loadIntent(dir, {
    cwd: options.cwd,
    overlay,
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
  });
  if (!after.intent) return { intentErrors: after.errors, envs: [] };
  const envs: EnvPreview[] = [];
  const intentErrors: Finding[] = [];
  for (const env of options.envs ?? environmentNames(after.intent.platform)) {
    const b = buildIntent(dir, buildOptions(options, env, overlay));
    if (b.errors.length > 0 || !b.build) {
      intentErrors.push(...b.errors);
      continue;
    }
    let beforeObjects: object[] = [];
    try {
      const a = buildIntent(dir, { ...buildOptions(options, env), validate: false });
      if (a.build && a.errors.length === 0) beforeObjects = allObjects(a.build);
    } catch {
      // The directory did not build before (e.g. no app yet): everything is new.
    }
    const findings = [...b.warnings, ...b.validation];
    envs.push({
      env,
      changes: diffObjects(beforeObjects, allObjects(b.build)),
      findings,
      errors: b.validation.filter((f) => f.severity === "error"),
    });
  }
  return { intentErrors: dedupe(intentErrors), envs };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.loc?.file}:${f.loc?.line}:${f.loc?.column}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
