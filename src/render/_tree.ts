/** Private helpers for the renderings that compare objects across environments. */
import { isDeepStrictEqual } from "node:util";

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
