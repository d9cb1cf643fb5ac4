/**
 * Positions in block-style YAML without a parser: the line and column `SourceDocument.locate` would give, found
 * by reading indentation. Manifests are nearly always plain block YAML (what kubectl, Helm and every generator
 * write), and a validation run points at thousands of them: building the `yaml` library's CST for each
 * document that has a finding cost more than all checks together (bench/README "Fleets").
 *
 * Written by hand because it must answer exactly as the positioned parse does, and answer nothing (undefined →
 * the caller parses) wherever it is not sure: flow collections, anchors, tags, aliases, quoted or non-string
 * keys, tabs in indentation, complex keys, nested sequences, unterminated quotes, values on the line after
 * `- `. test/unit/yaml-locate.test.ts compares it with the parser on every pointer of real and generated
 * documents.
 */
import { parsePointer } from "./json-pointer.js";

interface Line {
  /** Columns of leading spaces. */
  indent: number;
  /** The line from its first non-space character, without a trailing `\r`. */
  text: string;
}

/** A plain key the parser reads as this very string (not a number, boolean or null), then `:` and a break. */
const KEY = /^([A-Za-z_$][\w.$/-]*)[ ]*:(?:[ \t]|$)/;
const NOT_A_STRING = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL)$/;
const DASH = /^-(?:[ \t]|$)/;

/** Every line of the document; blank and comment-only lines are null; undefined when a line is indented by tabs. */
function linesOf(text: string): (Line | null)[] | undefined {
  const out: (Line | null)[] = [];
  let at = 0;
  while (at <= text.length) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    let i = at;
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) === 9) return undefined;
    let stop = end;
    if (stop > i && text.charCodeAt(stop - 1) === 13) stop--;
    const body = text.slice(i, stop);
    out.push(body === "" || body.startsWith("#") ? null : { indent: i - at, text: body });
    at = end + 1;
  }
  return out;
}

type Block =
  | { kind: "map"; indent: number; line: number }
  | { kind: "seq"; indent: number; line: number }
  | { kind: "scalar" };

/** What the value after `key:` (or after `- `) is, from the rest of its line and the lines below. */
function valueBlock(
  lines: (Line | null)[],
  line: number,
  rest: string,
  parentIndent: number,
): Block | undefined {
  const r = rest.trimStart();
  if (r === "" || r.startsWith("#")) {
    let j = line + 1;
    while (j < lines.length && lines[j] === null) j++;
    const next = lines[j];
    if (next === undefined || next === null || next.indent < parentIndent) return { kind: "scalar" };
    if (DASH.test(next.text)) return { kind: "seq", indent: next.indent, line: j };
    if (next.indent === parentIndent) return { kind: "scalar" };
    return { kind: "map", indent: next.indent, line: j };
  }
  const c = r.charAt(0);
  // Flow collections, anchors, tags, aliases and complex keys: the parser's job.
  if ("{[&!*?%@`".includes(c)) return undefined;
  // A quoted scalar that does not end on its line could hide lines that look like keys.
  if ((c === '"' || c === "'") && !closesOnLine(r)) return undefined;
  return { kind: "scalar" };
}

/**
 * Whether the text after `- ` is a lone scalar: a plain one with no `: ` (else it is a map whose key the
 * locator does not read), or a quoted one closed on the line with nothing but a comment after it.
 */
