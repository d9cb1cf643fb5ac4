/**
 * A direct YAML emitter for the common case: plain JSON-like objects (maps, sequences of maps or scalars,
 * ASCII strings that need no escaping, finite numbers, booleans, null), written exactly as the `yaml` library
 * writes them with {@link YAML_OPTIONS} — byte for byte, which `src/render/emit.test.ts` holds against the
 * library on every example's objects and on generated ones. Anything else (multi-line or quoted-style strings,
 * non-ASCII, nested sequences, long keys, -0, non-finite numbers…) answers `undefined`, and the caller falls
 * back to the library for that object.
 *
 * Written by hand because the library builds a node tree per document (one `Document` per object was 40 % of
 * a build with 10,000 extra objects), while the output rules for these values are few and fixed. The rules
 * follow yaml 2.x `stringifyString` / `stringifyNumber` and the YAML 1.2 core schema's tag tests.
 */

/** First character of a string the emitter writes plain; the rest may also hold `:`, `,`, space, `+`, `=`, `@`, `-`. */
const SAFE = /^[A-Za-z0-9_./][A-Za-z0-9_./:@+=, -]*$/;
/** What yaml quotes or writes as a block even in the safe alphabet (`: `, a trailing space or colon, document markers). */
const NOT_PLAIN = /: |[ :]$|^(?:---|\.\.\.)/;
/** Strings the YAML 1.2 core schema reads as something else than a string: quoted (double) by yaml. */
const CORE_NON_STRING = [
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:~|[Nn]ull|NULL)?$/,
];

/** Keys longer than this are explicit (`? key`) in yaml's output: left to the library. */
const MAX_IMPLICIT_KEY = 1000;

class Unsupported extends Error {}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A map yaml writes as `{}`: no keys, or only keys whose values are undefined. */
function isEmptyMap(v: Record<string, unknown>): boolean {
  return Object.keys(v).every((k) => v[k] === undefined);
}

function str(s: string): string {
  if (s === "") return '""';
  if (!SAFE.test(s) || NOT_PLAIN.test(s)) throw new Unsupported();
  // Plain unless the core schema would read it as a bool, number or null; then double-quoted (nothing to escape).
  return CORE_NON_STRING.some((re) => re.test(s)) ? `"${s}"` : s;
}

function scalar(v: unknown): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return str(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
      if (!Number.isFinite(v) || Object.is(v, -0)) throw new Unsupported();
      return JSON.stringify(v);
    default:
      throw new Unsupported();
  }
}

function key(k: string): string {
  if (k.length > MAX_IMPLICIT_KEY) throw new Unsupported();
  return str(k);
}

function map(obj: Record<string, unknown>, indent: string, out: string[]): void {
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue; // yaml leaves undefined values out of maps
    const head = `${indent}${key(k)}:`;
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${head} []`);
      else {
        out.push(head);
        seq(v, `${indent}  `, out);
      }
    } else if (isPlainObject(v)) {
      if (isEmptyMap(v)) out.push(`${head} {}`);
      else {
        out.push(head);
        map(v, `${indent}  `, out);
      }
    } else out.push(`${head} ${scalar(v)}`);
  }
}

function seq(items: readonly unknown[], indent: string, out: string[]): void {
  for (const item of items) {
    if (Array.isArray(item) || item === undefined) throw new Unsupported();
    if (isPlainObject(item)) {
      if (isEmptyMap(item)) {
        out.push(`${indent}- {}`);
        continue;
      }
      const sub: string[] = [];
      map(item, `${indent}  `, sub);
      // The first pair goes on the dash's line; the others stay aligned under it.
      sub[0] = `${indent}- ${(sub[0] as string).slice(indent.length + 2)}`;
      out.push(...sub);
    } else out.push(`${indent}- ${scalar(item)}`);
  }
}

/** `value` as yaml writes it (ending in a newline), or `undefined` when it needs the library. */
export function emitYaml(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const out: string[] = [];
  try {
    if (isEmptyMap(value)) return "{}\n";
    map(value, "", out);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  return `${out.join("\n")}\n`;
}
