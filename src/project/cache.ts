/**
 * The build cache: content-addressed, so an unchanged app costs a hash and a read. Used by the Argo CD plugin
 * (`kintent cmp generate`) and fleet builds (`kintent build --all`, `kintent validate ROOT`).
 *
 * The key is a hash of everything a build may read, taken before building and without loading the engine:
 * - kintent itself: its version and the size and mtime of every file of its installation (`dist/`,
 *   `schemas/`), so a rebuilt or reinstalled kintent never reads another's entries;
 * - the call: what is built and how (environments, app, flags, resolved to absolute paths);
 * - every file under the intent directory (paths, symlink targets, contents; `.git` and `node_modules`
 *   excepted), a superset of its inputs — a new stray file costs a rebuild, never a stale answer;
 * - every parent directory up to `/`: its `platform.yaml`/`.yml` and `.kintent.yaml`/`.yml` (contents or
 *   absence) and whether it holds `.git` (where the platform search stops).
 * What the configuration names outside those (policy files and directories, schema directories, an explicit
 * `--config` or `--platform`) is known only after loading; an entry records their content hashes and a hit
 * re-hashes them. Results with intent errors or usage errors are never stored.
 *
 * Entries are JSON files named by the key, written atomically (temp file + rename); a missing, unreadable,
 * corrupt or mismatched entry is a miss. The directory is bounded (oldest entries removed past
 * {@link MAX_ENTRIES} or {@link MAX_TOTAL_BYTES}). `KINTENT_CACHE=off` disables it; `KINTENT_CACHE_DIR` moves it (default
 * `$XDG_CACHE_HOME/kintent` or `~/.cache/kintent`).
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import type { Stats } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDirFromEnv } from "../core/cache-dir.js";
import { packageRoot } from "../core/package-root.js";
import { VERSION } from "../core/version.js";

/** Directories never hashed (and never read by a build). */
const SKIP = new Set([".git", "node_modules"]);
/** An intent directory larger than this is not cached (hashing it would cost what a build costs). */
const MAX_TREE_FILES = 5000;
const MAX_TREE_BYTES = 64 * 1024 * 1024;
const MAX_TREE_DEPTH = 16;
/** Files in a parent directory that a build may read. */
const PARENT_FILES = ["platform.yaml", "platform.yml", ".kintent.yaml", ".kintent.yml"];
/** Entries kept, and their total size; the oldest are removed past either. */
export const MAX_ENTRIES = 5000;
export const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;
/** Largest entry read back (a 50 MB extra/ makes a large entry; anything larger is a miss). */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;
const FORMAT = 1;

export { cacheDirFromEnv };

let installation: string | undefined;
/**
 * Size and mtime of every file of the code this process runs and of the schemas, hashed once per process:
 * from the CLI's bundles, dist/bundle/ (≈ 130 files — this is on the plugin's cache-hit path); from tsc's
 * modules or the sources, dist/ and src/ (a library caller, a fleet worker, the tests).
 */
function installationId(): string {
  if (installation !== undefined) return installation;
  const h = createHash("sha256").update(`kintent ${VERSION}\0format ${FORMAT}\0`);
  const root = packageRoot();
  const bundled = fileURLToPath(import.meta.url).includes(`${sep}dist${sep}bundle${sep}`);
  for (const sub of bundled ? ["dist/bundle", "schemas"] : ["dist", "schemas", "src"]) {
    const dir = join(root, sub);
    if (!existsSync(dir)) continue;
    const walk = (d: string, rel: string, depth: number) => {
      if (depth > 8) return;
      for (const name of readdirSync(d).sort()) {
        const p = join(d, name);
        const st = statSync(p);
        if (st.isDirectory()) walk(p, `${rel}/${name}`, depth + 1);
        else if (!name.endsWith(".map") && !name.endsWith(".d.ts"))
          h.update(`${rel}/${name}\0${st.size}\0${st.mtimeMs}\0`);
      }
    };
    try {
      walk(dir, sub, 0);
    } catch {
      // An installation kintent cannot read back: an identity no other process shares (no hits, no harm).
      h.update(`unreadable ${process.pid} ${Math.random()}`);
    }
  }
  installation = h.digest("hex");
  return installation;
}

