/** Reading `kintent set` arguments into operation fields; a value that cannot be read is a usage error. */
import { UsageError } from "../../core/errors.js";
import type { VerbOptions } from "./operation.js";

/** The fields of an operation with `undefined` values dropped. */
export function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A whole number ≥ 0. */
export function int(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number ≥ 0, got \`${v}\``);
  return n;
}

/** `<name>:<key>` of a Secret or ConfigMap. */
export function ref(v: string, what: string): { name: string; key: string } {
  const i = v.indexOf(":");
  if (i <= 0 || i === v.length - 1) throw new UsageError(`${what} must be <name>:<key>, got \`${v}\``);
  return { name: v.slice(0, i), key: v.slice(i + 1) };
}

/** `:1.5.0` is a tag, anything else an image reference. */
export function imageOrTag(v: string): { image?: string; tag?: string } {
  return v.startsWith(":") ? { tag: v.slice(1) } : { image: v };
}

export function onOff(v: string, what: string): boolean {
  if (/^(on|true|yes)$/i.test(v)) return true;
  if (/^(off|false|no)$/i.test(v)) return false;
  throw new UsageError(`${what} must be on or off, got \`${v}\``);
}

/** The operation's `env` field from `--env`, if given. */
export function envOf(o: VerbOptions): { env?: string } {
  return typeof o.env === "string" ? { env: o.env } : {};
}
