/** Helpers shared by `kintent set`, `kintent ask` and `kintent diagnose --explain`. */
import type { Finding } from "../core/finding.js";
import { UsageError } from "../core/errors.js";
import { createProvider, resolveProviderConfig } from "../ai/provider.js";
import type { Provider } from "../ai/provider.js";
import type { EnvPreview } from "../ai/preview.js";

/**
 * Run an async command body. Known user mistakes are usage errors already (`core/errors.ts`), printed by
 * `main` with exit 2; kept as the verbs' single entry point.
 */
export async function wrapUsageAsync<T>(fn: () => Promise<T> | T): Promise<T> {
  return await fn();
}

/**
 * Findings of every environment for printing: manifest findings name their environment; findings on the
 * intent file itself (with a position) are the same in every environment and are printed once.
 */
export function findingsOfEnvironments(envs: readonly EnvPreview[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const e of envs) {
    for (const f of e.findings) {
      if (f.loc && !f.object) {
        const key = `${f.loc.file}:${f.loc.line}:${f.loc.column}:${f.checkId}:${f.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(f);
      } else out.push({ ...f, message: `${f.message} (env ${e.env})` });
    }
  }
  return out;
}

/**
 * The redaction patterns of a command: `$KINTENT_REDACT` (one per line) and its `--redact` flags, each checked to
 * be a regular expression (a usage error naming it otherwise).
 */
export function redactPatterns(env: NodeJS.ProcessEnv, flags: readonly string[] = []): string[] {
  const all = [...(env.KINTENT_REDACT ?? "").split("\n").filter((l) => l.trim() !== ""), ...flags];
  for (const p of all) {
    try {
      new RegExp(p);
    } catch (e) {
      throw new UsageError(`--redact \`${p}\` is not a regular expression: ${(e as Error).message}`);
    }
  }
  return all;
}

/** The model from `--llm` or `$KINTENT_LLM` (a usage error when neither says which); the SDKs load lazily. */
export function providerFromFlags(env: NodeJS.ProcessEnv, llm: string | undefined): Provider {
  const config = resolveProviderConfig(env, llm);
  if (typeof config === "string") throw new UsageError(config);
  return createProvider(config);
}
