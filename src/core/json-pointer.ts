/** RFC 6901 JSON Pointer helpers. */

export function escapeSegment(s: string | number): string {
  const t = String(s);
  // Most segments need no escape; skip the two replaces (hot in checks that walk every key).
  return t.includes("~") || t.includes("/") ? t.replace(/~/g, "~0").replace(/\//g, "~1") : t;
}

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.length === 0 ? "" : "/" + segments.map(escapeSegment).join("/");
}

export function parsePointer(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  if (!pointer.startsWith("/")) throw new Error(`invalid JSON Pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Read the value at a pointer, or undefined when any segment is missing. */
export function getAt(value: unknown, pointer: string): unknown {
  let cur: unknown = value;
  for (const seg of parsePointer(pointer)) {
    if (Array.isArray(cur)) {
      const i = Number(seg);
      if (!Number.isInteger(i)) return undefined;
      cur = cur[i];
    } else if (cur !== null && typeof cur === "object") {
      cur = (cur as Record<string, unknown>)[seg];
    } else {
      return undefined;
    }
  }
  return cur;
}
