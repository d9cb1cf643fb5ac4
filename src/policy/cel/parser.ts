/**
 * A CEL parser producing the `cel.expr.Expr` AST that `@bufbuild/cel` plans and evaluates. It exists because
 * Kubernetes and Kyverno expressions use CEL's optional syntax (`a.?b`, `m[?k]`, `[?x]`, `{?k: v}`), which
 * the bundled parser rejects. Macros (`has`, `all`, `exists`, `exists_one`, `map`, `filter`) are expanded
 * the way cel-go expands them. An optional selection chain (`a.?b.c[d]`) becomes one call of
 * `@optional_chain(a, 'b', 'c', d)`, which keeps every later step of the chain optional (as in cel-go).
 */
import { create } from "@bufbuild/protobuf";
import { ExprSchema } from "@bufbuild/cel-spec/cel/expr/syntax_pb.js";
import type { Expr } from "@bufbuild/cel-spec/cel/expr/syntax_pb.js";

export class CelSyntaxError extends Error {
  override name = "CelSyntaxError";
}

type TokKind = "ident" | "int" | "uint" | "double" | "string" | "bytes" | "op" | "eof";

interface Token {
  kind: TokKind;
  text: string;
  value?: string | bigint | number | Uint8Array;
  pos: number;
}

const OPS = [
  "||",
  "&&",
  "<=",
  ">=",
  "==",
  "!=",
  ".?",
  "[?",
  "<",
  ">",
  "!",
  "+",
  "-",
  "*",
  "/",
  "%",
  ".",
  "[",
  "]",
  "(",
  ")",
  "{",
  "}",
  ",",
  ":",
  "?",
];

const RESERVED = new Set([
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

function decodeEscapes(body: string, raw: boolean, pos: number): string {
  if (raw) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? "";
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = body[++i] ?? "";
    switch (n) {
      case "a":
        out += "\x07";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "n":
        out += "\n";
        break;
      case "r":
        out += "\r";
        break;
      case "t":
        out += "\t";
        break;
      case "v":
        out += "\v";
        break;
      case "\\":
      case "'":
      case '"':
      case "`":
      case "?":
        out += n;
        break;
      case "x":
      case "X": {
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      }
      case "u": {
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      }
      case "U": {
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16));
        i += 8;
        break;
      }
      default:
        if (/[0-7]/.test(n)) {
          out += String.fromCodePoint(parseInt(body.slice(i, i + 3), 8));
          i += 2;
          break;
        }
        throw new CelSyntaxError(`invalid escape sequence \\${n} at ${pos}`);
    }
  }
  return out;
}

