/**
 * The App's YAML document under edit: reads and comment-preserving writes by path. A scalar that gets a new
 * scalar value keeps its node (so its comments and quoting), a list or map that replaces one keeps its flow
 * style, and removing the last key of a map removes the map. Pure: it changes only the Document it wraps.
 */
import { isMap, isScalar, isSeq, Scalar, visit } from "yaml";
import type { Document, YAMLMap } from "yaml";
import { OpFailure } from "./op-failure.js";

/** A path into the document, e.g. `["spec", "environments", "prod", "image"]`. */
export type Path = (string | number)[];

/** Strings a YAML 1.1 reader (or a human) would take for something else are written quoted. */
const AMBIGUOUS =
  /^(y|n|yes|no|on|off|true|false|null|~|[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+)$/i;

export class AppDocument {
  constructor(readonly doc: Document) {}

  /** A scalar's value, a list or map node, or undefined. */
  get(path: Path): unknown {
    const v = this.doc.getIn(path, false);
    return isScalar(v) ? v.value : v;
  }

  /** The plain value (lists and maps as arrays and objects), or undefined. */
  getJS(path: Path): unknown {
    const v = this.doc.getIn(path, true);
    if (v && typeof v === "object" && "toJSON" in v && typeof v.toJSON === "function")
      return (v as { toJSON(): unknown }).toJSON();
    return isScalar(v) ? v.value : v;
  }

  /** The node itself (scalars included), or undefined. */
  node(path: Path): unknown {
    return this.doc.getIn(path, true);
  }

  has(path: Path): boolean {
    return this.doc.hasIn(path);
  }

  asMap(path: Path): YAMLMap | undefined {
    const n = this.doc.getIn(path, true);
    return isMap(n) ? n : undefined;
  }

  /** Set a value, keeping an existing scalar node (and its comments) when the new value is a scalar too. */
  set(path: Path, value: unknown): void {
    const { doc } = this;
    const node = doc.getIn(path, true);
    if (isScalar(node) && (value === null || typeof value !== "object")) {
      const keepStyle = typeof node.value === "string" && node.value !== "" && node.type !== Scalar.PLAIN;
      node.value = value;
      if (!keepStyle) {
        node.type = Scalar.PLAIN;
        styleScalar(node);
      }
      return;
    }
    const parentPath = path.slice(0, -1);
    const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
    if (parentPath.length > 0 && parent !== undefined && !isMap(parent) && !isSeq(parent)) {
      throw new OpFailure(`cannot set ${path.join(".")}: ${parentPath.join(".")} is not a map`);
    }
    const created = this.makeNode(value);
    // A list or map replacing one keeps its flow style (`[10%, 50%, 100%]` stays on one line).
    if ((isSeq(node) && isSeq(created)) || (isMap(node) && isMap(created))) created.flow = node.flow ?? false;
    // A scalar's trailing comment moves to its key when a map or list replaces it.
    if (isScalar(node) && node.comment && isMap(parent)) {
      const key = path[path.length - 1];
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key)) pair.key.comment = node.comment;
    }
    doc.setIn(path, created);
  }

  /** Delete a key, then any parent map it leaves empty (up to, not including, `spec`). */
  remove(path: Path): void {
    const { doc } = this;
    if (!doc.hasIn(path)) return;
    doc.deleteIn(path);
    for (let p = path.slice(0, -1); p.length > 1; p = p.slice(0, -1)) {
      const node = doc.getIn(p, true);
      if ((isMap(node) || isSeq(node)) && node.items.length === 0) doc.deleteIn(p);
      else break;
    }
  }

  /** Add an item to the list at `path`, creating the list when it is missing. */
  append(path: Path, value: unknown, what: string): void {
    if (!this.has(path)) this.set(path, []);
    const seq = this.doc.getIn(path, true);
    if (!isSeq(seq)) throw new OpFailure(`${what}: ${path.join(".")} is not a list`);
    seq.add(this.makeNode(value));
  }

  /** `why: "text"` becomes `why: {app: "text"}` (the same scalar node, so its quoting and comments stay). */
  whyMap(): void {
    const node = this.doc.getIn(["spec", "why"], true);
    if (!isScalar(node)) return;
    const map = this.doc.createNode({}) as YAMLMap;
    map.add(this.doc.createPair("app", node));
    this.doc.setIn(["spec", "why"], map);
  }

  private makeNode(value: unknown): unknown {
    const node = this.doc.createNode(value);
    if (isScalar(node)) styleScalar(node);
    else visit(node, { Scalar: (_key, s) => void (typeof s.value === "string" && styleScalar(s)) });
    return node;
  }
}

function styleScalar(s: Scalar): void {
  if (typeof s.value !== "string") return;
  if (s.value.includes("\n")) s.type = Scalar.BLOCK_LITERAL;
  else if (AMBIGUOUS.test(s.value) || s.value === "") s.type = Scalar.QUOTE_DOUBLE;
}
