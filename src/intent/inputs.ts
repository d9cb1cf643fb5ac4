/**
 * Which files of an intent directory are input, and how they are read. Explicit on purpose: a build never
 * compiles a file because it happens to end in `.yaml` (the output of `kintent build > app/out.yaml` must not
 * become the next build's input).
 *
 * Inputs of an intent directory:
 * - `kintent.yaml` / `kintent.yml`, and `<name>.kintent.yaml` for directories with several apps — App (and
 *   Platform) documents;
 * - `score.yaml` / `score.yml` / `<name>.score.yaml` — Score workloads;
 * - `platform.yaml` / `platform.yml` here, or the nearest `platform.yaml` in a parent (up to the Git root);
 * - `extra/**` (`*.yaml`, `*.yml`) — manifests owned by the app(s);
 * - `.kintent.yaml` — validation settings (loaded by the project, found from here up).
 *
 * Anything else is ignored; another YAML file that looks like manifests or an intent gets a warning saying
 * so. Every file read stays inside the intent directory once symlinks are resolved (the platform file found
 * in a parent excepted), must be a regular file, and is at most {@link MAX_INPUT_BYTES}.
 */
import {
  existsSync,
  lstatSync,
  openSync,
  readSync,
  closeSync,
  readdirSync,
  realpathSync,
  statSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { Finding } from "../core/finding.js";

export const INTENT_FILE = /^(?:[A-Za-z0-9][\w.-]*\.)?kintent\.ya?ml$/;
export const SCORE_FILE = /^(?:[A-Za-z0-9][\w.-]*\.)?score\.ya?ml$/;
export const PLATFORM_FILE = /^platform\.ya?ml$/;
/** Subdirectory of an intent directory holding extra manifests owned by its app(s). */
export const EXTRA_DIR = "extra";
/** The project's validation settings (found from the intent directory up). */
export const CONFIG_FILE = ".kintent.yaml";
/** Files kintent knows and reads elsewhere (the AI layer, the Argo CD plugin): never warned about. */
const KNOWN_OTHER = new Set([
  CONFIG_FILE,
  ".kintent.yml",
  "claudernetes.yaml",
  "claudernetes.yml",
  "claudernetes.md",
  "kintent.lock",
]);

/** Largest input file kintent reads (an intent, a platform, an extra manifest, a Score file source). */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;
/** Bounds of the walk under `extra/`. */
export const MAX_EXTRA_FILES = 2000;
export const MAX_EXTRA_DEPTH = 8;

const YAML_FILE = /\.ya?ml$/;

export type InputRole = "intent" | "score" | "platform" | "extra";

export interface InputFile {
  /** Absolute path. */
  path: string;
  role: InputRole;
}

export interface DiscoveredInputs {
  files: InputFile[];
  /** Ignored files that deserve a word (stray manifests, misnamed intents), and unreadable `extra/` entries. */
  warnings: Finding[];
  errors: Finding[];
}

/** Display form of `abs` relative to `base` ("/" separators). */
export function displayPath(abs: string, base: string): string {
  const rel = relative(base, abs);
  return (rel === "" ? "." : rel).split(sep).join("/");
}

function inputError(messageId: string, message: string, file: string): Finding {
  return { checkId: "input", messageId, severity: "error", message, loc: { file, line: 1, column: 1 } };
}

/**
 * The input files of intent directory `dir` (absolute). `overlay` adds files that exist only in memory (edit
 * previews). `base` is what paths in messages are relative to.
 */
export function discoverInputs(
  dir: string,
  base: string,
  overlay?: ReadonlyMap<string, string>,
): DiscoveredInputs {
  const files: InputFile[] = [];
  const warnings: Finding[] = [];
  const errors: Finding[] = [];
  const names = new Set(existsSync(dir) ? readdirSync(dir) : []);
  for (const f of overlay?.keys() ?? []) if (dirname(f) === dir) names.add(basename(f));
  for (const name of [...names].sort()) {
    const path = join(dir, name);
    if (INTENT_FILE.test(name)) files.push({ path, role: "intent" });
    else if (SCORE_FILE.test(name)) files.push({ path, role: "score" });
    else if (PLATFORM_FILE.test(name)) files.push({ path, role: "platform" });
    else if (YAML_FILE.test(name) && !KNOWN_OTHER.has(name) && !overlay?.has(path)) {
      const w = strayWarning(path, displayPath(path, base), name);
      if (w) warnings.push(w);
    }
  }
  const extraRoot = join(dir, EXTRA_DIR);
  if (existsSync(extraRoot) || [...(overlay?.keys() ?? [])].some((f) => f.startsWith(extraRoot + sep))) {
    walkExtra(dir, extraRoot, base, overlay, files, errors);
  }
  return { files, warnings, errors };
}

/** A warning for an ignored YAML file that looks like something the user meant to deploy. */
function strayWarning(path: string, shown: string, name: string): Finding | undefined {
  let head: string;
  try {
    if (!statSync(path).isFile()) return undefined;
    head = readHead(path, 64 * 1024);
  } catch {
    return undefined;
  }
  const intent =
    /^apiVersion:\s*["']?kintent\.dev\//m.test(head) || /^apiVersion:\s*["']?score\.dev\//m.test(head);
  const manifest = /^apiVersion:\s*\S/m.test(head) && /^kind:\s*\S/m.test(head);
  if (!intent && !manifest) return undefined;
  const stem = name.replace(YAML_FILE, "");
  return {
    checkId: "input",
    messageId: intent ? "misnamed-intent" : "stray-manifest",
    severity: "warning",
    message: intent
      ? `${name} is not read: intent files are named kintent.yaml or <name>.kintent.yaml (Score: score.yaml) — rename it to ${stem}.kintent.yaml`
      : `${name} is not an input and is ignored: it looks like Kubernetes manifests (build output?) — move it under ${EXTRA_DIR}/ to deploy it with the app, or out of the intent directory`,
    loc: { file: shown, line: 1, column: 1 },
  };
}

function readHead(path: string, bytes: number): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** `extra/**`: YAML files in path order, symlinks followed only when they stay inside the intent directory. */
function walkExtra(
  dir: string,
  extraRoot: string,
  base: string,
  overlay: ReadonlyMap<string, string> | undefined,
  files: InputFile[],
  errors: Finding[],
): void {
  const root = realDir(dir);
  const found = new Set<string>();
  const seenDirs = new Set<string>();
  const walk = (d: string, depth: number): void => {
    if (depth > MAX_EXTRA_DEPTH) {
      errors.push(
        inputError(
          "extra-depth",
          `${displayPath(d, base)}: ${EXTRA_DIR}/ is nested more than ${MAX_EXTRA_DEPTH} levels deep`,
          displayPath(d, base),
        ),
      );
      return;
    }
    let real: string;
    try {
      real = realpathSync(d);
    } catch {
      return;
    }
    if (!isInside(real, root)) {
      errors.push(
        inputError(
          "outside",
          `${displayPath(d, base)} leads outside the intent directory (to ${real}); inputs must stay inside it`,
          displayPath(d, base),
        ),
      );
      return;
    }
    if (seenDirs.has(real)) return; // a symlink loop, or the same directory twice
    seenDirs.add(real);
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        errors.push(
          inputError(
            "unreadable",
            `${displayPath(p, base)} cannot be read (a dangling symlink?)`,
            displayPath(p, base),
          ),
        );
        continue;
      }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (YAML_FILE.test(name)) found.add(p);
    }
  };
  if (existsSync(extraRoot)) walk(extraRoot, 0);
  for (const f of overlay?.keys() ?? []) if (f.startsWith(extraRoot + sep) && YAML_FILE.test(f)) found.add(f);
  const list = [...found].sort();
  if (list.length > MAX_EXTRA_FILES) {
    errors.push(
      inputError(
        "extra-count",
        `${EXTRA_DIR}/ holds ${list.length} YAML files; kintent reads at most ${MAX_EXTRA_FILES}`,
        displayPath(extraRoot, base),
      ),
    );
    return;
  }
  for (const path of list) files.push({ path, role: "extra" });
}

