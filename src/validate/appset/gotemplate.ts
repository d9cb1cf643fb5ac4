/**
 * The part of Go's text/template (with the sprig functions ApplicationSets use most) that ApplicationSet
 * templates need: `{{ .a.b }}`, `$`, pipelines, `if`/`else if`/`else`/`end`, `with`, `range` over lists and maps,
 * trim markers `{{-`/`-}}`, comments, and the functions below. Written by hand because no npm package implements
 * Go template semantics (truthiness, `<no value>` for missing keys, `missingkey=error`, Go's printing of values);
 * anything outside this subset is reported as "cannot render offline", never guessed.
 */

export class TemplateError extends Error {
  override name = "TemplateError";
}
/** A construct outside the supported subset (the review says so instead of guessing). */
export class UnsupportedTemplate extends TemplateError {
  override name = "UnsupportedTemplate";
}

type Value = unknown;

interface Options {
  /** `goTemplateOptions: ["missingkey=error"]`. */
  missingKeyError?: boolean;
}

type Node =
  | { t: "text"; s: string }
  | { t: "action"; pipe: string }
  | { t: "if"; branches: { cond: string | undefined; body: Node[] }[] }
  | { t: "with"; pipe: string; body: Node[]; elseBody: Node[] }
  | { t: "range"; pipe: string; body: Node[]; elseBody: Node[] };

/** Split into text and actions, applying trim markers. */
function lex(src: string): (string | { action: string })[] {
  const out: (string | { action: string })[] = [];
  let i = 0;
  let pendingTrimLeft = false;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    if (open < 0) {
      out.push(pendingTrimLeft ? src.slice(i).replace(/^\s+/, "") : src.slice(i));
      break;
    }
    let text = src.slice(i, open);
    if (pendingTrimLeft) text = text.replace(/^\s+/, "");
    let start = open + 2;
    if (src[start] === "-" && /\s/.test(src[start + 1] ?? "")) {
      text = text.replace(/\s+$/, "");
      start += 1;
    }
    out.push(text);
    // Find the closing }} outside string literals.
    let j = start;
    let quote: string | undefined;
    for (; j < src.length; j++) {
      const c = src[j];
      if (quote) {
        if (c === "\\" && quote === '"') j++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "`") quote = c;
      else if (c === "}" && src[j + 1] === "}") break;
    }
    if (j >= src.length) throw new TemplateError(`unclosed action \`${src.slice(open, open + 30)}\``);
    let body = src.slice(start, j);
    pendingTrimLeft = false;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      pendingTrimLeft = true;
    }
    out.push({ action: body.trim() });
    i = j + 2;
  }
  return out;
}

function parse(src: string): Node[] {
  const tokens = lex(src);
  let pos = 0;
  const block = (stops: string[]): { nodes: Node[]; stop: string } => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const tok = tokens[pos++] as string | { action: string };
      if (typeof tok === "string") {
        if (tok) nodes.push({ t: "text", s: tok });
        continue;
      }
      const a = tok.action;
      if (a.startsWith("/*")) continue;
      const word = /^(\w+)\b\s*(.*)$/s.exec(a);
      const kw = word?.[1];
      if (kw && stops.includes(kw)) {
        pos--;
        return { nodes, stop: kw };
      }
      if (kw === "if") {
        const branches: { cond: string | undefined; body: Node[] }[] = [];
        let cond: string | undefined = word?.[2] ?? "";
        for (;;) {
          const b = block(["else", "end"]);
          branches.push({ cond, body: b.nodes });
          const stopTok = tokens[pos++] as { action: string };
          if (b.stop === "end") break;
          const rest = stopTok.action.replace(/^else\s*/, "");
          if (rest.startsWith("if ")) cond = rest.slice(3);
          else if (rest === "") cond = undefined;
          else throw new UnsupportedTemplate(`\`{{${stopTok.action}}}\``);
          if (cond === undefined) {
            const last = block(["end"]);
            pos++;
            branches.push({ cond: undefined, body: last.nodes });
            break;
          }
        }
        nodes.push({ t: "if", branches });
      } else if (kw === "with" || kw === "range") {
        const pipe = word?.[2] ?? "";
        if (kw === "range" && /^\$\w*\s*(,\s*\$\w*)?\s*:=/.test(pipe))
          throw new UnsupportedTemplate("range with variables");
        const b = block(["else", "end"]);
        pos++;
        let elseBody: Node[] = [];
        if (b.stop === "else") {
          const e = block(["end"]);
          pos++;
          elseBody = e.nodes;
        }
        nodes.push({ t: kw, pipe, body: b.nodes, elseBody });
      } else if (kw === "else" || kw === "end") {
        throw new TemplateError(`unexpected {{${a}}}`);
      } else if (kw === "define" || kw === "template" || kw === "block" || /^\$\w*\s*:?=/.test(a)) {
        throw new UnsupportedTemplate(`\`{{${a}}}\``);
      } else nodes.push({ t: "action", pipe: a });
    }
    if (stops.length > 0) throw new TemplateError(`missing {{end}}`);
    return { nodes, stop: "" };
  };
  return block([]).nodes;
}