function tokenize(src: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? "";
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const start = i;
    // string / bytes literals with optional r/b prefixes
    const prefix = /^([rRbB]{0,2})(['"])/.exec(src.slice(i));
    if (prefix && (prefix[1] === "" || /^[rRbB]+$/.test(prefix[1] ?? "")) && (prefix[1] ?? "").length <= 2) {
      const pre = (prefix[1] ?? "").toLowerCase();
      if (pre === "" || pre === "r" || pre === "b" || pre === "rb" || pre === "br") {
        const q = prefix[2] ?? '"';
        i += pre.length;
        const triple = src.startsWith(q.repeat(3), i);
        const delim = triple ? q.repeat(3) : q;
        i += delim.length;
        let body = "";
        for (;;) {
          if (i >= src.length) throw new CelSyntaxError(`unterminated string at ${start}`);
          if (src.startsWith(delim, i)) {
            i += delim.length;
            break;
          }
          const ch = src[i] ?? "";
          if (!triple && (ch === "\n" || ch === "\r"))
            throw new CelSyntaxError(`newline in string at ${start}`);
          if (ch === "\\" && !pre.includes("r")) {
            body += ch + (src[i + 1] ?? "");
            i += 2;
            continue;
          }
          body += ch;
          i++;
        }
        const text = decodeEscapes(body, pre.includes("r"), start);
        if (pre.includes("b"))
          toks.push({ kind: "bytes", text, value: new TextEncoder().encode(text), pos: start });
        else toks.push({ kind: "string", text, value: text, pos: start });
        continue;
      }
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j] ?? "")) j++;
      toks.push({ kind: "ident", text: src.slice(i, j), pos: start });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const rest = src.slice(i);
      const hex = /^0[xX][0-9a-fA-F]+([uU])?/.exec(rest);
      if (hex) {
        const digits = hex[0].replace(/[uU]$/, "");
        toks.push({ kind: hex[1] ? "uint" : "int", text: hex[0], value: BigInt(digits), pos: start });
        i += hex[0].length;
        continue;
      }
      const dbl = /^(\d+\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+([eE][+-]?\d+)?)/.exec(rest);
      if (dbl) {
        toks.push({ kind: "double", text: dbl[0], value: Number(dbl[0]), pos: start });
        i += dbl[0].length;
        continue;
      }
      const int = /^\d+([uU])?/.exec(rest);
      if (int) {
        const digits = int[0].replace(/[uU]$/, "");
        toks.push({ kind: int[1] ? "uint" : "int", text: int[0], value: BigInt(digits), pos: start });
        i += int[0].length;
        continue;
      }
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      toks.push({ kind: "op", text: op, pos: start });
      i += op.length;
      continue;
    }
    throw new CelSyntaxError(`unexpected character '${c}' at ${start}`);
  }
  toks.push({ kind: "eof", text: "", pos: src.length });
  return toks;
}

class Parser {
  private i = 0;
  private nextId = 1n;

  constructor(private readonly toks: Token[]) {}

  private peek(o = 0): Token {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    this.i++;
    return t;
  }

  private isOp(text: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === "op" && t.text === text;
  }

  private expectOp(text: string): Token {
    const t = this.next();
    if (t.kind !== "op" || t.text !== text)
      throw new CelSyntaxError(`expected '${text}' at ${t.pos}, found '${t.text || "end of input"}'`);
    return t;
  }

  private id(): bigint {
    return this.nextId++;
  }

  private ident(name: string): Expr {
    return create(ExprSchema, { id: this.id(), exprKind: { case: "identExpr", value: { name } } });
  }

  private call(fn: string, args: Expr[], target?: Expr): Expr {
    const value: { function: string; args: Expr[]; target?: Expr } = { function: fn, args };
    if (target) value.target = target;
    return create(ExprSchema, { id: this.id(), exprKind: { case: "callExpr", value } });
  }

  private constant(
    kind:
      "int64Value" | "uint64Value" | "doubleValue" | "stringValue" | "bytesValue" | "boolValue" | "nullValue",
    value: unknown,
  ): Expr {
    return create(ExprSchema, {
      id: this.id(),
      exprKind: { case: "constExpr", value: { constantKind: { case: kind, value } as never } },
    });
  }

  private select(operand: Expr, field: string, testOnly = false): Expr {
    return create(ExprSchema, {
      id: this.id(),
      exprKind: { case: "selectExpr", value: { operand, field, testOnly } },
    });
  }

  private list(elements: Expr[], optionalIndices: number[] = []): Expr {
    return create(ExprSchema, {
      id: this.id(),
      exprKind: { case: "listExpr", value: { elements, optionalIndices } },
    });
  }

  parse(): Expr {
    const e = this.expr();
    const t = this.peek();
    if (t.kind !== "eof") throw new CelSyntaxError(`unexpected '${t.text}' at ${t.pos}`);
    return e;
  }