/** Hash of a file or directory tree (names, symlink targets, contents), or undefined when it is too large. */
export function treeHash(path: string): string | undefined {
  const h = createHash("sha256");
  let files = 0;
  let bytes = 0;
  const visit = (p: string, rel: string, depth: number): boolean => {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      h.update(`missing ${rel}\0`);
      return true;
    }
    if (st.isSymbolicLink()) {
      let target: Stats;
      try {
        target = statSync(p);
      } catch {
        h.update(`dangling ${rel}\0${readlinkSync(p)}\0`);
        return true;
      }
      // A link to a directory would make the tree unbounded (or a cycle): not cached.
      if (!target.isFile()) return false;
      h.update(`link ${rel}\0${readlinkSync(p)}\0`);
      st = target;
    }
    if (st.isDirectory()) {
      if (depth > MAX_TREE_DEPTH) return false;
      h.update(`dir ${rel}\0`);
      for (const name of readdirSync(p).sort()) {
        if (SKIP.has(name)) continue;
        if (!visit(join(p, name), `${rel}/${name}`, depth + 1)) return false;
      }
      return true;
    }
    if (!st.isFile()) {
      h.update(`special ${rel}\0`);
      return true;
    }
    files++;
    bytes += st.size;
    if (files > MAX_TREE_FILES || bytes > MAX_TREE_BYTES) return false;
    h.update(`file ${rel}\0${st.size}\0`).update(readFileSync(p)).update("\0");
    return true;
  };
  try {
    return visit(path, ".", 0) ? h.digest("hex") : undefined;
  } catch {
    // An unreadable file or directory: not cached (the build says what it makes of it).
    return undefined;
  }
}

