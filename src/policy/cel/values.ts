/** Converting between JSON data and `@bufbuild/cel` values. */
import { celList, celMap, isCelList, isCelMap, isCelUint } from "@bufbuild/cel";
import { isObject } from "../json.js";
import { formatGoDuration } from "../go-duration.js";

/**
 * JSON → CEL input. With `intsAsInt` JSON integers become CEL `int` (as after a JSON round trip through
 * `unstructured`); otherwise every number is a `double` (as the Kyverno CLI's float64 resources are).
 */
export function toCelInput(v: unknown, intsAsInt: boolean): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "number")
    return intsAsInt && Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? BigInt(v) : v;
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "bigint") return v;
  if (Array.isArray(v)) return celList(v.map((x) => toCelInput(x, intsAsInt)) as never[]);
  if (isCelMap(v) || isCelList(v)) return v;
  if (isObject(v)) {
    const m = new Map<string, unknown>();
    for (const [k, x] of Object.entries(v)) m.set(k, toCelInput(x, intsAsInt));
    return celMap(m as never);
  }
  return v;
}

interface DurationLike {
  seconds: bigint;
  nanos: number;
}

function messageOf(v: unknown): { typeName: string; message: Record<string, unknown> } | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const m = (v as { message?: { $typeName?: string } }).message;
  if (m && typeof m.$typeName === "string") return { typeName: m.$typeName, message: m };
  return undefined;
}

/** CEL value → JSON-like data (lists, maps, numbers; timestamps as RFC 3339, durations as Go strings). */
export function fromCel(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (isCelUint(v)) return Number((v as { value: bigint }).value);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (isCelList(v)) return Array.from(v, (x) => fromCel(x));
  if (isCelMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) out[typeof k === "object" ? String(k.value) : String(k)] = fromCel(x);
    return out;
  }
  const msg = messageOf(v);
  if (msg?.typeName === "google.protobuf.Duration") {
    const d = msg.message as unknown as DurationLike;
    return formatGoDuration(d.seconds * 1000000000n + BigInt(d.nanos));
  }
  if (msg?.typeName === "google.protobuf.Timestamp") {
    const d = msg.message as unknown as DurationLike;
    return new Date(Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6)).toISOString().replace(".000Z", "Z");
  }
  return null;
}

const MAP_SYMBOL = Symbol.for("@bufbuild/cel/map");

/**
 * A CEL map whose values are computed on first access (the `variables` of a policy: a variable that fails
 * only matters when an expression uses it). A failing entry yields the CelError.
 */
export class LazyCelMap {
  readonly [MAP_SYMBOL] = {};
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly entries: Map<string, () => unknown>) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: unknown): unknown {
    if (typeof key !== "string") return undefined;
    if (this.cache.has(key)) return this.cache.get(key);
    const f = this.entries.get(key);
    if (!f) return undefined;
    const v = f();
    this.cache.set(key, v);
    return v;
  }

  has(key: unknown): boolean {
    return typeof key === "string" && this.entries.has(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  *values(): IterableIterator<unknown> {
    for (const k of this.entries.keys()) yield this.get(k);
  }

  *entriesIter(): IterableIterator<[string, unknown]> {
    for (const k of this.entries.keys()) yield [k, this.get(k)];
  }

  [Symbol.iterator](): IterableIterator<[string, unknown]> {
    return this.entriesIter();
  }

  forEach(cb: (value: unknown, key: string, map: LazyCelMap) => void): void {
    for (const k of this.entries.keys()) cb(this.get(k), k, this);
  }
}