  private expr(): Expr {
    const cond = this.or();
    if (this.isOp("?")) {
      this.next();
      const a = this.or();
      this.expectOp(":");
      const b = this.expr();
      return this.call("_?_:_", [cond, a, b]);
    }
    return cond;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isOp("||")) {
      this.next();
      left = this.call("_||_", [left, this.and()]);
    }
    return left;
  }

  private and(): Expr {
    let left = this.relation();
    while (this.isOp("&&")) {
      this.next();
      left = this.call("_&&_", [left, this.relation()]);
    }
    return left;
  }

  private relation(): Expr {
    let left = this.addition();
    for (;;) {
      const t = this.peek();
      const map: Record<string, string> = {
        "<": "_<_",
        "<=": "_<=_",
        ">=": "_>=_",
        ">": "_>_",
        "==": "_==_",
        "!=": "_!=_",
      };
      if (t.kind === "op" && map[t.text]) {
        this.next();
        left = this.call(map[t.text] ?? "", [left, this.addition()]);
      } else if (t.kind === "ident" && t.text === "in") {
        this.next();
        left = this.call("@in", [left, this.addition()]);
      } else {
        return left;
      }
    }
  }

  private addition(): Expr {
    let left = this.multiplication();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.next().text;
      left = this.call(op === "+" ? "_+_" : "_-_", [left, this.multiplication()]);
    }
    return left;
  }

  private multiplication(): Expr {
    let left = this.unary();
    while (this.isOp("*") || this.isOp("/") || this.isOp("%")) {
      const op = this.next().text;
      left = this.call(op === "*" ? "_*_" : op === "/" ? "_/_" : "_%_", [left, this.unary()]);
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp("!")) {
      let n = 0;
      while (this.isOp("!")) {
        this.next();
        n++;
      }
      let e = this.member();
      for (let k = 0; k < n; k++) e = this.call("!_", [e]);
      return e;
    }
    if (this.isOp("-")) {
      let n = 0;
      while (this.isOp("-")) {
        this.next();
        n++;
      }
      const t = this.peek();
      if (n % 2 === 1 && (t.kind === "int" || t.kind === "double") && !this.isPostfix(1)) {
        this.next();
        const lit =
          t.kind === "int"
            ? this.constant("int64Value", -(t.value as bigint))
            : this.constant("doubleValue", -(t.value as number));
        n--;
        let e = this.postfix(lit);
        for (let k = 0; k < n; k++) e = this.call("-_", [e]);
        return e;
      }
      let e = this.member();
      for (let k = 0; k < n; k++) e = this.call("-_", [e]);
      return e;
    }
    return this.member();
  }

  private isPostfix(o: number): boolean {
    return this.isOp(".", o) || this.isOp("[", o) || this.isOp(".?", o) || this.isOp("[?", o);
  }

  private member(): Expr {
    return this.postfix(this.primary());
  }

  /** Selections, calls and indexes after a primary; optional steps start an optional chain. */
  private postfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        const name = this.next();
        if (name.kind !== "ident") throw new CelSyntaxError(`expected field name at ${name.pos}`);
        if (this.isOp("(")) {
          this.next();
          const args = this.exprList(")");
          e = this.memberCall(e, name.text, args);
        } else {
          e = this.select(e, name.text);
        }
      } else if (this.isOp("[")) {
        this.next();
        const idx = this.expr();
        this.expectOp("]");
        e = this.call("_[_]", [e, idx]);
      } else if (this.isOp(".?") || this.isOp("[?")) {
        e = this.optionalChain(e);
      } else {
        return e;
      }
    }
  }

  private optionalChain(operand: Expr): Expr {
    const steps: Expr[] = [];
    for (;;) {
      if (this.isOp(".?") || (this.isOp(".") && this.peek(1).kind === "ident" && !this.isOp("(", 2))) {
        this.next();
        const name = this.next();
        if (name.kind !== "ident") throw new CelSyntaxError(`expected field name at ${name.pos}`);
        steps.push(this.constant("stringValue", name.text));
      } else if (this.isOp("[?") || this.isOp("[")) {
        this.next();
        steps.push(this.expr());
        this.expectOp("]");
      } else {
        break;
      }
    }
    return this.call("@optional_chain", [operand, this.list(steps)]);
  }

  private exprList(close: string): Expr[] {
    const out: Expr[] = [];
    if (this.isOp(close)) {
      this.next();
      return out;
    }
    for (;;) {
      out.push(this.expr());
      if (this.isOp(",")) {
        this.next();
        if (this.isOp(close)) {
          this.next();
          return out;
        }
        continue;
      }
      this.expectOp(close);
      return out;
    }
  }

  private identOf(e: Expr): string | undefined {
    return e.exprKind.case === "identExpr" ? e.exprKind.value.name : undefined;
  }

  private memberCall(target: Expr, fn: string, args: Expr[]): Expr {
    const macro = this.expandMacro(target, fn, args);
    return macro ?? this.call(fn, args, target);
  }

  private comprehension(
    iterVar: string,
    range: Expr,
    accuInit: Expr,
    cond: Expr,
    step: Expr,
    result: Expr,
  ): Expr {
    return create(ExprSchema, {
      id: this.id(),
      exprKind: {
        case: "comprehensionExpr",
        value: {
          iterVar,
          iterRange: range,
          accuVar: "@result",
          accuInit,
          loopCondition: cond,
          loopStep: step,
          result,
        },
      },
    });
  }

  private expandMacro(target: Expr, fn: string, args: Expr[]): Expr | undefined {
    const v = args[0] ? this.identOf(args[0]) : undefined;
    const acc = (): Expr => this.ident("@result");
    switch (fn) {
      case "all":
        if (args.length !== 2 || !v) return undefined;
        return this.comprehension(
          v,
          target,
          this.constant("boolValue", true),
          this.call("@not_strictly_false", [acc()]),
          this.call("_&&_", [acc(), args[1] as Expr]),
          acc(),
        );
      case "exists":
        if (args.length !== 2 || !v) return undefined;
        return this.comprehension(
          v,
          target,
          this.constant("boolValue", false),
          this.call("@not_strictly_false", [this.call("!_", [acc()])]),
          this.call("_||_", [acc(), args[1] as Expr]),
          acc(),
        );
      case "exists_one":
        if (args.length !== 2 || !v) return undefined;
        return this.comprehension(
          v,
          target,
          this.constant("int64Value", 0n),
          this.constant("boolValue", true),
          this.call("_?_:_", [
            args[1] as Expr,
            this.call("_+_", [acc(), this.constant("int64Value", 1n)]),
            acc(),
          ]),
          this.call("_==_", [acc(), this.constant("int64Value", 1n)]),
        );
      case "map":
        if ((args.length !== 2 && args.length !== 3) || !v) return undefined;
        if (args.length === 2) {
          return this.comprehension(
            v,
            target,
            this.list([]),
            this.constant("boolValue", true),
            this.call("_+_", [acc(), this.list([args[1] as Expr])]),
            acc(),
          );
        }
        return this.comprehension(
          v,
          target,
          this.list([]),
          this.constant("boolValue", true),
          this.call("_?_:_", [
            args[1] as Expr,
            this.call("_+_", [acc(), this.list([args[2] as Expr])]),
            acc(),
          ]),
          acc(),
        );
      case "filter":
        if (args.length !== 2 || !v) return undefined;
        return this.comprehension(
          v,
          target,
          this.list([]),
          this.constant("boolValue", true),
          this.call("_?_:_", [args[1] as Expr, this.call("_+_", [acc(), this.list([this.ident(v)])]), acc()]),
          acc(),
        );
      default:
        return undefined;
    }
  }

  private qualifiedName(first: string): string {
    // `optional.of(...)`, `time.now()`: a dotted global function name.
    let name = first;
    let o = 0;
    while (this.isOp(".", o) && this.peek(o + 1).kind === "ident") {
      if (this.isOp("(", o + 2)) return `${name}.${this.peek(o + 1).text}`;
      name = `${name}.${this.peek(o + 1).text}`;
      o += 2;
    }
    return "";
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case "int":
        return this.constant("int64Value", t.value);
      case "uint":
        return this.constant("uint64Value", t.value);
      case "double":
        return this.constant("doubleValue", t.value);
      case "string":
        return this.constant("stringValue", t.value);
      case "bytes":
        return this.constant("bytesValue", t.value);
      case "ident": {
        if (t.text === "true" || t.text === "false") return this.constant("boolValue", t.text === "true");
        if (t.text === "null") return this.constant("nullValue", 0);
        if (RESERVED.has(t.text)) throw new CelSyntaxError(`reserved identifier '${t.text}' at ${t.pos}`);
        if (this.isOp("(")) {
          this.next();
          const args = this.exprList(")");
          if (t.text === "has") {
            const a = args[0];
            if (args.length !== 1 || !a || a.exprKind.case !== "selectExpr") {
              throw new CelSyntaxError(`invalid argument to has() macro at ${t.pos}`);
            }
            const sel = a.exprKind.value;
            return this.select(sel.operand as Expr, sel.field, true);
          }
          return this.call(t.text, args);
        }
        if (t.text === "optional" || t.text === "time" || t.text === "math") {
          const q = this.qualifiedName(t.text);
          if (q !== "") {
            const dots = q.split(".").length - 1;
            for (let k = 0; k < dots; k++) {
              this.next();
              this.next();
            }
            this.expectOp("(");
            return this.call(q, this.exprList(")"));
          }
        }
        return this.ident(t.text);
      }
      case "op":
        if (t.text === "(") {
          const e = this.expr();
          this.expectOp(")");
          return e;
        }
        if (t.text === "[") return this.listLiteral();
        if (t.text === "{") return this.mapLiteral();
        if (t.text === "." && this.peek().kind === "ident") return this.ident(this.next().text);
        throw new CelSyntaxError(`unexpected '${t.text}' at ${t.pos}`);
      default:
        throw new CelSyntaxError(`unexpected end of input`);
    }
  }

  private listLiteral(): Expr {
    const elements: Expr[] = [];
    const optionalIndices: number[] = [];
    if (this.isOp("]")) {
      this.next();
      return this.list(elements);
    }
    for (;;) {
      if (this.isOp("?")) {
        this.next();
        optionalIndices.push(elements.length);
      }
      elements.push(this.expr());
      if (this.isOp(",")) {
        this.next();
        if (this.isOp("]")) break;
        continue;
      }
      break;
    }
    this.expectOp("]");
    return this.list(elements, optionalIndices);
  }

  private mapLiteral(): Expr {
    const entries: {
      id: bigint;
      keyKind: { case: "mapKey"; value: Expr };
      value: Expr;
      optionalEntry: boolean;
    }[] = [];
    if (!this.isOp("}")) {
      for (;;) {
        let optional = false;
        if (this.isOp("?")) {
          this.next();
          optional = true;
        }
        const key = this.expr();
        this.expectOp(":");
        const value = this.expr();
        entries.push({
          id: this.id(),
          keyKind: { case: "mapKey", value: key },
          value,
          optionalEntry: optional,
        });
        if (this.isOp(",")) {
          this.next();
          if (this.isOp("}")) break;
          continue;
        }
        break;
      }
    }
    this.expectOp("}");
    return create(ExprSchema, { id: this.id(), exprKind: { case: "structExpr", value: { entries } } });
  }
}

const cache = new Map<string, Expr | CelSyntaxError>();

/** Parses a CEL expression (cached); throws CelSyntaxError. */
export function parseCel(source: string): Expr {
  let hit = cache.get(source);
  if (hit === undefined) {
    try {
      hit = new Parser(tokenize(source)).parse();
    } catch (e) {
      hit = e instanceof CelSyntaxError ? e : new CelSyntaxError(e instanceof Error ? e.message : String(e));
    }
    cache.set(source, hit);
  }
  if (hit instanceof CelSyntaxError) throw hit;
  return hit;
}
