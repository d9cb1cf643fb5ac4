/**
 * Where kintent may keep caches (the build cache, src/project/cache.ts; the CLI's V8 code cache for a Node other
 * than the one that built it, src/cli/code-cache.ts): from the caller's environment only.
 */
import { join, resolve } from "node:path";

/** The cache directory from the environment, or undefined when caching is off. */
export function cacheDirFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const mode = (env.KINTENT_CACHE ?? "").toLowerCase();
  if (mode === "off" || mode === "0" || mode === "false") return undefined;
  if (env.KINTENT_CACHE_DIR) return resolve(env.KINTENT_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "kintent");
  // Only what the caller's environment says: no HOME there, no cache (never the process's own home behind
  // a caller's back — the library and in-process callers pass their own environment).
  return env.HOME ? join(env.HOME, ".cache", "kintent") : undefined;
}
