/** Parsing of small value types used in intents: image references and durations. */

import { splitImage } from "../core/image.js";
import type { ImageParts } from "../core/image.js";

/** A parsed image reference; `registry` may carry a path prefix when a platform sets it. */
export type ImageRef = ImageParts;

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Parse `[registry/]path[:tag][@digest]`, or undefined when it is not a valid reference. */
export function parseImage(ref: string): ImageRef | undefined {
  const trimmed = ref.trim();
  if (trimmed === "" || /\s/.test(trimmed)) return undefined;
  const p = splitImage(trimmed);
  if (p.digest !== undefined && !DIGEST.test(p.digest)) return undefined;
  if (p.tag !== undefined && !TAG.test(p.tag)) return undefined;
  const parts = p.repository.split("/");
  if (parts.length === 0 || !parts.every((c) => PATH_COMPONENT.test(c))) return undefined;
  return p;
}

export function formatImage(ref: ImageRef): string {
  return `${ref.registry ? `${ref.registry.replace(/\/+$/, "")}/` : ""}${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** `1h30m` → 5400. Assumes the schema's duration syntax. */
export function durationSeconds(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/(\d+)(ms|s|m|h)/g)) {
    const n = parseInt(m[1] ?? "0", 10);
    const unit = m[2];
    total += unit === "h" ? n * 3600 : unit === "m" ? n * 60 : unit === "s" ? n : n / 1000;
  }
  return Math.ceil(total);
}
