/**
 * `npm run build`'s second step: the CLI and the Argo CD plugin as bundles under dist/bundle/ (esbuild), which
 * bin/kintent.js runs. A cold `kintent` process otherwise resolves and loads ~250 files (zod alone is 99, yaml
 * 73) before doing anything (bench/README "Fleets, cold start and the build cache").
 * - The CLI: one CommonJS file, dist/bundle/cli/main.cjs, compiled with a V8 code cache written here after a
 *   warm-up build (src/cli/code-cache.ts: Node 20 caches compiled code only for scripts, not ES modules).
 *   Commands are still evaluated only when used (esbuild keeps each `import()`ed module lazy).
 * - The plugin's fast path (`kintent cmp generate|discover`): an ES module bundle with code splitting, so an
 *   unchanged app (a build-cache hit) loads almost nothing.
 * Pure-JS dependencies on the hot path are bundled; the heavy, rarely used ones (the Kubernetes client, the
 * LLM and MCP SDKs, Octokit, prom-client) stay in node_modules and load when a command needs them. The library
 * (dist/index.js) is not bundled.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "bundle");
rmSync(out, { recursive: true, force: true });
const external = [
  "@anthropic-ai/sdk",
  "@kubernetes/client-node",
  "@modelcontextprotocol/*",
  "@octokit/rest",
  "openai",
  "prom-client",
];
// import.meta.url, in a CommonJS bundle: the bundle's own location (packageRoot, the build cache's identity).
const cjsModuleUrl = {
  define: { "import.meta.url": "__kintentModuleUrl" },
  banner: { js: "var __kintentModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const cliBundle = join(out, "cli", "main.cjs");
await build({
  absWorkingDir: root,
  entryPoints: ["dist/cli/main.js"],
  outfile: cliBundle,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  charset: "ascii",
  external,
  ...cjsModuleUrl,
  legalComments: "linked",
  logLevel: "warning",
});

await build({
  absWorkingDir: root,
  entryPoints: { "cmp/main": "dist/cmp/main.js" },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  external,
  // Bundled CommonJS dependencies (commander) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __kintentRequire } from 'node:module'; const require = __kintentRequire(import.meta.url);",
  },
  legalComments: "linked",
  logLevel: "warning",
});

// The plugin image's V8 start-up snapshot entry (src/cmp/snapshot.ts; built into a blob by scripts/snapshot.mjs):
// Node 20 snapshots a single CommonJS script, so everything `cmp` reaches is inlined, dynamic imports included.
// import.meta.url becomes the script's own location, fixed when the snapshot is built. Whitespace and syntax are
// minified (names are kept, so messages and stack traces read the same): the script's source is part of the
// heap every plugin call deserializes (blob 11.5 → 8.9 MB, ≈ 10 ms less per call).
await build({
  absWorkingDir: root,
  entryPoints: ["dist/cmp/snapshot.js"],
  outfile: join(out, "snapshot", "cmp.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external,
  minifyWhitespace: true,
  minifySyntax: true,
  ...cjsModuleUrl,
  legalComments: "linked",
  logLevel: "warning",
});

// The CLI's code cache: compile the bundle, run a representative command in this process (so the functions a
// build, its validation and its YAML output use are compiled too), and save what V8 has compiled. Written with
// this Node; another V8 rejects it and compiles the bundle as if there were none.
{
  // dist/ was just built by tsc; its types are the sources'.
  /** @type {import("../src/cli/code-cache.js")} */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
  const codeCache = await import(pathToFileURL(join(root, "dist", "cli", "code-cache.js")).href);
  const { loadCliBundle } = codeCache;
  const loaded = loadCliBundle(cliBundle);
  const sample = join(root, "examples", "production");
  // Without the sample (or the schemas it validates against), the cache holds what compiling the bundle compiled.
  if (existsSync(sample) && existsSync(join(root, "schemas"))) {
    const sink = { write: () => true };
    const code = await loaded.cli.main(["build", sample, "--env", "prod", "--explain"], {
      stdout: sink,
      stderr: sink,
      stdin: Readable.from([]),
      cwd: root,
      env: { KINTENT_CACHE: "off" },
    });
    if (code !== 0) throw new Error(`bundle.mjs: the code cache's warm-up build exited ${code}`);
  }
  const tmp = `${loaded.cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, loaded.script.createCachedData());
  renameSync(tmp, loaded.cacheFile);
}