/** Go's `fmt.Sprint` of a value, as text/template prints it. */
export function goPrint(v: Value): string {
  if (v === undefined || v === null) return "<no value>";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goPrint).join(" ")}]`;
  if (typeof v === "object")
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goPrint((v as Record<string, unknown>)[k])}`)
      .join(" ")}]`;
  return "<no value>";
}

function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

/** Tokens of a pipeline command: strings, raw strings, numbers, fields, parentheses, words. */
function tokenize(s: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|\||[^\s()|"`]+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    if (m[1] === undefined) break;
    out.push(m[1]);
    if (re.lastIndex >= s.length) break;
  }
  if (out.join("").replace(/\s/g, "") !== s.replace(/\s/g, ""))
    throw new TemplateError(`cannot parse \`${s}\``);
  return out;
}

const FUNCS: Record<string, (...a: Value[]) => Value> = {
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  not: (a) => !truthy(a),
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  len: (a) => (typeof a === "string" || Array.isArray(a) ? a.length : Object.keys(a as object).length),
  index: (a, ...keys) =>
    keys.reduce<Value>((o, k) => (o as Record<string, unknown> | undefined)?.[String(k)], a),
  print: (...a) => a.map(goPrint).join(""),
  printf: (f, ...a) => {
    let i = 0;
    return String(f).replace(/%[-+# 0]*\d*(?:\.\d+)?([svdqtx%])/g, (m, c: string) =>
      c === "%" ? "%" : c === "q" ? JSON.stringify(goPrint(a[i++])) : goPrint(a[i++]),
    );
  },
  lower: (s) => goPrint(s).toLowerCase(),
  upper: (s) => goPrint(s).toUpperCase(),
  title: (s) => goPrint(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  trim: (s) => goPrint(s).trim(),
  trimPrefix: (p, s) =>
    goPrint(s).startsWith(goPrint(p)) ? goPrint(s).slice(goPrint(p).length) : goPrint(s),
  trimSuffix: (p, s) =>
    goPrint(s).endsWith(goPrint(p)) ? goPrint(s).slice(0, goPrint(s).length - goPrint(p).length) : goPrint(s),
  replace: (o, n, s) => goPrint(s).split(goPrint(o)).join(goPrint(n)),
  contains: (sub, s) => goPrint(s).includes(goPrint(sub)),
  hasPrefix: (p, s) => goPrint(s).startsWith(goPrint(p)),
  hasSuffix: (p, s) => goPrint(s).endsWith(goPrint(p)),
  trunc: (n, s) => goPrint(s).slice(0, Number(n)),
  default: (d, v) => (truthy(v) ? v : d),
  empty: (v) => !truthy(v),
  quote: (...a) => a.map((x) => JSON.stringify(goPrint(x))).join(" "),
  squote: (...a) => a.map((x) => `'${goPrint(x)}'`).join(" "),
  toJson: (v) => JSON.stringify(v ?? null),
  toRawJson: (v) => JSON.stringify(v ?? null),
  b64enc: (s) => Buffer.from(goPrint(s)).toString("base64"),
  join: (sep, l) => (Array.isArray(l) ? l.map(goPrint).join(goPrint(sep)) : goPrint(l)),
  list: (...a) => a,
  dict: (...a) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i + 1 < a.length; i += 2) o[goPrint(a[i])] = a[i + 1];
    return o;
  },
  // Argo CD's own: normalize (DNS-1123 subdomain) and slugify.
  normalize: (s) =>
    goPrint(s)
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, "-")
      .replace(/^[-.]+|[-.]+$/g, ""),
  slugify: (...a) =>
    goPrint(a[a.length - 1])
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, ""),
};

class Evaluator {
  constructor(
    private readonly root: Value,
    private readonly options: Options,
  ) {}

