/**
 * Extra manifests: what an intent cannot express (a Redis StatefulSet next to the app), kept as
 * `extra/<name>.yaml` in the intent directory, owned by an app, explained and validated on every build.
 *
 * - `extractManifests` parses a model's answer strictly: code fences, prose around YAML, several
 *   documents, `List` kinds; anything unparseable is a clear error, never a guess.
 * - `placeExtras` (src/compile/extras.ts) puts them into a build: the owner's namespace and labels, a decision.
 * - `renderExtraFile` writes them for review, with their reason as a header comment.
 * Pure; no SDKs here (the build and the Argo CD plugin import this module).
 */
import type { KObject } from "../core/object.js";
import { Document, parseAllDocuments } from "yaml";
import type { Fix } from "../core/finding.js";
import { parsePointer } from "../core/json-pointer.js";
import { LABELS } from "../intent/defaults.js";
import { canonicalize } from "../compile/order.js";
import { labelsOf, WHY_ANNOTATION } from "../compile/extras.js";
export { ownerOf, WHY_ANNOTATION } from "../compile/extras.js";
import { YAML_OPTIONS } from "../render/yaml.js";

// ---------------------------------------------------------------------------------------------
// Parsing a model's manifests
// ---------------------------------------------------------------------------------------------

export interface ExtractResult {
  objects: Record<string, unknown>[];
  errors: string[];
  /** Prose dropped around the YAML, for transparency. */
  notes: string[];
}

const FENCE = /^\s*(`{3,}|~{3,})\s*([\w+-]*)\s*$/;
const YAML_START = /^(---|apiVersion:|kind:|metadata:|#|\{|\[)/;

/** Split text into the YAML to parse: the contents of code fences if there are any, else the text minus prose. */
function yamlChunks(text: string): {
  chunks: { text: string; line: number }[];
  errors: string[];
  notes: string[];
} {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const errors: string[] = [];
  const notes: string[] = [];
  const fenced: { text: string; line: number }[] = [];
  let open: { marker: string; lang: string; start: number } | undefined;
  let body: string[] = [];
  let sawFence = false;
  lines.forEach((line, i) => {
    const m = FENCE.exec(line);
    if (open) {
      if (m && m[1]?.[0] === open.marker[0] && (m[1]?.length ?? 0) >= open.marker.length && m[2] === "") {
        if (/^(ya?ml|json|)$/i.test(open.lang)) fenced.push({ text: body.join("\n"), line: open.start + 2 });
        else notes.push(`ignored a \`${open.lang}\` code block at line ${open.start + 1}`);
        open = undefined;
        body = [];
      } else body.push(line);
    } else if (m) {
      sawFence = true;
      open = { marker: m[1] ?? "```", lang: m[2] ?? "", start: i };
    }
  });
  if (open) errors.push(`unterminated code block starting at line ${open.start + 1}`);
  if (sawFence) {
    if (fenced.length === 0 && errors.length === 0) errors.push("no YAML code block found");
    return { chunks: fenced, errors, notes };
  }
  // No fences: leading and trailing prose lines are dropped; the YAML in between must parse whole.
  let first = lines.findIndex((l) => YAML_START.test(l));
  if (first < 0) first = lines.length;
  let last = lines.length - 1;
  while (last >= first && ((lines[last] ?? "").trim() === "" || !isYamlish(lines[last] ?? ""))) last--;
  if (first > 0 && lines.slice(0, first).some((l) => l.trim() !== ""))
    notes.push(`ignored ${first} line(s) of prose before the YAML`);
  if (last < lines.length - 1 && lines.slice(last + 1).some((l) => l.trim() !== ""))
    notes.push(`ignored ${lines.length - 1 - last} line(s) of prose after the YAML`);
  return { chunks: [{ text: lines.slice(first, last + 1).join("\n"), line: first + 1 }], errors, notes };
}

