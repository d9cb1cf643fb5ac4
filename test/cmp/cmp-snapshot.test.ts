/**
 * test/cmp/cmp.test.ts once more, with every plugin call started as the plugin image starts it: from the V8
 * start-up snapshot (scripts/snapshot.mjs, src/cmp/snapshot.ts) instead of bin/kintent.js. The snapshot holds a
 * warmed kintent; any state the warm-up left behind that changes an answer — an environment, a directory, a
 * request — fails one of those tests here. (test/cmp/deploy.test.ts runs the image's launcher and checks that the
 * snapshot and the CLI share build-cache entries.)
 */
import { runPluginFromSnapshot } from "./sidecar.js";

runPluginFromSnapshot();
await import("./cmp.test.js");