export type ReadResult = { text: string } | { error: Finding };

/**
 * Read one input file: symlinks resolved and kept inside `root` (when given), a regular file, at most
 * {@link MAX_INPUT_BYTES}. Problems are located findings (`shown` is the display path), never exceptions.
 */
export function readInput(
  path: string,
  shown: string,
  options: { root?: string; overlay?: ReadonlyMap<string, string>; what?: string } = {},
): ReadResult {
  const inMemory = options.overlay?.get(path);
  if (inMemory !== undefined) {
    if (Buffer.byteLength(inMemory) > MAX_INPUT_BYTES)
      return {
        error: inputError("too-large", `${shown} is larger than ${MAX_INPUT_BYTES / 2 ** 20} MiB`, shown),
      };
    return { text: inMemory };
  }
  const what = options.what ?? "input file";
  // `../../etc/passwd` is refused as written, whether or not it exists (no probing outside the directory).
  if (options.root !== undefined && !isInside(resolve(path), resolve(options.root)))
    return {
      error: inputError(
        "outside",
        `${shown} is outside the intent directory; inputs must stay inside it`,
        shown,
      ),
    };
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { error: inputError("missing", `${shown}: no such ${what}`, shown) };
  }
  if (options.root !== undefined && !isInside(real, realDir(options.root))) {
    return {
      error: inputError(
        "outside",
        `${shown} leads outside the intent directory${lstatSync(path).isSymbolicLink() ? ` (a symlink to ${real})` : ""}; inputs must stay inside it`,
        shown,
      ),
    };
  }
  const st = statSync(real);
  if (!st.isFile()) return { error: inputError("not-a-file", `${shown} is not a regular file`, shown) };
  if (st.size > MAX_INPUT_BYTES)
    return {
      error: inputError(
        "too-large",
        `${shown} is ${(st.size / 2 ** 20).toFixed(1)} MiB; kintent reads input files of at most ${MAX_INPUT_BYTES / 2 ** 20} MiB`,
        shown,
      ),
    };
  // Read at most the limit even if the file grew since the stat (a FIFO or a growing file cannot exhaust memory).
  const fd = openSync(real, "r");
  try {
    const buf = Buffer.alloc(Math.min(st.size, MAX_INPUT_BYTES) + 1);
    let n = 0;
    for (;;) {
      const k = readSync(fd, buf, n, buf.length - n, n);
      if (k === 0) break;
      n += k;
      if (n >= buf.length) {
        return {
          error: inputError(
            "too-large",
            `${shown} grew while it was read; kintent reads at most ${MAX_INPUT_BYTES / 2 ** 20} MiB`,
            shown,
          ),
        };
      }
    }
    return { text: buf.subarray(0, n).toString("utf8") };
  } finally {
    closeSync(fd);
  }
}
