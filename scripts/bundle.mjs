/**
 * `npm run build`'s second step: the CLI and the Argo CD plugin as ES module bundles under dist/bundle/
 * (esbuild, code splitting), which bin/kintent.js runs. A cold `kintent` process otherwise resolves and loads
 * ~250 files (zod alone is 99, yaml 73) before doing anything: Node 20 has no module compile cache, and the
 * plugin runs once per Application per refresh (bench/README "Fleets and cold start").
 * Pure-JS dependencies on the hot path are bundled; the heavy, rarely used ones (the Kubernetes client, the
 * LLM and MCP SDKs, Octokit, prom-client) stay in node_modules and load lazily as before. Commands import
 * what they need with `import()`, so each lands in its own chunk. The library (dist/index.js) is not bundled.
 */
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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
await build({
  absWorkingDir: root,
  entryPoints: { "cli/main": "dist/cli/main.js", "cmp/main": "dist/cmp/main.js" },
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
  define: { "import.meta.url": "__kintentModuleUrl" },
  banner: { js: "var __kintentModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: "linked",
  logLevel: "warning",
});
