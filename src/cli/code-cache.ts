/**
 * How bin/kintent.js loads the CLI: one CommonJS bundle (dist/bundle/cli/main.cjs, scripts/bundle.mjs) compiled
 * through `vm.Script` with a V8 code cache, so a cold command does not parse and compile kintent again (issue #17:
 * `kintent build` of the production example 221 → 160 ms). Node 20 has no compile cache for ES modules
 * (`module.enableCompileCache` is Node 22), which is why the CLI is a CommonJS script here.
 *
 * A cache is named by the sha256 of the bundle's text and by the V8 version: V8 itself only compares a cache's
 * source length, so a cache can never be applied to other code; any other mismatch (V8 flags, a damaged file)
 * V8 rejects (`cachedDataRejected`) and the bundle is compiled as without a cache. Two places are looked at
 * (the second first):
 * - the installation's, next to the bundle, written by `npm run build` (scripts/bundle.mjs runs a warm-up
 *   `kintent build` in-process and saves `script.createCachedData()`, which then holds the functions a build
 *   compiled too) — valid for the Node that built kintent;
 * - for any other Node (a package built elsewhere), `<cache dir>/v8/` (src/core/cache-dir.ts: KINTENT_CACHE_DIR,
 *   XDG_CACHE_HOME or HOME from the environment; none with KINTENT_CACHE=off), written after the first command
 *   that compiled without a cache. At most KEEP files are kept there.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script, constants } from "node:vm";
import { cacheDirFromEnv } from "../core/cache-dir.js";
import type { CliIO } from "./io.js";

export interface CliBundle {
  main(argv: string[], io: CliIO): Promise<number>;
}

export interface LoadedCli {
  cli: CliBundle;
  script: Script;
  /** The installation's code cache for this bundle and this V8 (what `npm run build` writes). */
  cacheFile: string;
  /** The same in the user's cache directory, when the environment names one. */
  userCacheFile: string | undefined;
  /** Whether V8 compiled the bundle from one of them. */
  fromCache: boolean;
}

/** Code caches kept in `<cache dir>/v8/` (one per kintent build and Node version in use). */
const KEEP = 4;

/** The bundle is ASCII (esbuild escapes the rest): read as Latin-1, V8 keeps it as a one-byte string. */
function sourceOf(bundle: string): { source: string; hash: string } {
  const bytes = readFileSync(bundle);
  return {
    source: bytes.toString("latin1"),
    hash: createHash("sha256").update(bytes).digest("hex").slice(0, 32),
  };
}

function readIfPresent(file: string | undefined): Buffer | undefined {
  if (file === undefined || !existsSync(file)) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Compiles and evaluates the CLI bundle, from a code cache when V8 accepts one. */
export function loadCliBundle(bundle: string, env: NodeJS.ProcessEnv = {}): LoadedCli {
  const { source, hash } = sourceOf(bundle);
  const name = `main-${hash}-v8-${process.versions.v8.replace(/[^A-Za-z0-9.-]/g, "_")}.v8cache`;
  const cacheFile = join(dirname(bundle), name);
  const userDir = cacheDirFromEnv(env);
  const userCacheFile = userDir === undefined ? undefined : join(userDir, "v8", name);
  // The user's first: it exists only because the installation's did not fit this Node or its V8 flags before
  // (read the other way round, a rejected installation cache would be read, and the user's rewritten, every time).
  const cachedData = readIfPresent(userCacheFile) ?? readIfPresent(cacheFile);
  // The CommonJS wrapper Node itself uses; the bundle's own `import()`s (LLM SDKs) go to Node's loader.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const fn = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const mod = { exports: {} as unknown };
  fn.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  return {
    cli: mod.exports as CliBundle,
    script,
    cacheFile,
    userCacheFile,
    fromCache: cachedData !== undefined && !script.cachedDataRejected,
  };
}

/**
 * After a command that compiled without a cache: saves one in the user's cache directory for the next (what V8
 * compiled during the command included). Best effort — a read-only or full disk only means no cache.
 */
export function saveUserCodeCache(loaded: LoadedCli): void {
  const file = loaded.userCacheFile;
  if (loaded.fromCache || file === undefined) return;
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, loaded.script.createCachedData());
    renameSync(tmp, file);
    const others = readdirSync(dir)
      .filter((f) => f.endsWith(".v8cache") && join(dir, f) !== file)
      .map((f) => ({ f, mtime: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime || a.f.localeCompare(b.f));
    for (const { f } of others.slice(KEEP - 1)) rmSync(join(dir, f), { force: true });
  } catch {
    // no cache this time
  }
}