  field(base: Value, path: string[]): Value {
    let cur = base;
    for (const seg of path) {
      if (cur === undefined || cur === null || typeof cur !== "object" || Array.isArray(cur)) {
        if (this.options.missingKeyError) throw new TemplateError(`can't evaluate field ${seg}: not a map`);
        return undefined;
      }
      if (!(seg in (cur as Record<string, unknown>))) {
        if (this.options.missingKeyError) throw new TemplateError(`map has no entry for key "${seg}"`);
        return undefined;
      }
      cur = (cur as Record<string, unknown>)[seg];
    }
    return cur;
  }

  operand(tok: string, dot: Value): Value {
    if (tok === ".") return dot;
    if (tok.startsWith(".")) return this.field(dot, tok.slice(1).split("."));
    if (tok === "$") return this.root;
    if (tok.startsWith("$.")) return this.field(this.root, tok.slice(2).split("."));
    if (tok.startsWith('"')) return JSON.parse(tok) as string;
    if (tok.startsWith("`")) return tok.slice(1, -1);
    if (/^-?\d+(\.\d+)?$/.test(tok)) return Number(tok);
    if (tok === "true" || tok === "false") return tok === "true";
    if (tok === "nil") return null;
    throw new UnsupportedTemplate(`\`${tok}\``);
  }

  /** A pipeline over tokens; `(…)` groups evaluate as sub-pipelines. */
  pipeline(tokens: string[], dot: Value): Value {
    // Split on top-level |.
    const cmds: string[][] = [[]];
    let depth = 0;
    for (const t of tokens) {
      if (t === "(") depth++;
      if (t === ")") depth--;
      if (t === "|" && depth === 0) cmds.push([]);
      else (cmds[cmds.length - 1] as string[]).push(t);
    }
    let prev: Value;
    let first = true;
    for (const cmd of cmds) {
      const args: Value[] = [];
      let fn: string | undefined;
      for (let i = 0; i < cmd.length; i++) {
        const t = cmd[i] as string;
        if (t === "(") {
          let d = 1;
          let j = i + 1;
          for (; j < cmd.length && d > 0; j++) {
            if (cmd[j] === "(") d++;
            if (cmd[j] === ")") d--;
          }
          args.push(this.pipeline(cmd.slice(i + 1, j - 1), dot));
          i = j - 1;
        } else if (i === 0 && /^[A-Za-z_]\w*$/.test(t) && !["true", "false", "nil"].includes(t)) fn = t;
        else args.push(this.operand(t, dot));
      }
      if (!first) args.push(prev);
      first = false;
      if (fn !== undefined) {
        const f = FUNCS[fn];
        if (!f) throw new UnsupportedTemplate(`function \`${fn}\``);
        prev = f(...args);
      } else {
        if (args.length !== 1) throw new TemplateError(`can't give argument to non-function`);
        prev = args[0];
      }
    }
    return prev;
  }

  run(nodes: Node[], dot: Value): string {
    let out = "";
    for (const n of nodes) {
      if (n.t === "text") out += n.s;
      else if (n.t === "action") out += goPrint(this.pipeline(tokenize(n.pipe), dot));
      else if (n.t === "if") {
        for (const b of n.branches)
          if (b.cond === undefined || truthy(this.pipeline(tokenize(b.cond), dot))) {
            out += this.run(b.body, dot);
            break;
          }
      } else if (n.t === "with") {
        const v = this.pipeline(tokenize(n.pipe), dot);
        out += truthy(v) ? this.run(n.body, v) : this.run(n.elseBody, dot);
      } else {
        const v = this.pipeline(tokenize(n.pipe), dot);
        const items = Array.isArray(v)
          ? v
          : v && typeof v === "object"
            ? Object.keys(v)
                .sort()
                .map((k) => (v as Record<string, unknown>)[k])
            : [];
        if (items.length === 0) out += this.run(n.elseBody, dot);
        else for (const item of items.slice(0, 10_000)) out += this.run(n.body, item);
      }
    }
    return out;
  }
}

/** Execute a Go template against `data`. Throws {@link TemplateError} / {@link UnsupportedTemplate}. */
export function executeGoTemplate(src: string, data: Value, options: Options = {}): string {
  return new Evaluator(data, options).run(parse(src), data);
}

/**
 * fasttemplate, as the ApplicationSet controller calls it (`{{` `}}`, the tag trimmed): a known parameter is
 * replaced, an unknown one is left as written — so unrendered variables survive into the Application.
 */
export function executeFastTemplate(src: string, params: Record<string, string>): string {
  return src.replace(/\{\{(.*?)\}\}/gs, (m, tag: string) => {
    const k = tag.trim();
    return k !== "" && Object.prototype.hasOwnProperty.call(params, k) ? (params[k] as string) : m;
  });
}
