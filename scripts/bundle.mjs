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
  external: [
    "@anthropic-ai/sdk",
    "@kubernetes/client-node",
    "@modelcontextprotocol/*",
    "@octokit/rest",
    "openai",
    "prom-client",
  ],
  // Bundled CommonJS dependencies (commander) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __kintentRequire } from 'node:module'; const require = __kintentRequire(import.meta.url);",
  },
  legalComments: "linked",
  logLevel: "warning",
});
