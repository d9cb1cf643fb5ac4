import type { IntentOp } from "./intent-op.js";

/** One line describing an operation, for diffs, PR bodies and the audit log. */
export function describeOp(op: IntentOp): string {
  const where = "env" in op && op.env ? ` (${op.env})` : "";
  const { op: name, ...rest } = op;
  const args = Object.entries(rest)
    .filter(([k, v]) => k !== "env" && v !== undefined)
    .map(
      ([k, v]) =>
        `${k}=${typeof v === "string" ? v.split("\n")[0] + (v.includes("\n") ? "…" : "") : JSON.stringify(v)}`,
    )
    .join(" ");
  return `${name}${args ? ` ${args}` : ""}${where}`;
}
