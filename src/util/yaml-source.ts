/**
 * YAML parsing that keeps source positions, so every finding can point at file:line:column.
 * Used for intent files and for arbitrary manifests.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from "yaml";
import type { Document, Node, Pair } from "yaml";
import type { SourceLocation } from "../validate/finding.js";
import { parsePointer } from "./json-pointer.js";

export interface YamlParseError {
  message: string;
  loc: SourceLocation;
}

/** One YAML document of a stream, with its plain JS value and a position lookup. */
export class SourceDocument {
  constructor(
    readonly file: string,
    /** 0-based index of the document in its stream. */
    readonly index: number,
    readonly doc: Document.Parsed,
    readonly lineCounter: LineCounter,
    readonly value: unknown,
  ) {}

  /** Position of the document start. */
  start(): SourceLocation {
    const r = this.doc.contents?.range ?? this.doc.range;
    return this.position(r[0]);
  }

  position(offset: number): SourceLocation {
    const p = this.lineCounter.linePos(offset);
    return { file: this.file, line: p.line, column: p.col };
  }

  /**
   * Position of the node at `pointer`: for a map member, the key; for a sequence item, the item.
   * When the pointer goes deeper than the document, the deepest existing ancestor's position.
   */
  locate(pointer: string): SourceLocation {
    let node: unknown = this.doc.contents;
    let best: number | undefined = (this.doc.contents as Node | null)?.range?.[0];
    for (const seg of parsePointer(pointer)) {
      if (isMap(node)) {
        const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (keyNode.range) best = keyNode.range[0];
        node = pair.value;
      } else if (isSeq(node)) {
        const i = Number(seg);
        const item = Number.isInteger(i) ? node.items[i] : undefined;
        if (item === undefined) break;
        if (isPair(item)) break;
        const r = (item as Node).range;
        if (r) best = r[0];
        node = item;
      } else {
        break;
      }
    }
    return best === undefined ? this.start() : this.position(best);
  }

  /** Position of the value (not the key) at `pointer`, or of its key when it has no value node. */
  locateValue(pointer: string): SourceLocation {
    const segs = parsePointer(pointer);
    let node: unknown = this.doc.contents;
    for (const seg of segs) {
      if (isMap(node)) {
        const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) return this.locate(pointer);
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(seg)];
      } else {
        return this.locate(pointer);
      }
    }
    const r = (node as Node | null | undefined)?.range;
    return r ? this.position(r[0]) : this.locate(pointer);
  }
}

export interface ParsedStream {
  documents: SourceDocument[];
  errors: YamlParseError[];
}

/**
 * Parse a (multi-document) YAML or JSON text. Empty documents (e.g. a trailing `---`) are dropped.
 * Syntax errors are returned, not thrown. Duplicate keys are errors, as the API server treats them.
 */
export function parseYamlStream(text: string, file: string): ParsedStream {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false, logLevel: "error" });
  const documents: SourceDocument[] = [];
  const errors: YamlParseError[] = [];
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) {
    // EmptyStream: nothing but comments / whitespace
    return { documents, errors };
  }
  list.forEach((doc, index) => {
    for (const e of doc.errors) {
      const p = lineCounter.linePos(e.pos[0]);
      errors.push({
        message: e.message.split("\n")[0] ?? e.message,
        loc: { file, line: p.line, column: p.col },
      });
    }
    if (doc.errors.length > 0) return;
    if (doc.contents === null) return;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    documents.push(new SourceDocument(file, index, doc, lineCounter, value));
  });
  return { documents, errors };
}
