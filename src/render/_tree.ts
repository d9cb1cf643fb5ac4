/** Private helpers for the renderings that compare objects across environments. */
import { isDeepStrictEqual } from "node:util";
import { UsageError } from "../core/errors.js";
import { describeObject, objectKey, refOf } from "../core/object.js";
import type { KObject } from "../core/object.js";

export type Plain = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Plain {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

export function allEqual(values: readonly unknown[]): boolean {
  return values.every((v) => isDeepStrictEqual(v, values[0]));
}

/** Keys of several maps, in order of first appearance (first map first). */
export function unionKeys(maps: readonly Plain[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of maps)
    for (const k of Object.keys(m))
      if (!seen.has(k)) {
        seen.add(k);
        out.push(k);
      }
  return out;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Group of an apiVersion (`""` for the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] as string) : "";
}

export function versionOf(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[1] as string) : apiVersion;
}

/**
 * Two objects of one identity in one environment — an extra manifest (`extra/`) with the kind, namespace and
 * name of an object the intent generates, or of another extra. Neither rendering can keep both, nor could a
 * cluster apply both: a usage error.
 */
export class DuplicateObjectError extends UsageError {
  override name = "DuplicateObjectError";
}

/** Throw {@link DuplicateObjectError} when two objects of an environment share an identity. */
export function assertUniqueObjects(objects: readonly KObject[], env: string, rendering: string): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const key = objectKey(o);
    if (seen.has(key))
      throw new DuplicateObjectError(
        `${rendering}: ${env} has two objects ${describeObject(refOf(o))} — an extra manifest must not share its kind, namespace and name with another object`,
      );
    seen.add(key);
  }
}

/** `group|kind|name|namespace`: an object in a given namespace, whatever its API version. */
function placement(o: KObject, namespace: string): string {
  return `${groupOf(o.apiVersion)}|${o.kind}|${o.metadata.name}|${namespace}`;
}

/**
 * Objects whose namespace is written, not the environment's: those that are in another namespace than their
 * environment's somewhere. An object in its environment's namespace is placed there by the environment unless
 * one of these names the same namespace (`namespace: orders` written in an extra manifest, and `orders`
 * happening to be one environment's namespace).
 */
export function writtenNamespaces(
  envs: readonly { namespace: string; objects: readonly KObject[] }[],
): ReadonlySet<string> {
  const out = new Set<string>();
  for (const e of envs)
    for (const o of e.objects) {
      const ns = o.metadata.namespace;
      if (ns !== undefined && ns !== e.namespace) out.add(placement(o, ns));
    }
  return out;
}

/** Whether an object is in its environment's namespace because of the environment (see {@link writtenNamespaces}). */
export function inEnvironmentNamespace(
  o: KObject,
  envNamespace: string,
  written: ReadonlySet<string>,
): boolean {
  const ns = o.metadata.namespace;
  return ns !== undefined && ns === envNamespace && !written.has(placement(o, ns));
}
