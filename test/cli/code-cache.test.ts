/**
 * src/cli/code-cache.ts: the CLI bundle compiled through vm.Script with a V8 code cache. A cache is named by the
 * sha256 of the bundle's text, so it is never applied to other code — V8 itself only compares source lengths,
 * and a same-length edit with a stale cache would run the old functions. Each load runs in a fresh process (the
 * built dist/cli/code-cache.js): within one process V8 finds a script it compiled before without any cache.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { ensureDist } from "../cmp/sidecar.js";

const work = mkdtempSync(join(tmpdir(), "kintent-code-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureDist();
}, 300_000);

const bundle = (answer: string) =>
  `"use strict";
   const { basename } = require("node:path");
   module.exports.main = async (argv) => [${JSON.stringify(answer)}, basename(__filename), ...argv].join(" ");
   module.exports.answer = () => ${JSON.stringify(answer)} + " from " + basename(__dirname);`;

interface Load {
  fromCache: boolean;
  cacheFile: string;
  answer: string;
  main: string;
}

/**
 * Loads `file` in a fresh Node with `env` (its cache directory): with `save`, writes the script's code cache
 * where `npm run build` would; then does what bin/kintent.js does after a command (saveUserCodeCache).
 */
function load(file: string, save = false, env: Record<string, string> = {}): Load {
  const probe = `const { loadCliBundle, saveUserCodeCache } = await import(${JSON.stringify(join(ROOT, "dist", "cli", "code-cache.js"))});
    const { writeFileSync } = await import("node:fs");
    const l = loadCliBundle(${JSON.stringify(file)}, ${JSON.stringify(env)});
    const out = { fromCache: l.fromCache, cacheFile: l.cacheFile, answer: l.cli.answer(), main: await l.cli.main(["a"], {}) };
    if (${save}) writeFileSync(l.cacheFile, l.script.createCachedData());
    saveUserCodeCache(l);
    console.log(JSON.stringify(out));`;
  return JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" }),
  ) as Load;
}

describe("loadCliBundle", () => {
  it("compiles from the cache written for exactly this text, and from source for any other", () => {
    const dir = mkdtempSync(join(work, "cli-"));
    const file = join(dir, "main.cjs");
    writeFileSync(file, bundle("first"));
    const cold = load(file, true);
    expect(cold).toMatchObject({ fromCache: false, main: "first main.cjs a" });
    expect(cold.answer).toMatch(/^first from cli-/);
    const warm = load(file);
    expect(warm).toMatchObject({ fromCache: true, cacheFile: cold.cacheFile, main: "first main.cjs a" });

    // Same length, other text: another cache name, compiled from source, and the new code runs.
    writeFileSync(file, bundle("other"));
    const edited = load(file);
    expect(edited.cacheFile).not.toBe(cold.cacheFile);
    expect(edited).toMatchObject({ fromCache: false, main: "other main.cjs a" });
  });

  it("V8 rejects a cache from another V8 or other flags, and the bundle compiles from source", () => {
    const dir = mkdtempSync(join(work, "cli-"));
    const file = join(dir, "main.cjs");
    writeFileSync(file, bundle("elsewhere"));
    const first = load(file, true);
    const data = readFileSync(first.cacheFile);
    // The header's V8 version hash and flag hash (bytes 4–7 and 12–15 of V8's SerializedCodeData).
    data.writeUInt32LE((data.readUInt32LE(4) ^ 0xffffffff) >>> 0, 4);
    writeFileSync(first.cacheFile, data);
    expect(load(file)).toMatchObject({ fromCache: false, main: "elsewhere main.cjs a" });
    writeFileSync(first.cacheFile, "not a cache");
    expect(load(file)).toMatchObject({ fromCache: false, main: "elsewhere main.cjs a" });
    expect(readdirSync(dir).sort()).toEqual(["main.cjs", first.cacheFile.split("/").pop()].sort());
  });

  it("for a Node other than the builder's: compiles without, saves one in the user's cache directory, then uses it", () => {
    const dir = mkdtempSync(join(work, "cli-"));
    const file = join(dir, "main.cjs");
    writeFileSync(file, bundle("registry"));
    const home = mkdtempSync(join(work, "home-"));
    const v8dir = join(home, ".cache", "kintent", "v8");
    // Old caches of other builds and Nodes: only the newest few are kept.
    mkdirSync(v8dir, { recursive: true });
    for (let i = 0; i < 6; i++) {
      writeFileSync(join(v8dir, `main-old${i}-v8-1.0.v8cache`), "old");
      utimesSync(join(v8dir, `main-old${i}-v8-1.0.v8cache`), 1_000_000 + i, 1_000_000 + i);
    }
    const first = load(file, false, { HOME: home });
    expect(first).toMatchObject({ fromCache: false, main: "registry main.cjs a" });
    const saved = readdirSync(v8dir).sort();
    expect(saved).toHaveLength(4);
    expect(saved).toContain(first.cacheFile.split("/").pop());
    expect(saved.filter((f) => f.startsWith("main-old"))).toEqual([
      "main-old3-v8-1.0.v8cache",
      "main-old4-v8-1.0.v8cache",
      "main-old5-v8-1.0.v8cache",
    ]);
    expect(readdirSync(dir)).toEqual(["main.cjs"]); // never written to the installation at run time
    expect(load(file, false, { HOME: home })).toMatchObject({ fromCache: true, main: "registry main.cjs a" });

    // An installation cache this Node rejects every time (other V8 flags: the header's flag hash, bytes 12–15):
    // the user's cache is written once and then used — not rewritten on every command.
    const flagged = mkdtempSync(join(work, "home-"));
    const installed = load(file, true); // npm run build's cache, then made to mismatch
    const data = readFileSync(installed.cacheFile);
    data.writeUInt32LE((data.readUInt32LE(12) ^ 0xffffffff) >>> 0, 12);
    writeFileSync(installed.cacheFile, data);
    expect(load(file, false, { HOME: flagged }).fromCache).toBe(false);
    const userFile = join(flagged, ".cache", "kintent", "v8", installed.cacheFile.split("/").pop() as string);
    const written = statSync(userFile).mtimeMs;
    expect(load(file, false, { HOME: flagged }).fromCache).toBe(true);
    expect(statSync(userFile).mtimeMs).toBe(written);
    rmSync(installed.cacheFile);
    // KINTENT_CACHE=off: neither read nor written.
    expect(load(file, false, { HOME: home, KINTENT_CACHE: "off" })).toMatchObject({ fromCache: false });
    const other = mkdtempSync(join(work, "home-"));
    expect(load(file, false, { XDG_CACHE_HOME: other, KINTENT_CACHE: "off" }).fromCache).toBe(false);
    expect(readdirSync(other)).toEqual([]);
  });
});
