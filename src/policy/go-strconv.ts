/** Go `strconv.ParseFloat(s, 64)`: undefined when Go returns an error. */
export function goParseFloat(s: string): number | undefined {
  if (/^[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(s)) {
    return Number(s.replaceAll("_", ""));
  }
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  return undefined;
}

/** Go `strconv.ParseInt(s, 10, 64)`. */
export function goParseInt(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}
