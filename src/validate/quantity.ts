/** Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource): parse and compare. */

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The quantity's value as a number, or undefined when it is not a valid quantity. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const m = QUANTITY.exec(v.trim());
  if (!m || v.trim() !== v) return undefined;
  const n = parseFloat(m[1] as string);
  const suffix = m[2] ?? "";
  if (/^[eE]/.test(suffix)) return n * 10 ** parseInt(suffix.slice(1), 10);
  const mult = MULTIPLIERS[suffix];
  return mult === undefined ? undefined : n * mult;
}

/** -1, 0, 1, or undefined when either side does not parse. */
export function compareQuantities(a: unknown, b: unknown): number | undefined {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (x === undefined || y === undefined) return undefined;
  const eps = Math.max(Math.abs(x), Math.abs(y)) * 1e-12;
  return Math.abs(x - y) <= eps ? 0 : x < y ? -1 : 1;
}
