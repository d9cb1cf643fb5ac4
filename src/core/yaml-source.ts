/**
 * YAML parsing that keeps source positions, so every finding can point at file:line:column.
 * Used for intent files and for arbitrary manifests.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from "yaml";
import type { Document, Node, Pair } from "yaml";
import type { SourceLocation } from "./finding.js";
import { parsePointer } from "./json-pointer.js";
import { CORE_SCHEMA, loadAll } from "js-yaml";
import { createBlockLocator } from "./yaml-locate.js";

export interface YamlParseError {
  message: string;
  loc: SourceLocation;
}

interface Parsed {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Lines before the parsed text in its file (when one document was parsed on its own). */
  lineOffset?: number;
}

/**
 * One YAML document of a stream, with its plain JS value and a position lookup. The positioned parse
 * (yaml's CST) may be computed lazily, on the first position asked for: validating thousands of
 * manifests only pays for positions where there is something to point at.
 */
export class SourceDocument {
  private parsed: Parsed | (() => Parsed);

  constructor(
    readonly file: string,
    /** 0-based index of the document in its stream. */
    readonly index: number,
    parsed: Parsed | (() => Parsed),
    readonly value: unknown,
    /** Where the document's content starts, when known without the positioned parse. */
    private readonly startHint?: SourceLocation,
    /** Positions read from block YAML's indentation, when it is plain enough (see yaml-locate.ts). */
    private readonly quick?: (pointer: string) => { line: number; column: number } | undefined,
  ) {
    this.parsed = parsed;
  }

  private get p(): Parsed {
    if (typeof this.parsed === "function") this.parsed = this.parsed();
    return this.parsed;
  }
  get doc(): Document.Parsed {
    return this.p.doc;
  }
  get lineCounter(): LineCounter {
    return this.p.lineCounter;
  }

  /** Position of the document start. */
  start(): SourceLocation {
    if (this.startHint) return this.startHint;
    const r = this.doc.contents?.range ?? this.doc.range;
    return this.position(r[0]);
  }

  position(offset: number): SourceLocation {
    const p = this.lineCounter.linePos(offset);
    return { file: this.file, line: p.line + (this.p.lineOffset ?? 0), column: p.col };
  }

  /**
   * Position of the node at `pointer`: for a map member, the key; for a sequence item, the item.
   * When the pointer goes deeper than the document, the deepest existing ancestor's position.
   */
  locate(pointer: string): SourceLocation {
    return this.locateQuick(pointer) ?? this.locateParsed(pointer);
  }

  /** `locate` from indentation alone, when the text is plain block YAML; undefined otherwise. */
  locateQuick(pointer: string): SourceLocation | undefined {
    const q = this.quick?.(pointer);
    return q ? { file: this.file, line: q.line, column: q.column } : undefined;
  }

