/**
 * Kubernetes `resource.Quantity` (k8s.io/apimachinery): parsing, exact comparison, arithmetic and the
 * canonical string form. A value is `mantissa * 10^exp` (BigInt mantissa), so comparisons are exact.
 */

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
  if (str.length === 0) return undefined;
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
