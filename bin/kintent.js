#!/usr/bin/env node
const argv = process.argv.slice(2);
const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
};

// Fast path for the Argo CD plugin (deploy/argocd-cmp): `kintent cmp generate|discover` runs on every sync and
// refresh, so it skips the CLI framework and every other command (src/cmp/main.ts; same behaviour as the CLI).
if (argv[0] === "cmp" && (argv[1] === "generate" || argv[1] === "discover") && argv.length === 2) {
  const { runCmp } = await import("../dist/bundle/cmp/main.js");
  process.exitCode = await runCmp(argv.slice(1), io);
} else {
  // The CLI bundle, compiled from its V8 code cache (src/cli/code-cache.ts).
  const { loadCliBundle, saveUserCodeCache } = await import("../dist/cli/code-cache.js");
  const { fileURLToPath } = await import("node:url");
  const loaded = loadCliBundle(
    fileURLToPath(new URL("../dist/bundle/cli/main.cjs", import.meta.url)),
    process.env,
  );
  process.exitCode = await loaded.cli.main(argv, io);
  saveUserCodeCache(loaded);
}
