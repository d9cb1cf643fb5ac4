/** Pattern anchors (Kyverno pkg/engine/anchor): `(k)`, `=(k)`, `X(k)`, `^(k)`, `<(k)`, `+(k)`. */

export type AnchorType = "" | "<" | "X" | "+" | "=" | "^";

export interface Anchor {
  type: AnchorType;
  key: string;
}

const ANCHOR_RE = /^([+<=X^])?\((.+)\)$/;

export function parseAnchor(str: string): Anchor | undefined {
  const m = ANCHOR_RE.exec(str.trim());
  if (!m) return undefined;
  const key = m[2] ?? "";
  if (key === "") return undefined;
  return { type: (m[1] ?? "") as AnchorType, key };
}

export function anchorString(type: AnchorType, key: string): string {
  return key === "" ? "" : `${type}(${key})`;
}

export const isCondition = (a: Anchor | undefined): boolean => a?.type === "";
export const isGlobal = (a: Anchor | undefined): boolean => a?.type === "<";
export const isNegation = (a: Anchor | undefined): boolean => a?.type === "X";
export const isEquality = (a: Anchor | undefined): boolean => a?.type === "=";
export const isExistence = (a: Anchor | undefined): boolean => a?.type === "^";
export const isAddIfNotPresent = (a: Anchor | undefined): boolean => a?.type === "+";
