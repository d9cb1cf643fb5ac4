/**
 * The CEL environment for Kubernetes and Kyverno expressions: `@bufbuild/cel`'s standard library and
 * string extensions, plus optional values, the Kubernetes list/regex/quantity/url helpers and the Kyverno
 * libraries an offline engine can honour (`resource.Get/List` over the test's cluster objects, `time.now`,
 * `parseServiceAccount`, `image`). Libraries that need a cluster or a registry raise an offline error.
 */
import {
  celEnv,
  celFunc,
  celList,
  celMap,
  celMethod,
  CelScalar,
  isCelList,
  isCelMap,
  plan,
} from "@bufbuild/cel";
import type { CelFunc, CelList, CelMap, CelValue } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { isObject } from "../json.js";
import { compareQuantity, parseQuantity, quantityToNumber } from "../../core/quantity.js";
import { goRegexp } from "../go-regexp.js";
import { parseImage } from "../engine/images.js";
import { pluralOf } from "../../core/k8s-resources.js";
import { parseCel } from "./parser.js";
import { fromCel, toCelInput } from "./values.js";

/** Raised by a library call that needs a live cluster, a registry or the network. */
export const OFFLINE_PREFIX = "offline:";

export class CelOfflineError extends Error {
  override name = "CelOfflineError";
}

const OPT = "\u0000cel.optional";
const LIB = "\u0000cel.lib";

function optionalOf(v: unknown): CelMap {
  return celMap(
    new Map<string, never>([
      [OPT, true as never],
      ["value", v as never],
    ]),
  );
}

function optionalNone(): CelMap {
  return celMap(new Map<string, never>([[OPT, false as never]]));
}

export function isOptional(v: unknown): boolean {
  return isCelMap(v) && v.has(OPT);
}

function optHasValue(v: unknown): boolean {
  return isCelMap(v) && v.get(OPT) === true;
}

/** A CEL scalar as a string (non-scalars become ""). */
function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  return "";
}

function lib(name: string): CelMap {
  return celMap(new Map<string, never>([[LIB, name as never]]));
}

function libName(v: unknown): string | undefined {
  if (!isCelMap(v)) return undefined;
  const n = v.get(LIB);
  return typeof n === "string" ? n : undefined;
}

function isZero(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (v === 0 || v === 0n || v === "" || v === false) return true;
  if (isCelList(v)) return v.size === 0;
  if (isCelMap(v)) return v.size === 0;
  return false;
}

/** One step of an optional chain: a map key or a list index; undefined when absent. */
function step(cur: unknown, key: unknown): unknown {
  if (isCelMap(cur)) {
    if (isOptional(cur)) return undefined;
    const k = typeof key === "number" && Number.isInteger(key) ? BigInt(key) : key;
    if (!cur.has(k as string)) return undefined;
    return cur.get(k as string);
  }
  if (isCelList(cur)) {
    if (typeof key !== "bigint" && typeof key !== "number") return undefined;
    const i = Number(key);
    if (i < 0 || i >= cur.size) return undefined;
    return cur.get(i);
  }
  return undefined;
}

function optionalChain(this: undefined, operand: CelValue, steps: CelList): CelValue {
  let cur: unknown = operand;
  if (isOptional(cur) && isCelMap(cur)) {
    if (!optHasValue(cur)) return optionalNone();
    cur = cur.get("value");
  }
  for (const key of steps) {
    cur = step(cur, key);
    if (cur === undefined) return optionalNone();
  }
  return optionalOf(cur);
}

function expectOptional(v: unknown, fn: string): CelMap {
  if (!isOptional(v) || !isCelMap(v)) throw new Error(`no such overload: ${fn} on a non-optional value`);
  return v;
}

function listItems(v: unknown, fn: string): CelValue[] {
  if (!isCelList(v)) throw new Error(`no such overload: ${fn}`);
  return Array.from(v);
}

function cmp(a: unknown, b: unknown): number {
  if ((typeof a === "bigint" || typeof a === "number") && (typeof b === "bigint" || typeof b === "number")) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new Error("no such overload for comparison");
}

