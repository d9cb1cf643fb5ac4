/**
 * How bin/kintent.js loads the CLI: one CommonJS bundle (dist/bundle/cli/main.cjs, scripts/bundle.mjs) compiled
 * through `vm.Script` with a V8 code cache, so a cold command does not parse and compile kintent again (issue #17:
 * `kintent build` of the production example 224 → ~165 ms). Node 20 has no compile cache for ES modules
 * (`module.enableCompileCache` is Node 22), which is why the CLI is a CommonJS script here.
 *
 * The cache is written by `npm run build` (scripts/bundle.mjs runs a warm-up `kintent build` in-process and
 * saves `script.createCachedData()`, which then holds the functions that build compiled too), next to the
 * bundle and named by the sha256 of the bundle's text: V8 itself only compares a cache's source length, so a
 * cache can never be applied to other code. It is valid only for the V8 version and flags that wrote it; V8
 * rejects any other (`cachedDataRejected`) and the bundle is compiled as without a cache. Nothing is written at
 * run time.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script, constants } from "node:vm";
import type { CliIO } from "./io.js";

export interface CliBundle {
  main(argv: string[], io: CliIO): Promise<number>;
}

export interface LoadedCli {
  cli: CliBundle;
  script: Script;
  /** Where this bundle's code cache is (or would be) kept. */
  cacheFile: string;
  /** Whether V8 compiled the bundle from that cache. */
  fromCache: boolean;
}

/** The bundle is ASCII (esbuild escapes the rest): read as Latin-1, V8 keeps it as a one-byte string. */
function sourceOf(bundle: string): { source: string; hash: string } {
  const bytes = readFileSync(bundle);
  return {
    source: bytes.toString("latin1"),
    hash: createHash("sha256").update(bytes).digest("hex").slice(0, 32),
  };
}

/** Compiles and evaluates the CLI bundle, from its code cache when V8 accepts it. */
export function loadCliBundle(bundle: string): LoadedCli {
  const { source, hash } = sourceOf(bundle);
  const cacheFile = join(dirname(bundle), `main-${hash}.v8cache`);
  let cachedData: Buffer | undefined;
  if (existsSync(cacheFile)) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
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
    fromCache: cachedData !== undefined && !script.cachedDataRejected,
  };
}
