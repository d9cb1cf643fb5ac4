/**
 * Objects → YAML text. Deterministic: fixed options, no line folding, no anchors.
 * With decisions, each explained field gets a `# why:` comment above it.
 */
import { objectKey, refOf } from "../core/object.js";
import type { KObject } from "../core/object.js";
import { Document, isMap, isScalar, isSeq } from "yaml";
import type { Node, Pair, ToStringOptions } from "yaml";
import type { Decision } from "../compile/types.js";
import { parsePointer } from "../core/json-pointer.js";
import { emitYaml } from "./emit.js";

export const YAML_OPTIONS: ToStringOptions = { lineWidth: 0, minContentWidth: 0, indentSeq: true };

function newDocument(value: unknown): Document {
  return new Document(value, { aliasDuplicateObjects: false, version: "1.2" });
}

/** One object as a YAML document (no `---`). */
export function objectToYaml(obj: unknown, decisions: readonly Decision[] = []): string {
  // Without comments, the direct emitter writes the same bytes for plain values (src/render/emit.ts).
  if (decisions.length === 0) {
    const direct = emitYaml(obj);
    if (direct !== undefined) return direct;
  }
  const doc = newDocument(obj);
  if (decisions.length > 0) annotate(doc, decisions);
  return doc.toString(YAML_OPTIONS);
}

/** A multi-document stream; every document starts with `---`. */
export function toYamlStream(objects: readonly KObject[], decisions: readonly Decision[] = []): string {
  let out = "";
  for (const doc of yamlDocuments(objects, decisions)) out += doc;
  return out;
}

/**
 * The same stream handed to `write` in pieces of about 64 KiB: a large build never holds its whole output as
 * one string (nor an array of every document) next to its objects.
 */
export function writeYamlStream(
  objects: readonly KObject[],
  decisions: readonly Decision[],
  write: (chunk: string) => void,
): void {
  let buf = "";
  for (const doc of yamlDocuments(objects, decisions)) {
    buf += doc;
    if (buf.length >= 65536) {
      write(buf);
      buf = "";
    }
  }
  if (buf !== "") write(buf);
}

function* yamlDocuments(objects: readonly KObject[], decisions: readonly Decision[]): Generator<string> {
  // Decisions by object, once: a filter per object is quadratic in a bundle with thousands of extras.
  const byObject = new Map<string, Decision[]>();
  for (const d of decisions) {
    const key = objectKey(d.object);
    const list = byObject.get(key);
    if (list) list.push(d);
    else byObject.set(key, [d]);
  }
  for (const o of objects) yield `---\n${objectToYaml(o, byObject.get(objectKey(refOf(o))) ?? [])}`;
}

function whyText(d: Decision): string {
  const where = d.loc ? ` (${d.loc.file}:${d.loc.line})` : d.from === "default" ? " (default)" : "";
  return ` why: ${d.why}${where}`;
}

function annotate(doc: Document, decisions: readonly Decision[]): void {
  const byPath = new Map<string, string[]>();
  for (const d of decisions) {
    const list = byPath.get(d.path) ?? [];
    const text = whyText(d);
    if (!list.includes(text)) list.push(text);
    byPath.set(d.path, list);
  }
  for (const [path, texts] of byPath) {
    const comment = texts.join("\n");
    // The object as a whole: above its first key (a document comment would be followed by a blank line).
    const target = path === "" ? firstKey(doc) : findCommentTarget(doc, path);
    if (!target && path === "") {
      doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n${comment}` : comment;
      continue;
    }
    if (!target) continue;
    target.commentBefore = target.commentBefore ? `${target.commentBefore}\n${comment}` : comment;
  }
}

function firstKey(doc: Document): Node | undefined {
  const root = doc.contents;
  return isMap(root) ? ((root.items[0]?.key as Node | undefined) ?? undefined) : undefined;
}

/** The node to hang a comment on: the key of a map entry, or the item of a sequence. */
function findCommentTarget(doc: Document, pointer: string): Node | undefined {
  let node: unknown = doc.contents;
  let target: Node | undefined;
  for (const seg of parsePointer(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return undefined;
      target = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return undefined;
      target = item as Node;
      node = item;
    } else {
      return undefined;
    }
  }
  return target;
}