/** Cluster objects visible to `resource.Get/List` during one evaluation. */
let clusterObjects: Record<string, unknown>[] = [];
/** Mock image metadata for `image.GetMetadata` (the Kyverno CLI context file's `images`), by reference. */
let imageData: Record<string, Record<string, unknown>> | undefined;

export function withClusterObjects<T>(
  objects: Record<string, unknown>[],
  fn: () => T,
  images?: Record<string, Record<string, unknown>>,
): T {
  const prev = clusterObjects;
  const prevImages = imageData;
  clusterObjects = objects;
  imageData = images;
  try {
    return fn();
  } finally {
    clusterObjects = prev;
    imageData = prevImages;
  }
}

function getImageMetadata(ref: string): unknown {
  if (!imageData || Object.keys(imageData).length === 0) offline("image.GetMetadata");
  const hit = imageData[ref];
  if (!hit) throw new Error(`image data for ${ref} not found in the context`);
  return toCelInput(hit, true);
}

function apiVersionOf(o: Record<string, unknown>): string {
  return typeof o.apiVersion === "string" ? o.apiVersion : "";
}

function objectsFor(apiVersion: string, resource: string, namespace: string): Record<string, unknown>[] {
  return clusterObjects.filter((o) => {
    const kind = typeof o.kind === "string" ? o.kind : "";
    const md = isObject(o.metadata) ? o.metadata : {};
    const ns = typeof md.namespace === "string" ? md.namespace : "";
    return (
      apiVersionOf(o) === apiVersion && pluralOf(kind) === resource && (namespace === "" || ns === namespace)
    );
  });
}

function resourceGet(apiVersion: string, resource: string, namespace: string, name: string): unknown {
  const hit = objectsFor(apiVersion, resource, namespace).find((o) => {
    const md = isObject(o.metadata) ? o.metadata : {};
    return md.name === name;
  });
  if (!hit) throw new Error(`${resource} "${name}" not found`);
  return toCelInput(hit, true);
}

function resourceList(apiVersion: string, resource: string, namespace: string): unknown {
  const items = objectsFor(apiVersion, resource, namespace);
  return toCelInput({ apiVersion, kind: "List", items }, true);
}

function offline(what: string): never {
  throw new CelOfflineError(
    `${OFFLINE_PREFIX} ${what} needs a live cluster, a registry or the network, which is not available offline`,
  );
}

function imageValue(ref: string): CelMap {
  const info = parseImage(ref);
  if (!info) throw new Error(`invalid image reference: ${ref}`);
  return celMap(
    new Map<string, never>([
      [LIB, "image-ref" as never],
      ["registry", (info.registry ?? "") as never],
      ["repository", info.path as never],
      ["identifier", (info.digest ?? info.tag ?? "") as never],
      ["tag", (info.tag ?? "") as never],
      ["digest", (info.digest ?? "") as never],
    ]),
  );
}

function imageField(target: unknown, field: string): string {
  if (libName(target) !== "image-ref" || !isCelMap(target)) throw new Error(`no such overload: ${field}()`);
  const v = target.get(field);
  return typeof v === "string" ? v : "";
}

const D = CelScalar.DYN;

