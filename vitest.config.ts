import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The build cache (src/project/cache.ts) stays on — every plugin and fleet test goes through it — but in
    // a directory of this run, not the user's ~/.cache/kintent.
    env: { KINTENT_CACHE_DIR: mkdtempSync(join(tmpdir(), "kintent-test-cache-")) },
  },
});