/** A line that can end a YAML document: indented, a list item, `key:`, a comment, `---`, or blank. */
function isYamlish(line: string): boolean {
  return (
    line.trim() === "" ||
    /^\s/.test(line) ||
    /^(-\s|-$|---|\.\.\.|#|[{}[\]])/.test(line) ||
    /^["']?[\w./-]+["']?\s*:(\s|$)/.test(line)
  );
}

/** Parse manifests out of a model's text. Every document must be a mapping with apiVersion, kind and metadata.name. */
export function extractManifests(text: string): ExtractResult {
  const { chunks, errors, notes } = yamlChunks(text);
  const objects: Record<string, unknown>[] = [];
  for (const chunk of chunks) {
    const docs = parseAllDocuments(chunk.text, { uniqueKeys: true });
    if (!Array.isArray(docs)) continue;
    docs.forEach((doc, i) => {
      for (const e of doc.errors) {
        const line = (e.linePos?.[0]?.line ?? 1) + chunk.line - 1;
        errors.push(`YAML error at line ${line}: ${e.message.split("\n")[0] ?? e.message}`);
      }
      if (doc.errors.length > 0) return;
      const v = doc.toJS() as unknown;
      if (v === null || v === undefined) return;
      const items =
        isRecord(v) && typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)
          ? (v.items as unknown[])
          : [v];
      for (const item of items) {
        const where = `document ${i + 1}${chunks.length > 1 ? ` of block at line ${chunk.line}` : ""}`;
        if (!isRecord(item)) {
          errors.push(
            `${where} is not a Kubernetes object (got ${typeof item === "string" ? "text" : "a list"})`,
          );
          continue;
        }
        const md = item.metadata;
        if (
          typeof item.apiVersion !== "string" ||
          typeof item.kind !== "string" ||
          !isRecord(md) ||
          typeof md.name !== "string"
        ) {
          errors.push(`${where} is not a Kubernetes object: it needs apiVersion, kind and metadata.name`);
          continue;
        }
        objects.push(item);
      }
    });
  }
  if (objects.length === 0 && errors.length === 0) errors.push("no Kubernetes objects found");
  return { objects, errors, notes };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Safe fixes on in-memory objects
// ---------------------------------------------------------------------------------------------

/** Apply a behaviour-preserving fix to a copy of an object; suggestions are never passed here. */
export function applyFix(object: Record<string, unknown>, fix: Fix): Record<string, unknown> {
  const copy = structuredClone(object);
  const segs = parsePointer(fix.path);
  const last = segs.pop();
  if (last === undefined) return copy;
  let node: unknown = copy;
  for (const s of segs) {
    if (Array.isArray(node)) node = node[Number(s)];
    else if (isRecord(node)) {
      if (node[s] === undefined && fix.op === "set") node[s] = {};
      node = node[s];
    } else return copy;
  }
  if (Array.isArray(node)) {
    const i = Number(last);
    if (fix.op === "remove") node.splice(i, 1);
    else node[i] = fix.value;
  } else if (isRecord(node)) {
    if (fix.op === "remove") delete node[last];
    else node[last] = fix.value;
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Ownership and rendering
// ---------------------------------------------------------------------------------------------

/**
 * The text of an `extra/<name>.yaml` file: the reason as a header comment, then the objects, each
 * labelled as part of the app and annotated with the reason.
 */
export function renderExtraFile(
  objects: readonly Record<string, unknown>[],
  options: { app: string; why: string; source: string },
): string {
  const header = [
    `Extra manifests owned by ${options.app} (${options.source}); validated on every build.`,
    ...wrap(`why: ${options.why}`),
  ];
  const docs = objects.map((o, i) => {
    const copy = structuredClone(o);
    const md = isRecord(copy.metadata) ? copy.metadata : {};
    md.labels = { ...labelsOf(copy), [LABELS.partOf]: options.app };
    const ann = isRecord(md.annotations) ? md.annotations : {};
    md.annotations = { ...ann, [WHY_ANNOTATION]: options.why };
    copy.metadata = md;
    const doc = new Document(canonicalize(copy as KObject), { version: "1.2" });
    if (i === 0) doc.commentBefore = header.map((l) => ` ${l}`).join("\n");
    return doc.toString(YAML_OPTIONS);
  });
  return docs.join("---\n");
}

function wrap(text: string, width = 100): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