const FUNCS: CelFunc[] = [
  ...strings,
  celFunc("@optional_chain", [D, D], D, function (operand, steps) {
    if (!isCelList(steps)) throw new Error("invalid optional chain");
    return optionalChain.call(undefined, operand, steps);
  }),
  celFunc("optional.of", [D], D, (v) => optionalOf(v)),
  celFunc("optional.none", [], D, () => optionalNone()),
  celFunc("optional.ofNonZeroValue", [D], D, (v) => (isZero(v) ? optionalNone() : optionalOf(v))),
  // Kyverno evaluates these on plain (non-optional) values as if the value were present; the policy library
  // relies on it (e.g. `container.securityContext.capabilities.add.orValue([])`).
  celMethod("orValue", D, [D], D, function (this: CelValue, d: CelValue) {
    if (!isOptional(this)) return this;
    const o = expectOptional(this, "orValue");
    return optHasValue(o) ? (o.get("value") as CelValue) : d;
  }),
  celMethod("hasValue", D, [], D, function (this: CelValue) {
    if (!isOptional(this)) return true;
    return optHasValue(expectOptional(this, "hasValue"));
  }),
  celMethod("value", D, [], D, function (this: CelValue) {
    if (!isOptional(this)) return this;
    const o = expectOptional(this, "value");
    if (!optHasValue(o)) throw new Error("optional.none() dereference");
    return o.get("value") as CelValue;
  }),
  celMethod("or", D, [D], D, function (this: CelValue, other: CelValue) {
    if (!isOptional(this)) return this;
    const o = expectOptional(this, "or");
    return optHasValue(o) ? o : other;
  }),
  // Kubernetes list library
  celMethod("sum", D, [], D, function (this: CelValue) {
    const items = listItems(this, "sum");
    if (items.every((x) => typeof x === "bigint")) return items.reduce<bigint>((a, b) => a + b, 0n);
    return items.reduce<number>((a, b) => a + Number(b), 0);
  }),
  celMethod("min", D, [], D, function (this: CelValue) {
    const items = listItems(this, "min");
    if (items.length === 0) throw new Error("min(list) called on empty list");
    return items.reduce((a, b) => (cmp(b, a) < 0 ? b : a));
  }),
  celMethod("max", D, [], D, function (this: CelValue) {
    const items = listItems(this, "max");
    if (items.length === 0) throw new Error("max(list) called on empty list");
    return items.reduce((a, b) => (cmp(b, a) > 0 ? b : a));
  }),
  celMethod("isSorted", D, [], D, function (this: CelValue) {
    const items = listItems(this, "isSorted");
    return items.every((x, i) => i === 0 || cmp(items[i - 1], x) <= 0);
  }),
  // Kubernetes regex library
  celMethod(
    "find",
    CelScalar.STRING,
    [CelScalar.STRING],
    CelScalar.STRING,
    function (this: string, pattern: string) {
      const re = goRegexp(pattern);
      if (!re) throw new Error(`invalid regex: ${pattern}`);
      return re.exec(this)?.[0] ?? "";
    },
  ),
  celMethod("findAll", CelScalar.STRING, [CelScalar.STRING], D, function (this: string, pattern: string) {
    const re = goRegexp(pattern, "g");
    if (!re) throw new Error(`invalid regex: ${pattern}`);
    return celList(Array.from(this.matchAll(re), (m) => m[0]));
  }),
  // Kubernetes quantity library (comparisons only)
  celFunc("isQuantity", [CelScalar.STRING], CelScalar.BOOL, (s) => parseQuantity(s) !== undefined),
  celFunc("quantity", [CelScalar.STRING], D, (s) => {
    const q = parseQuantity(s);
    if (!q) throw new Error(`invalid quantity: ${s}`);
    return celMap(
      new Map<string, never>([
        [LIB, "quantity" as never],
        ["text", s as never],
      ]),
    );
  }),
  ...(["isLessThan", "isGreaterThan", "compareTo"] as const).map((name) =>
    celMethod(name, D, [D], D, function (this: CelValue, other: CelValue) {
      const a =
        libName(this) === "quantity" && isCelMap(this) ? parseQuantity(str(this.get("text"))) : undefined;
      const b =
        libName(other) === "quantity" && isCelMap(other) ? parseQuantity(str(other.get("text"))) : undefined;
      if (!a || !b) throw new Error(`no such overload: ${name}`);
      const c = compareQuantity(a, b);
      return name === "isLessThan" ? c < 0 : name === "isGreaterThan" ? c > 0 : BigInt(c);
    }),
  ),
  celMethod("asApproximateFloat", D, [], D, function (this: CelValue) {
    const q =
      libName(this) === "quantity" && isCelMap(this) ? parseQuantity(str(this.get("text"))) : undefined;
    if (!q) throw new Error("no such overload: asApproximateFloat");
    return quantityToNumber(q);
  }),
  // Kyverno libraries
  celMethod("Get", D, [D, D, D, D], D, function (this: CelValue, apiVersion, resource, namespace, name) {
    const l = libName(this);
    if (l === "resource")
      return resourceGet(str(apiVersion), str(resource), str(namespace), str(name)) as CelValue;
    if (l === "http") offline("http.Get");
    if (l === "globalContext") offline("globalContext.Get");
    throw new Error("no such overload: Get");
  }),
  celMethod("Get", D, [D, D], D, function (this: CelValue) {
    const l = libName(this);
    if (l === "http") offline("http.Get");
    if (l === "globalContext") offline("globalContext.Get");
    throw new Error("no such overload: Get");
  }),
  celMethod("Get", D, [D], D, function (this: CelValue) {
    const l = libName(this);
    if (l === "http") offline("http.Get");
    if (l === "globalContext") offline("globalContext.Get");
    throw new Error("no such overload: Get");
  }),
  celMethod("List", D, [D, D, D], D, function (this: CelValue, apiVersion, resource, namespace) {
    if (libName(this) === "resource")
      return resourceList(str(apiVersion), str(resource), str(namespace)) as CelValue;
    throw new Error("no such overload: List");
  }),
  ...[1, 2, 3, 4].map((n) =>
    celMethod("Post", D, Array<typeof D>(n).fill(D), D, function (this: CelValue) {
      offline(`${libName(this) ?? "resource"}.Post`);
    }),
  ),
  celMethod("GetMetadata", D, [D], D, function (this: CelValue, ref: CelValue) {
    if (libName(this) !== "image") throw new Error("no such overload: GetMetadata");
    return getImageMetadata(str(ref)) as CelValue;
  }),
  celMethod("GetImageData", D, [D], D, function () {
    offline("image.GetImageData");
  }),
  celFunc("verifyImageSignatures", [D, D], D, () => offline("verifyImageSignatures")),
  celFunc("verifyAttestationSignatures", [D, D, D], D, () => offline("verifyAttestationSignatures")),
  celFunc("time.now", [], D, () => {
    const ms = Date.now();
    return create(TimestampSchema, {
      seconds: BigInt(Math.floor(ms / 1000)),
      nanos: (ms % 1000) * 1e6,
    });
  }),
  // Kyverno's `user.ServiceAccount` object exposes its Go field names.
  celFunc("parseServiceAccount", [CelScalar.STRING], D, (username) => {
    const parts = username.split(":");
    const ok = parts.length === 4 && parts[0] === "system" && parts[1] === "serviceaccount";
    return celMap(
      new Map<string, never>([
        ["Namespace", (ok ? (parts[2] ?? "") : "") as never],
        ["Name", (ok ? (parts[3] ?? "") : "") as never],
      ]),
    );
  }),
  celFunc("image", [CelScalar.STRING], D, (s) => imageValue(s)),
  celFunc("isImage", [CelScalar.STRING], CelScalar.BOOL, (s) => parseImage(s) !== undefined),
  ...(["registry", "repository", "identifier", "tag", "digest"] as const).map((f) =>
    celMethod(f, D, [], D, function (this: CelValue) {
      return imageField(this, f);
    }),
  ),
  celMethod("containsDigest", D, [], D, function (this: CelValue) {
    return imageField(this, "digest") !== "";
  }),
];