function isScalarItem(r: string): boolean {
  if (r.startsWith('"') || r.startsWith("'")) {
    const end = closingQuote(r);
    return end > 0 && /^[ \t]*(#.*)?$/.test(r.slice(end + 1));
  }
  return !/:(?:[ \t]|$)/.test(r);
}

function closesOnLine(r: string): boolean {
  return closingQuote(r) > 0;
}

/** Index of the quote that closes the scalar `r` starts, or -1. */
function closingQuote(r: string): number {
  const q = r.charAt(0);
  for (let i = 1; i < r.length; i++) {
    const ch = r.charAt(i);
    if (q === '"' && ch === "\\") {
      i++;
      continue;
    }
    if (ch === q) {
      if (q === "'" && r.charAt(i + 1) === "'") {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

/**
 * Finds `pointer` in block YAML. `text` is one document (starting at a line start); `lineOffset` lines come
 * before it in its file. Returns the 1-based line and column `SourceDocument.locate` would return, or
 * undefined when the text is not plain enough to be sure.
 */
export function createBlockLocator(
  text: string,
  lineOffset: number,
): (pointer: string) => { line: number; column: number } | undefined {
  let cached: (Line | null)[] | undefined | false = false;
  return (pointer) => {
    if (cached === false) cached = linesOf(text);
    const lines = cached;
    if (lines === undefined) return undefined;
    return locateIn(lines, pointer, lineOffset);
  };
}

function locateIn(
  lines: (Line | null)[],
  pointer: string,
  lineOffset: number,
): { line: number; column: number } | undefined {
  // The root: the first content line (a bare `---` is skipped; content after `---` is left to the parser).
  let first = 0;
  while (first < lines.length && (lines[first] === null || /^---[ \t]*(#.*)?$/.test(lines[first]!.text)))
    first++;
  const root = lines[first];
  if (root === undefined || root === null) return undefined;
  if (root.text.startsWith("---") || root.text.startsWith("%") || root.text.startsWith("..."))
    return undefined;
  let block: Block;
  if (DASH.test(root.text)) block = { kind: "seq", indent: root.indent, line: first };
  else if (KEY.test(root.text)) block = { kind: "map", indent: root.indent, line: first };
  else return undefined;
  let best = { line: first, column: root.indent };

  for (const seg of parsePointer(pointer)) {
    if (block.kind === "map") {
      const found = findKey(lines, block, seg);
      if (found === undefined) return undefined;
      if (found === null) break;
      best = { line: found.line, column: block.indent };
      const next = valueBlock(lines, found.line, found.rest, block.indent);
      if (next === undefined) return undefined;
      block = next;
    } else if (block.kind === "seq") {
      const i = Number(seg);
      if (!Number.isInteger(i)) break;
      const found = findItem(lines, block, i);
      if (found === undefined) return undefined;
      if (found === null) break;
      best = { line: found.line, column: found.column };
      block = found.block;
    } else {
      break;
    }
  }
  return { line: lineOffset + best.line + 1, column: best.column + 1 };
}

/**
 * The entry `key` of the block map whose keys sit at `block.indent`, its first key on `block.line` (possibly
 * after `- `). null: not there; undefined: a line the locator cannot read with certainty.
 */
function findKey(
  lines: (Line | null)[],
  block: { indent: number; line: number },
  key: string,
): { line: number; rest: string } | null | undefined {
  for (let i = block.line; i < lines.length; i++) {
    const l = lines[i];
    if (l === null || l === undefined) continue;
    // The first line of an item map starts after its `- `, at the map's column.
    const start = i === block.line ? block.indent - l.indent : 0;
    if (i !== block.line) {
      if (l.indent < block.indent) return null;
      if (l.indent > block.indent) continue;
      // A sequence at the map's own indentation is the value of the key before it.
      if (DASH.test(l.text)) continue;
    }
    const body = l.text.slice(start);
    if (body.startsWith("...") || body.startsWith("---")) return null;
    const m = KEY.exec(body);
    if (!m) return undefined;
    const k = m[1] as string;
    if (NOT_A_STRING.test(k)) return undefined;
    const rest = body.slice(m[0].length);
    // Every key at this level is read: a quoted scalar left open on any of them ends the certainty.
    const r = rest.trimStart();
    if ((r.startsWith('"') || r.startsWith("'")) && !closesOnLine(r)) return undefined;
    if (k === key) return { line: i, rest };
  }
  return null;
}

/** Item `index` of the block sequence whose dashes sit at `block.indent`. */
function findItem(
  lines: (Line | null)[],
  block: { indent: number; line: number },
  index: number,
): { line: number; column: number; block: Block } | null | undefined {
  let n = -1;
  for (let i = block.line; i < lines.length; i++) {
    const l = lines[i];
    if (l === null || l === undefined) continue;
    if (l.indent < block.indent) return null;
    if (l.indent > block.indent) continue;
    if (!DASH.test(l.text)) return null;
    n++;
    if (n !== index) continue;
    const after = l.text.slice(1);
    const lead = after.length - after.trimStart().length;
    const r = after.slice(lead);
    const column = l.indent + 1 + lead;
    if (r === "" || r.startsWith("#") || DASH.test(r)) return undefined;
    if ("{[&!*?%@`|>".includes(r.charAt(0))) return undefined;
    if (KEY.test(r)) return { line: i, column, block: { kind: "map", indent: column, line: i } };
    return isScalarItem(r) ? { line: i, column, block: { kind: "scalar" } } : undefined;
  }
  return null;
}
