/**
 * Kubernetes `resource.Quantity` (k8s.io/apimachinery): parsing, exact comparison, arithmetic and the
 * canonical string form. A value is `mantissa * 10^exp` (BigInt mantissa), so comparisons are exact.
 *
 * The one quantity parser of kintent: the intent schema, the validator and the policy engine all use it, so
 * `512mi` or `1g` is refused the same way everywhere (suffixes are case-sensitive, as in Kubernetes).
 * Written by hand because no npm package implements apimachinery's grammar exactly (BinarySI vs DecimalSI,
 * rounding up below nano units, canonical formatting).
 */

/**
 * The grammar {@link parseQuantity} accepts, as a regular expression (for JSON Schema `pattern`s in editors);
 * the parser stays the authority. `test/unit/quantity.test.ts` keeps the two in agreement.
 */
export const QUANTITY_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;

/** Longest quantity string and largest exponent accepted: keeps BigInt arithmetic bounded on hostile input. */
const MAX_QUANTITY_LENGTH = 128;
const MAX_EXPONENT = 1000;

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  mantissa: bigint;
  exp: number;
  format: QuantityFormat;
}

const DECIMAL_SUFFIX: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const QUANTITY_RE = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

/** `resource.ParseQuantity`; undefined when Kubernetes would reject the string. */
export function parseQuantity(input: string): Quantity | undefined {
  const str = input;
  if (str.length === 0 || str.length > MAX_QUANTITY_LENGTH) return undefined;
  const m = QUANTITY_RE.exec(str);
  if (!m) return undefined;
  const sign = m[1] === "-" ? -1n : 1n;
  const intDigits = m[2] ?? "";
  const fracDigits = m[3] ?? "";
  const suffix = m[4] ?? "";
  if (intDigits === "" && fracDigits === "") return undefined;
  if (m[3] !== undefined && fracDigits === "" && intDigits === "") return undefined;
  let mantissa = BigInt((intDigits || "0") + fracDigits) * sign;
  let exp = -fracDigits.length;
  let format: QuantityFormat;
  if (suffix in BINARY_SUFFIX) {
    format = "BinarySI";
    mantissa *= 1n << BigInt(BINARY_SUFFIX[suffix] ?? 0);
  } else if (suffix in DECIMAL_SUFFIX) {
    format = "DecimalSI";
    exp += DECIMAL_SUFFIX[suffix] ?? 0;
  } else {
    const e = /^[eE]([+-]?\d+)$/.exec(suffix);
    if (!e) return undefined;
    format = "DecimalExponent";
    if (Math.abs(Number(e[1])) > MAX_EXPONENT) return undefined;
    exp += Number(e[1]);
  }
  // Kubernetes rounds up anything more precise than nano units.
  if (exp < -9) {
    const div = 10n ** BigInt(-9 - exp);
    const q = mantissa / div;
    const rem = mantissa % div;
    mantissa = rem > 0n ? q + 1n : q;
    exp = -9;
  }
  return normalize({ mantissa, exp, format });
}

function normalize(q: Quantity): Quantity {
  let { mantissa, exp } = q;
  if (mantissa === 0n) return { mantissa: 0n, exp: 0, format: q.format };
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exp++;
  }
  return { mantissa, exp, format: q.format };
}

function align(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const e = Math.min(a.exp, b.exp);
  return [a.mantissa * 10n ** BigInt(a.exp - e), b.mantissa * 10n ** BigInt(b.exp - e), e];
}