const ENV = celEnv({ funcs: FUNCS });

/** Library handles bound as variables (`resource.Get`, `http.Get`, `image.GetMetadata`, …). */
const LIB_BINDINGS: Record<string, CelMap> = {
  resource: lib("resource"),
  http: lib("http"),
  globalContext: lib("globalContext"),
  image: lib("image"),
};

export type CelProgram = (bindings: Record<string, unknown>) => CelValue | Error;

const programs = new Map<string, CelProgram | Error>();

/** Compiles (parses and plans) an expression; throws on a syntax error. Cached. */
export function compileCel(expression: string): CelProgram {
  let hit = programs.get(expression);
  if (hit === undefined) {
    try {
      const fn = plan(ENV, parseCel(expression));
      hit = (bindings) => {
        try {
          return fn({ ...LIB_BINDINGS, ...bindings } as never);
        } catch (e) {
          return e instanceof Error ? e : new Error(String(e));
        }
      };
    } catch (e) {
      hit = e instanceof Error ? e : new Error(String(e));
    }
    programs.set(expression, hit);
  }
  if (hit instanceof Error) throw hit;
  return hit;
}

export function isOfflineError(e: unknown): boolean {
  return e instanceof Error && e.message.includes(OFFLINE_PREFIX);
}

export { fromCel };
