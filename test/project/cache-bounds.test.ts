/**
 * The build cache's bounds and what it refuses to key: entries past the count or byte limit go oldest first;
 * an intent directory holding a linked directory, or too many files, is not cached; corrupt entries are
 * misses; intent directory discovery for fleets skips what it must and never follows linked directories.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BuildCache, findIntentDirs, treeHash } from "../../src/project/index.js";

const work = mkdtempSync(join(tmpdir(), "kintent-cache-bounds-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const entries = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json"));

describe("build cache bounds", () => {
  it("keeps at most maxEntries, removing the oldest first", () => {
    const dir = join(work, "count");
    const filler = new BuildCache(dir, { maxEntries: 1000, maxBytes: 1 << 30 });
    const keys = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, "0")}`.repeat(32));
    keys.forEach((k, i) => {
      filler.put(k, [], { i });
      const f = join(dir, k.slice(0, 2), `${k}.json`);
      utimesSync(f, new Date(1e12 + i * 1000), new Date(1e12 + i * 1000));
    });
    expect(entries(dir)).toHaveLength(30);
    // A new process's first put prunes.
    const bounded = new BuildCache(dir, { maxEntries: 20, maxBytes: 1 << 30 });
    bounded.put("ff".repeat(32), [], { i: 99 });
    expect(entries(dir)).toHaveLength(20);
    expect(bounded.get(keys[0] as string)).toBeUndefined(); // the oldest went
    expect(bounded.get(keys[29] as string)).toEqual({ i: 29 });
    expect(bounded.get("ff".repeat(32))).toEqual({ i: 99 });
  });

  it("keeps the total size under maxBytes", () => {
    const dir = join(work, "bytes");
    const big = "x".repeat(10_000);
    const filler = new BuildCache(dir, { maxEntries: 1000, maxBytes: 1 << 30 });
    for (let i = 0; i < 10; i++) filler.put(`${i}a`.repeat(32), [], big);
    const bounded = new BuildCache(dir, { maxEntries: 1000, maxBytes: 35_000 });
    bounded.put("bb".repeat(32), [], "small");
    const left = entries(dir);
    expect(left.length).toBeLessThanOrEqual(4);
    expect(bounded.get("bb".repeat(32))).toBe("small");
  });

  it("treats a corrupt or foreign entry as a miss", () => {
    const dir = join(work, "corrupt");
    const c = new BuildCache(dir);
    const key = "cd".repeat(32);
    c.put(key, [], { ok: true });
    expect(c.get(key)).toEqual({ ok: true });
    writeFileSync(join(dir, "cd", `${key}.json`), "{not json");
    expect(c.get(key)).toBeUndefined();
    writeFileSync(
      join(dir, "cd", `${key}.json`),
      JSON.stringify({ format: 1, key: "other", deps: [], value: 1 }),
    );
    expect(c.get(key)).toBeUndefined();
  });

  it("does not key a directory holding a linked directory or too many files", () => {
    const linked = join(work, "linked");
    mkdirSync(join(linked, "real"), { recursive: true });
    writeFileSync(join(linked, "kintent.yaml"), "x: 1\n");
    expect(treeHash(linked)).toBeDefined();
    symlinkSync(join(linked, "real"), join(linked, "extra"));
    expect(treeHash(linked)).toBeUndefined();
    expect(new BuildCache(join(work, "c2")).key(linked, {})).toBeUndefined();

    const many = join(work, "many");
    mkdirSync(many);
    for (let i = 0; i < 5001; i++) writeFileSync(join(many, `f${i}`), "");
    expect(treeHash(many)).toBeUndefined();
  });

  it("never reads a FIFO or device in the tree (it would block), and a dangling link is part of the key", () => {
    const d = join(work, "special");
    mkdirSync(d);
    writeFileSync(join(d, "kintent.yaml"), "x: 1\n");
    execFileSync("mkfifo", [join(d, "pipe")]);
    const h0 = treeHash(d);
    expect(h0).toBeDefined();
    symlinkSync(join(d, "nowhere"), join(d, "dangling"));
    expect(treeHash(d)).not.toBe(h0);
  });

  it("hashes contents, names and link targets; not mtimes", () => {
    const d = join(work, "hash");
    mkdirSync(d);
    writeFileSync(join(d, "a"), "one");
    writeFileSync(join(d, "b"), "two");
    const h0 = treeHash(d);
    utimesSync(join(d, "a"), new Date(1e12), new Date(1e12));
    expect(treeHash(d)).toBe(h0);
    writeFileSync(join(d, "a"), "two");
    const h1 = treeHash(d);
    expect(h1).not.toBe(h0);
    symlinkSync("b", join(d, "c"));
    const h2 = treeHash(d);
    expect(h2).not.toBe(h1);
    rmSync(join(d, "c"));
    symlinkSync("a", join(d, "c")); // same content ("two"), another target
    expect(treeHash(d)).not.toBe(h2);
  });
});

describe("fleet discovery", () => {
  it("finds intent directories, stops at each, skips node_modules/.git/dist and linked directories", () => {
    const root = join(work, "mono");
    const app = (rel: string) => {
      mkdirSync(join(root, rel), { recursive: true });
      writeFileSync(join(root, rel, "kintent.yaml"), "");
    };
    app("a");
    app("teams/b");
    app("a/nested-inside-an-app"); // an app's own subdirectory is not another app
    mkdirSync(join(root, "score-app"), { recursive: true });
    writeFileSync(join(root, "score-app", "score.yaml"), "");
    app("node_modules/pkg");
    app(".git/x");
    app("dist/y");
    mkdirSync(join(work, "outside", "c"), { recursive: true });
    writeFileSync(join(work, "outside", "c", "kintent.yaml"), "");
    symlinkSync(join(work, "outside"), join(root, "linked"));
    expect(findIntentDirs(root).map((d) => d.slice(root.length + 1))).toEqual(["a", "score-app", "teams/b"]);
  });
});