export function compareQuantity(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addQuantity(a: Quantity, b: Quantity): Quantity {
  const [x, y, e] = align(a, b);
  return normalize({ mantissa: x + y, exp: e, format: a.format });
}

export function subQuantity(a: Quantity, b: Quantity): Quantity {
  const [x, y, e] = align(a, b);
  return normalize({ mantissa: x - y, exp: e, format: a.format });
}

export function quantityToNumber(q: Quantity): number {
  return Number(q.mantissa) * 10 ** q.exp;
}

/** The canonical string form of a Quantity (`Quantity.String()`). */
export function formatQuantity(q: Quantity): string {
  if (q.mantissa === 0n) return "0";
  let { mantissa, exp } = q;
  if (q.format === "BinarySI" && exp >= 0) {
    let value = mantissa * 10n ** BigInt(exp);
    const neg = value < 0n;
    if (neg) value = -value;
    if (value >= 1024n) {
      const suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
      let i = 0;
      while (i < 6 && value % 1024n === 0n && value >= 1024n) {
        value /= 1024n;
        i++;
      }
      if (i > 0) return `${neg ? "-" : ""}${value.toString()}${suffixes[i] ?? ""}`;
    }
    // fall through to decimal formatting for small or non-binary-aligned values
  }
  // Decimal: choose an exponent that is a multiple of 3, with an integer mantissa.
  let e3 = Math.floor(exp / 3) * 3;
  if (e3 < -9) e3 = -9;
  mantissa = mantissa * 10n ** BigInt(exp - e3);
  exp = e3;
  if (q.format === "DecimalExponent") {
    return exp === 0 ? mantissa.toString() : `${mantissa.toString()}e${exp}`;
  }
  // Prefer the largest SI suffix that keeps the mantissa integral.
  while (exp < 18 && mantissa % 1000n === 0n && mantissa !== 0n) {
    mantissa /= 1000n;
    exp += 3;
  }
  const suffix: Record<number, string> = {
    [-9]: "n",
    [-6]: "u",
    [-3]: "m",
    0: "",
    3: "k",
    6: "M",
    9: "G",
    12: "T",
    15: "P",
    18: "E",
  };
  if (exp > 18) {
    mantissa *= 10n ** BigInt(exp - 18);
    exp = 18;
  }
  return `${mantissa.toString()}${suffix[exp] ?? ""}`;
}

/** Multiply a quantity by a scalar (exact when the scalar is a finite decimal). */
export function mulQuantity(q: Quantity, f: number): Quantity | undefined {
  const s = parseQuantity(String(f));
  if (!s) return undefined;
  return normalize({ mantissa: q.mantissa * s.mantissa, exp: q.exp + s.exp, format: q.format });
}

/**
 * Whether a value is a valid quantity: a string Kubernetes parses, or a finite number. Strings without an
 * exponent are decided by {@link QUANTITY_PATTERN} (the same grammar; the validator asks this for every
 * resource field, so it does not build BigInts for it); exponents go through the parser for its bounds.
 */
export function isQuantity(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (typeof v !== "string" || v.length > MAX_QUANTITY_LENGTH || !QUANTITY_PATTERN.test(v)) return false;
  return !/[eE]/.test(v) || parseQuantity(v) !== undefined;
}

/** A quantity (string or number) as a parsed value, or undefined when it is not one. */
export function toQuantity(v: unknown): Quantity | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? parseQuantity(String(v)) : undefined;
  return typeof v === "string" ? parseQuantity(v) : undefined;
}

/** The quantity's value as a (possibly rounded) number, or undefined when it is not a quantity. */
export function quantityValue(v: unknown): number | undefined {
  const q = toQuantity(v);
  return q === undefined ? undefined : quantityToNumber(q);
}

/** Exact comparison of two quantities (strings or numbers): -1, 0, 1, or undefined when either does not parse. */
export function compareQuantities(a: unknown, b: unknown): -1 | 0 | 1 | undefined {
  const x = toQuantity(a);
  const y = toQuantity(b);
  return x === undefined || y === undefined ? undefined : compareQuantity(x, y);
}

/**
 * ` — did you mean \`512Mi\`?` for the usual mistakes (suffixes in the wrong case, `MB`/`GB`), or "" when
 * there is nothing better to say.
 */
export function quantityHint(text: string): string {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-zA-Z]{1,3})$/.exec(text.trim());
  if (!m) return "";
  const [, num, suffix = ""] = m;
  const binary = /^([kmgtpe])(i|ib|b)?$/i.exec(suffix);
  if (!binary) return "";
  const letter = (binary[1] ?? "").toUpperCase();
  const guess = binary[2] || letter !== "M" ? `${num}${letter}i` : undefined;
  const out = guess ?? `${num}Mi`;
  return parseQuantity(out) !== undefined && out !== text ? ` — did you mean \`${out}\`?` : "";
}