/** The parents' platform and config files and Git markers, from `dir`'s parent up to the root. */
function parentsHash(dir: string): string | undefined {
  const h = createHash("sha256");
  let d = dirname(dir);
  for (;;) {
    h.update(`parent ${d}\0`);
    for (const f of PARENT_FILES) {
      const p = join(d, f);
      try {
        const st = statSync(p);
        // Too large to hash: not cached (a build reads it, and would refuse it as an input anyway).
        if (st.isFile() && st.size > MAX_TREE_BYTES) return undefined;
        h.update(`${f}\0${st.isFile() ? "file" : "other"}\0`);
        if (st.isFile()) h.update(readFileSync(p));
        h.update("\0");
      } catch (e) {
        // absent, or unreadable (which the build will report): either way part of the key
        h.update(`${f}\0${(e as NodeJS.ErrnoException).code ?? "error"}\0`);
      }
    }
    if (existsSync(join(d, ".git"))) h.update(".git\0");
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return h.digest("hex");
}

export interface CacheEntry<T> {
  format: number;
  key: string;
  /** Paths outside the hashed trees that the build read, with their tree hashes at the time. */
  deps: { path: string; hash: string }[];
  value: T;
}

export class BuildCache {
  constructor(
    readonly dir: string,
    /** Bounds (tests lower them). */
    private readonly limits: { maxEntries: number; maxBytes: number } = {
      maxEntries: MAX_ENTRIES,
      maxBytes: MAX_TOTAL_BYTES,
    },
  ) {}

  private static readonly open = new Map<string, BuildCache>();
  /** The cache in `dir`, one instance per process (it prunes once). */
  static at(dir: string): BuildCache {
    let c = BuildCache.open.get(dir);
    if (!c) {
      c = new BuildCache(dir);
      BuildCache.open.set(dir, c);
    }
    return c;
  }

  /** The cache the environment asks for, or undefined when it is off. */
  static fromEnv(env: NodeJS.ProcessEnv): BuildCache | undefined {
    const dir = cacheDirFromEnv(env);
    return dir === undefined ? undefined : BuildCache.at(dir);
  }

  /**
   * The key of building intent directory `intentDir` with `call` (JSON: environments, flags as absolute
   * paths, output mode), or undefined when the directory cannot be cached (too large, a linked directory).
   */
  key(intentDir: string, call: unknown): string | undefined {
    const tree = treeHash(intentDir);
    const parents = parentsHash(intentDir);
    if (tree === undefined || parents === undefined) return undefined;
    return createHash("sha256")
      .update(installationId())
      .update("\0")
      .update(intentDir)
      .update("\0")
      .update(JSON.stringify(call))
      .update("\0")
      .update(tree)
      .update("\0")
      .update(parents)
      .digest("hex");
  }

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The stored value for `key`, when its recorded dependencies still hash the same. */
  get<T>(key: string): T | undefined {
    const file = this.file(key);
    try {
      if (statSync(file).size > MAX_ENTRY_BYTES) return undefined;
      const entry = JSON.parse(readFileSync(file, "utf8")) as CacheEntry<T>;
      if (entry.format !== FORMAT || entry.key !== key || !Array.isArray(entry.deps)) return undefined;
      for (const d of entry.deps) if (treeHash(d.path) !== d.hash) return undefined;
      return entry.value;
    } catch {
      return undefined;
    }
  }

  /**
   * Store `value` under `key`, with the outside paths it depends on. Never throws: a cache that cannot be
   * written (read-only home in a plugin sidecar, a full disk) is a cache that misses.
   */
  put<T>(key: string, deps: readonly string[], value: T): void {
    try {
      const entry = this.entry(key, deps, value);
      if (entry === undefined) return;
      const file = this.file(key);
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, entry);
      renameSync(tmp, file);
      this.prune();
    } catch {
      // a miss next time
    }
  }

  /** The entry's JSON: the value and each outside path's hash now; undefined when a path cannot be hashed. */
  private entry<T>(key: string, deps: readonly string[], value: T): string | undefined {
    const hashed: { path: string; hash: string }[] = [];
    for (const p of [...new Set(deps)].sort()) {
      const hash = treeHash(p);
      if (hash === undefined) return undefined;
      hashed.push({ path: p, hash });
    }
    return JSON.stringify({ format: FORMAT, key, deps: hashed, value } satisfies CacheEntry<T>);
  }

  private readonly pending = new Set<Promise<void>>();
  private readonly made = new Set<string>();
  /**
   * `put` in the background: the entry is written by libuv's threads while the caller goes on building (a
   * fleet writes thousands of entries). {@link BuildCache.flushAll} waits for every write.
   */
  putLater<T>(key: string, deps: readonly string[], value: T): void {
    let entry: string | undefined;
    try {
      entry = this.entry(key, deps, value);
    } catch {
      return;
    }
    if (entry === undefined) return;
    const text = entry;
    const file = this.file(key);
    const dir = dirname(file);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const write = (async () => {
      try {
        if (!this.made.has(dir)) {
          await mkdir(dir, { recursive: true });
          this.made.add(dir);
        }
        await writeFile(tmp, text);
        await rename(tmp, file);
      } catch {
        await rm(tmp, { force: true }).catch(() => undefined);
      }
    })();
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Waits for every background write of every cache of this process, then prunes. */
  static async flushAll(): Promise<void> {
    for (const c of BuildCache.open.values()) {
      while (c.pending.size > 0) await Promise.all([...c.pending]);
      try {
        if (existsSync(c.dir)) c.prune();
      } catch {
        // a full or read-only disk: nothing to prune
      }
    }
  }

  private pruned = false;
  /** Keeps at most MAX_ENTRIES entries and MAX_TOTAL_BYTES, oldest out first (checked once per process). */
  private prune(): void {
    if (this.pruned) return;
    this.pruned = true;
    const all: { path: string; mtime: number; size: number }[] = [];
    let total = 0;
    for (const sub of readdirSync(this.dir)) {
      const d = join(this.dir, sub);
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        const st = statSync(p);
        all.push({ path: p, mtime: st.mtimeMs, size: st.size });
        total += st.size;
      }
    }
    all.sort((a, b) => a.mtime - b.mtime);
    let count = all.length;
    for (const e of all) {
      if (count <= this.limits.maxEntries && total <= this.limits.maxBytes) break;
      rmSync(e.path, { force: true });
      count--;
      total -= e.size;
    }
  }
}