  /** `locate` by the positioned parse alone (the reference the quick locator is tested against). */
  locateParsed(pointer: string): SourceLocation {
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
/** Parser options for every positioned parse: duplicate keys are errors, no merge keys, no warnings on stderr. */
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, merge: false, logLevel: "error" } as const;

/**
 * Alias expansion bound: aliases resolved per document, as the `yaml` library counts them. A 700-byte
 * "billion laughs" document would otherwise expand to billions of nodes in whoever walks the value.
 */
export const MAX_ALIAS_COUNT = 100;

/** YAML line breaks are `\n`, `\r\n` and a lone `\r`; the position parser knows the first two only. */
function normalizeBreaks(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

/** An alias (`*name`) outside quotes and comments, roughly: enough to route the text to the bounded parser. */
const ALIAS = /(?:^|[\s[{,:-])\*[^\s,[\]{}]/m;

export function parseYamlStream(input: string, file: string): ParsedStream {
  const text = normalizeBreaks(input);
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter });
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
      const lineText = text.split("\n")[p.line - 1] ?? "";
      errors.push({
        message: /call stack/i.test(e.message)
          ? "the document nests too deeply to be read"
          : (e.message.split("\n")[0] ?? e.message) +
            (/:\s*\{\{|^\s*-\s*\{\{/.test(lineText)
              ? " — a value starting with `{{` must be quoted: YAML reads `{` as the start of a mapping (write `'{{…}}…'`)"
              : ""),
        loc: { file, line: p.line, column: p.col },
      });
    }
    if (doc.errors.length > 0) return;
    if (doc.contents === null) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      // Unresolved aliases and alias bombs: a located error, never an exception.
      const message = (e as Error).message;
      const name = /unresolved alias[^:]*: (\S+)/i.exec(message)?.[1];
      const aliasAt = name === undefined ? -1 : text.indexOf(`*${name}`, doc.range[0]);
      const at = lineCounter.linePos(aliasAt >= 0 ? aliasAt : doc.contents.range[0]);
      errors.push({
        message: /alias count/i.test(message)
          ? `too many aliases: the document expands aliases more than ${MAX_ALIAS_COUNT} times (an alias bomb?); kintent refuses it`
          : /unresolved alias/i.test(message)
            ? `${message.replace(/ \(the anchor must be set before the alias\)/, "")} — the anchor must be defined (\`&name\`) before the alias`
            : /call stack/i.test(message)
              ? "the document nests too deeply to be read"
              : message,
        loc: { file, line: at.line, column: at.col },
      });
      return;
    }
    if (value === null || value === undefined) return;
    documents.push(new SourceDocument(file, index, { doc, lineCounter }, value));
  });
  return { documents, errors };
}

/**
 * Fast parse for manifests: values with js-yaml (YAML 1.2 core schema, duplicate keys rejected), positions
 * from the \`yaml\` CST only when first asked for. Falls back to the positioned parser for syntax errors,
 * so every error still points at its line and column.
 */
export function parseManifestStream(input: string, file: string): ParsedStream {
  const text = normalizeBreaks(input);
  // js-yaml shares aliased values without a bound on their expansion: aliases go to the bounded parser.
  if (ALIAS.test(text)) return parseYamlStream(text, file);
  const values: unknown[] = [];
  try {
    loadAll(text, (v) => values.push(v), { schema: CORE_SCHEMA, filename: file });
  } catch {
    return parseYamlStream(text, file);
  }
  // Document boundaries: a line starting with `---` or `...` at column 0 always ends a document (YAML 1.2
  // forbids them inside scalars), so each document can be parsed for positions on its own.
  const starts: number[] = [];
  const re = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) starts.push(m.index);
  const segments: { from: number; to: number }[] = [];
  let prev = 0;
  for (const st of starts) {
    segments.push({ from: prev, to: st });
    prev = text.startsWith("...", st) ? text.indexOf("\n", st) + 1 || text.length : st;
  }
  segments.push({ from: prev, to: text.length });
  // Keep segments holding content (js-yaml yields one value per document, empty ones as null/undefined).
  const nonEmpty = segments.filter((g) =>
    /^(?!\s*(#.*)?$)(?!---\s*$)/m.test(text.slice(g.from, g.to).replace(/^---[ \t]*/, "")),
  );
  // Line numbers of segment starts, from one pass over the text.
  let lineStarts: number[] | undefined;
  const lineCount = (offset: number): number => {
    if (!lineStarts) {
      lineStarts = [];
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i);
    }
    let lo = 0;
    let hi = lineStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((lineStarts[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let all: Parsed[] | undefined;
  const whole = (): Parsed[] => {
    if (!all) {
      const lineCounter = new LineCounter();
      const docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter });
      all = (Array.isArray(docs) ? docs : []).map((doc) => ({ doc, lineCounter }));
    }
    return all;
  };
  const valueDocs = values.map((v, i) => (v === null || v === undefined ? -1 : i)).filter((i) => i >= 0);
  const segmentFor = new Map<number, { from: number; to: number }>();
  if (nonEmpty.length === valueDocs.length)
    valueDocs.forEach((docIndex, k) => segmentFor.set(docIndex, nonEmpty[k] as { from: number; to: number }));
  const positioned = (index: number) => (): Parsed => {
    const seg = segmentFor.get(index);
    if (seg) {
      // Parse the document alone; it starts at a line start, so columns match the file and lines are offset
      // by the lines before it.
      const lineCounter = new LineCounter();
      const docs = parseAllDocuments(text.slice(seg.from, seg.to), { ...PARSE_OPTIONS, lineCounter });
      const list = Array.isArray(docs) ? docs.filter((d) => d.contents !== null) : [];
      const doc = list[0];
      if (doc && list.length === 1) return { doc, lineCounter, lineOffset: lineCount(seg.from) };
    }
    const p = whole()[index];
    if (!p) throw new Error(`internal: document ${index} of ${file} not found by the positioned parser`);
    return p;
  };
  // Where each document's content starts, from its text alone: the first line that is not blank, a comment or
  // a bare `---`. Anything less plain (content after `---`, a directive) leaves it to the positioned parse.
  const startOf = (index: number): SourceLocation | undefined => {
    const seg = segmentFor.get(index);
    if (!seg) return undefined;
    let at = seg.from;
    while (at < seg.to) {
      const end = text.indexOf("\n", at);
      const lineEnd = end < 0 || end > seg.to ? seg.to : end;
      const line = text.slice(at, lineEnd);
      if (/^(---)?[ \t]*(#.*)?$/.test(line)) {
        at = lineEnd + 1;
        continue;
      }
      if (/^(---|%|\.\.\.)/.test(line) || /^\s*[&!]/.test(line)) return undefined;
      const column = line.length - line.trimStart().length;
      return { file, line: lineCount(at) + 1, column: column + 1 };
    }
    return undefined;
  };
  const documents: SourceDocument[] = [];
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    const seg = segmentFor.get(index);
    let locator: ReturnType<typeof createBlockLocator> | undefined;
    const quick = seg
      ? (pointer: string) =>
          (locator ??= createBlockLocator(text.slice(seg.from, seg.to), lineCount(seg.from)))(pointer)
      : undefined;
    documents.push(new SourceDocument(file, index, positioned(index), value, startOf(index), quick));
  });
  return { documents, errors: [] };
}
