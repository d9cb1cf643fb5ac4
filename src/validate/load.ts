/**
 * Reading manifests to validate (the validator's only I/O): files, directories (recursively), stdin,
 * multi-document streams and `List` kinds, keeping source positions. Intent directories are reported
 * separately so the caller can compile them per environment.
 */
import { UsageError } from "../core/errors.js";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, isAbsolute } from "node:path";
import type { Finding } from "../core/finding.js";
import { parseManifestStream } from "../core/yaml-source.js";
import { asArr, isObj } from "./objects.js";
import type { ManifestInput } from "./index.js";

export interface LoadedManifests {
  inputs: ManifestInput[];
  /** YAML syntax errors and unreadable inputs (as findings of the file). */
  errors: Finding[];
  /** Directories that hold a kintent intent: compile and validate them per environment. */
  intentDirs: string[];
  /** Files read. */
  files: string[];
}

/** A path could not be read at all: a usage error (exit 2), not an invalid manifest. */
export class ManifestReadError extends UsageError {
  override name = "ManifestReadError";
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
/** Directories a walk for manifests or intents never enters. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(["node_modules", ".git", ".kintent", "dist"]);

/** Whether `dir` holds an intent (compiled per environment) rather than manifests. */
export function isIntentDir(dir: string): boolean {
  return existsSync(join(dir, "kintent.yaml")) || existsSync(join(dir, "score.yaml"));
}

function display(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith("..") && isAbsolute(file) ? file : rel;
}

/** Expand `List` kinds (v1 List and any *List with items) into their items. */
function expand(value: unknown, doc: ManifestInput["source"], out: ManifestInput[]): void {
  if (
    isObj(value) &&
    typeof value.kind === "string" &&
    /List$/.test(value.kind) &&
    Array.isArray(value.items)
  ) {
    asArr(value.items).forEach((item, i) => {
      if (isObj(item)) out.push({ object: item, ...(doc ? { source: doc, pointer: `/items/${i}` } : {}) });
    });
    return;
  }
  if (isObj(value)) out.push({ object: value, ...(doc ? { source: doc } : {}) });
}

/** Parse one YAML/JSON text into manifest inputs. kintent intent documents are not manifests and are left out. */
export function parseManifests(text: string, file: string): { inputs: ManifestInput[]; errors: Finding[] } {
  const parsed = parseManifestStream(text, file);
  const errors: Finding[] = parsed.errors.map((e) => ({
    checkId: "yaml",
    messageId: "syntax",
    severity: "error",
    message: e.message,
    loc: e.loc,
  }));
  const inputs: ManifestInput[] = [];
  for (const doc of parsed.documents) {
    const v = doc.value;
    if (!isObj(v)) {
      errors.push({
        checkId: "yaml",
        messageId: "not-an-object",
        severity: "error",
        message: "document is not a Kubernetes object (expected a mapping with apiVersion and kind)",
        loc: doc.start(),
      });
      continue;
    }
    if (
      typeof v.apiVersion === "string" &&
      (v.apiVersion.startsWith("kintent.dev/") || v.apiVersion.startsWith("score.dev/"))
    )
      continue;
    expand(v, doc, inputs);
  }
  return { inputs, errors };
}

export interface LoadManifestOptions {
  cwd: string;
  /** Text of stdin, when a path is `-`. */
  stdin?: string;
}

export function loadManifests(paths: readonly string[], options: LoadManifestOptions): LoadedManifests {
  const out: LoadedManifests = { inputs: [], errors: [], intentDirs: [], files: [] };
  const readFile = (abs: string) => {
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch (e) {
      throw new ManifestReadError(`cannot read ${display(abs, options.cwd)}: ${(e as Error).message}`);
    }
    const shown = display(abs, options.cwd);
    out.files.push(shown);
    const r = parseManifests(text, shown);
    out.inputs.push(...r.inputs);
    out.errors.push(...r.errors);
  };
  const walk = (dir: string, top: boolean) => {
    if (isIntentDir(dir)) {
      out.intentDirs.push(dir);
      return;
    }
    if (existsSync(join(dir, "Chart.yaml"))) {
      out.errors.push({
        checkId: "input",
        messageId: "helm-chart",
        severity: "error",
        message: `${display(dir, options.cwd) || "."} is a Helm chart, not manifests: render it first — \`helm template <release> ${display(dir, options.cwd) || "."} | kintent validate -\``,
      });
      return;
    }
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (SKIP_DIRS.has(name) || (name.startsWith(".") && !top)) continue;
        walk(p, false);
      } else if (MANIFEST_FILE.test(name) && !/^\.kintent(\.ya?ml)?$/.test(name) && name !== "kintent.lock") {
        readFile(p);
      }
    }
  };
  for (const p of paths) {
    if (p === "-") {
      out.files.push("<stdin>");
      const r = parseManifests(options.stdin ?? "", "<stdin>");
      out.inputs.push(...r.inputs);
      out.errors.push(...r.errors);
      continue;
    }
    const abs = resolve(options.cwd, p);
    if (!existsSync(abs)) throw new ManifestReadError(`no such file or directory: ${p}`);
    if (statSync(abs).isDirectory()) walk(abs, true);
    else readFile(abs);
  }
  return out;
}
