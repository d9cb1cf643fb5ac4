/**
 * `kintent.lock`: what `kintent ask --lock` generated from plain-English instructions, so later builds and the
 * Argo CD plugin are deterministic and LLM-free until the instructions change.
 *
 * Format (YAML, keys in this order, entries sorted by `source`; written only by kintent):
 *
 * ```yaml
 * # kintent.lock — written by `kintent ask --lock`. Commit it with the files it lists.
 * lockVersion: 1
 * entries:
 *   - source: claudernetes.yaml        # instruction file, relative to the intent directory;
 *                                       # `request:<sha256 prefix>` for a request given on the command line
 *     hash: sha256:<hex>                # sha256 of the instruction file's bytes (or of the request text)
 *     model: anthropic:claude-sonnet-5-5
 *     kintentVersion: 0.1.0
 *     files:                            # what the instructions produced, relative to the intent directory
 *       - {path: kintent.yaml, sha256: <hex>}
 *       - {path: extra/redis.yaml, sha256: <hex>}
 *     tokens: {input: 1834, output: 212}
 * ```
 *
 * An instruction file is *locked* when an entry with its path has the hash of its current bytes. Files listed
 * may be edited by people afterwards (through review); their hashes record what the model produced. The lock
 * holds no secret and no prompt text.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import * as z from "zod";

export const LOCK_FILE = "kintent.lock";
export const LOCK_VERSION = 1;
/** Instruction files kintent reads (claudernetes compatibility), in this order. */
export const INSTRUCTION_FILES = ["claudernetes.yaml", "claudernetes.yml", "claudernetes.md"] as const;

const lockEntry = z.strictObject({
  source: z.string().min(1),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  model: z.string().min(1),
  kintentVersion: z.string().min(1),
  files: z.array(z.strictObject({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  tokens: z.strictObject({ input: z.number().int().min(0), output: z.number().int().min(0) }),
});
const lockFile = z.strictObject({ lockVersion: z.literal(LOCK_VERSION), entries: z.array(lockEntry) });

export type LockEntry = z.infer<typeof lockEntry>;
export type Lock = z.infer<typeof lockFile>;

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Parse a lock file's text; errors are returned, never thrown. */
export function parseLock(text: string): { lock?: Lock; error?: string } {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    return { error: `${LOCK_FILE} is not valid YAML: ${(e as Error).message.split("\n")[0] ?? ""}` };
  }
  const r = lockFile.safeParse(value);
  if (!r.success)
    return {
      error: `${LOCK_FILE} is not a kintent lock (lockVersion ${LOCK_VERSION}): ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    };
  return { lock: r.data };
}

/** The lock's text: deterministic (entries sorted by source, files by path). */
export function formatLock(lock: Lock): string {
  const entries = [...lock.entries]
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
    .map((e) => ({
      source: e.source,
      hash: e.hash,
      model: e.model,
      kintentVersion: e.kintentVersion,
      files: [...e.files]
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((f) => ({ path: f.path, sha256: f.sha256 })),
      tokens: { input: e.tokens.input, output: e.tokens.output },
    }));
  return (
    `# ${LOCK_FILE} — written by \`kintent ask --lock\`. Commit it with the files it lists; regenerate when the instructions change.\n` +
    stringify({ lockVersion: LOCK_VERSION, entries }, { lineWidth: 0 })
  );
}

/** Replace (or add) the entry for `entry.source`. */
export function upsertEntry(lock: Lock | undefined, entry: LockEntry): Lock {
  const others = (lock?.entries ?? []).filter((e) => e.source !== entry.source);
  return { lockVersion: LOCK_VERSION, entries: [...others, entry] };
}

/** Read `kintent.lock` of an intent directory: undefined when there is none. */
export function readLock(dir: string): { lock?: Lock; error?: string } | undefined {
  const file = join(dir, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  return parseLock(readFileSync(file, "utf8"));
}

export interface InstructionFile {
  /** Path relative to the intent directory. */
  path: string;
  /** The file's bytes as text (hashed for the lock). */
  text: string;
  /** The plain-English instructions: `instructions:` of a YAML file, the whole of a Markdown file. */
  instructions: string;
}

/** Instruction files of a directory (`claudernetes.yaml` / `.yml` / `.md`), with their instructions. */
export function findInstructionFiles(dir: string): { files: InstructionFile[]; errors: string[] } {
  const files: InstructionFile[] = [];
  const errors: string[] = [];
  for (const name of INSTRUCTION_FILES) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const parsed = parseInstructions(name, text);
    if (parsed.error) errors.push(`${name}: ${parsed.error}`);
    else files.push({ path: name, text, instructions: parsed.instructions ?? "" });
  }
  return { files, errors };
}

/** The instructions in a claudernetes file: `instructions: |` in YAML, the whole text in Markdown. */
export function parseInstructions(name: string, text: string): { instructions?: string; error?: string } {
  if (name.endsWith(".md")) {
    return text.trim() === "" ? { error: "empty instructions" } : { instructions: text };
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    return { error: `not valid YAML: ${(e as Error).message.split("\n")[0] ?? ""}` };
  }
  const instructions =
    typeof value === "object" && value !== null
      ? (value as { instructions?: unknown }).instructions
      : undefined;
  if (typeof instructions !== "string" || instructions.trim() === "")
    return { error: "expected `instructions: |` with the plain-English instructions" };
  return { instructions };
}

/** A file a lock entry lists, as the directory holds it now. */
export interface LockedFile {
  path: string;
  /** `generated`: the bytes the model produced; `edited`: changed since (e.g. a reviewed hand edit); `missing`. */
  state: "generated" | "edited" | "missing";
}

/** What became of every file the entries list (sorted by path, each once). */
export function lockedFiles(dir: string, entries: readonly LockEntry[]): LockedFile[] {
  const byPath = new Map<string, string>();
  for (const e of entries) for (const f of e.files) byPath.set(f.path, f.sha256);
  return [...byPath.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, hash]) => {
      const file = join(dir, path);
      if (!existsSync(file)) return { path, state: "missing" as const };
      return {
        path,
        state: sha256(readFileSync(file)) === hash ? ("generated" as const) : ("edited" as const),
      };
    });
}

export type LockStatus =
  | { status: "none" }
  | { status: "locked"; entries: LockEntry[] }
  | { status: "missing" | "stale" | "invalid"; message: string };

/**
 * Whether the instruction files of a directory are served by its lock — the check the Argo CD plugin makes
 * before building (it never calls a model). `none`: the directory has no instruction files.
 */
export function checkLock(dir: string): LockStatus {
  const { files, errors } = findInstructionFiles(dir);
  if (errors.length > 0) return { status: "invalid", message: errors.join("; ") };
  if (files.length === 0) return { status: "none" };
  const read = readLock(dir);
  const fix = "run `kintent ask --lock` and commit the result";
  if (!read)
    return {
      status: "missing",
      message: `${files.map((f) => f.path).join(", ")} has no ${LOCK_FILE}: ${fix}`,
    };
  if (!read.lock) return { status: "invalid", message: `${read.error ?? ""}; ${fix}` };
  const entries: LockEntry[] = [];
  for (const f of files) {
    const entry = read.lock.entries.find((e) => e.source === f.path);
    if (!entry) return { status: "missing", message: `${f.path} is not in ${LOCK_FILE}: ${fix}` };
    if (entry.hash !== `sha256:${sha256(f.text)}`)
      return { status: "stale", message: `${f.path} changed since it was locked: ${fix}` };
    entries.push(entry);
  }
  return { status: "locked", entries };
}
