/**
 * Staging an edited intent for a proposal without touching the working tree: a temporary copy of the intent
 * directory — and of its platform file when that lives in a parent, placed where the loader finds it — with the
 * edited files written into the copy. Shared by `kintent ask --propose` and the MCP server's `propose`.
 * Effects: reading the intent directory, writing under `tmpDir`, running `git rev-parse`.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";

export interface StageOptions {
  /** The intent's platform file (absolute), when it is not inside the intent directory. */
  platformFile?: string;
  /** Where the temporary copy goes. */
  tmpDir: string;
}

export interface StagedIntent {
  /** The copy of the intent directory, with the edits written. */
  dir: string;
  /** Remove the copy (always call it, also on failure). */
  remove(): void;
}

/** Directories never copied: Git metadata, kintent's own state, dependencies. */
const SKIPPED = /(^|\/)(\.git|\.kintent|node_modules)(\/|$)/;

/**
 * Copy the intent directory `dir` (absolute) into a temporary directory and write `writes` (absolute paths under
 * `dir` → content) into the copy. Files outside `dir` in `writes` are refused: an edit never escapes the intent.
 */
export function stageIntent(
  dir: string,
  writes: ReadonlyMap<string, string>,
  options: StageOptions,
): StagedIntent {
  for (const file of writes.keys())
    if (!isInside(file, dir)) throw new Error(`refusing to stage ${file}: it is outside ${dir}`);
  const platformFile = options.platformFile;
  const outside = platformFile !== undefined && !isInside(platformFile, dir);
  const root = outside ? commonAncestor(dir, dirname(platformFile)) : dir;
  const stage = mkdtempSync(join(options.tmpDir, "kintent-stage-"));
  const remove = () => rmSync(stage, { recursive: true, force: true });
  try {
    const staged = join(stage, relative(root, dir));
    cpSync(dir, staged, { recursive: true, filter: (src) => !SKIPPED.test(relative(dir, src)) });
    if (outside) cpSync(platformFile, join(stage, relative(root, platformFile)));
    for (const [file, text] of writes) {
      const target = join(staged, relative(dir, file));
      mkdirSync(dirname(target), { recursive: true });
      const tmp = `${target}.kintent-tmp-${process.pid}`;
      writeFileSync(tmp, text);
      renameSync(tmp, target);
    }
    return { dir: staged, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/**
 * Path of a directory inside its Git repository — where a proposal commits the intent by default — or undefined
 * when it is in none or at its top (a proposal never writes the intent over the repository's root).
 */
export function repoPrefix(dir: string): string | undefined {
  const r = spawnSync("git", ["-C", dir, "rev-parse", "--show-prefix"], {
    encoding: "utf8",
    timeout: 10_000,
  });
  if (r.status !== 0) return undefined;
  return r.stdout.trim().replace(/\/$/, "") || undefined;
}

function isInside(file: string, dir: string): boolean {
  const rel = relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

function commonAncestor(a: string, b: string): string {
  const x = a.split(sep);
  const y = b.split(sep);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join(sep) || sep;
}
