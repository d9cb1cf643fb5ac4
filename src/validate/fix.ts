/**
 * `--fix`: apply the safe (behaviour-preserving) fixes of findings to the source files, with comments and
 * formatting preserved by the `yaml` Document API. Suggestions are never applied.
 */
import { sameObject } from "../core/object.js";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Finding, Fix } from "../core/finding.js";
import type { ManifestInput } from "./index.js";
import { refOf } from "./objects.js";
import { parsePointer } from "../core/json-pointer.js";

export interface FixResult {
  /** Files rewritten. */
  files: string[];
  applied: number;
}

function segs(pointer: string): (string | number)[] {
  return parsePointer(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Descending by path so removing an array item never shifts another fix's index. */
function byPathDesc(a: Fix, b: Fix): number {
  const x = segs(a.path);
  const y = segs(b.path);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string | number;
    const q = y[i] as string | number;
    if (p === q) continue;
    if (typeof p === "number" && typeof q === "number") return q - p;
    return String(q) < String(p) ? -1 : 1;
  }
  return y.length - x.length;
}

export function applyFixes(
  inputs: readonly ManifestInput[],
  findings: readonly Finding[],
  cwd: string,
): FixResult {
  const perFile = new Map<string, Map<number, Fix[]>>();
  for (const f of findings) {
    if (!f.fix || !f.object || !f.loc) continue;
    const input = inputs.find(
      (i) =>
        i.source &&
        i.source.file === f.loc?.file &&
        sameObject(refOf(i.object), f.object as NonNullable<Finding["object"]>),
    );
    if (!input?.source || input.source.file === "<stdin>") continue;
    const docs = perFile.get(input.source.file) ?? new Map<number, Fix[]>();
    const list = docs.get(input.source.index) ?? [];
    const full: Fix = { ...f.fix, path: `${input.pointer ?? ""}${f.fix.path}` };
    if (!list.some((x) => x.path === full.path && x.op === full.op)) list.push(full);
    docs.set(input.source.index, list);
    perFile.set(input.source.file, docs);
  }
  const result: FixResult = { files: [], applied: 0 };
  for (const [file, docsFixes] of [...perFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const abs = resolve(cwd, file);
    const docs = parseAllDocuments(readFileSync(abs, "utf8"));
    if (!Array.isArray(docs)) continue;
    for (const [index, fixes] of docsFixes) {
      const doc = docs[index];
      if (!doc) continue;
      for (const fx of [...fixes].sort(byPathDesc)) {
        if (fx.op === "remove") doc.deleteIn(segs(fx.path));
        else doc.setIn(segs(fx.path), fx.value);
        result.applied++;
      }
    }
    // Write beside and rename: a crash never leaves a half-written manifest.
    const tmp = `${abs}.kintent-fix-${process.pid}`;
    writeFileSync(tmp, docs.map((d) => d.toString()).join(""));
    renameSync(tmp, abs);
    result.files.push(file);
  }
  return result;
}
