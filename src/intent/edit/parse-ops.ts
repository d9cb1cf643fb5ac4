/** Reading a list of operations (from JSON, YAML or a model), with an error per bad item. */
import { intentOp, OP_NAMES } from "./intent-op.js";
import type { IntentOp } from "./intent-op.js";

export interface OpError {
  /** Index of the operation in the list, or -1 for the result as a whole. */
  index: number;
  op?: string;
  message: string;
}

/** Parse a list of operations (from JSON, YAML or a model), with an error per bad item. */
export function parseOps(value: unknown): { ops: IntentOp[]; errors: OpError[] } {
  if (!Array.isArray(value))
    return { ops: [], errors: [{ index: -1, message: "operations must be a list" }] };
  const ops: IntentOp[] = [];
  const errors: OpError[] = [];
  value.forEach((item, index) => {
    const r = intentOp.safeParse(item);
    if (r.success) {
      ops.push(r.data);
      return;
    }
    const name = typeof item === "object" && item !== null ? (item as { op?: unknown }).op : undefined;
    const op = typeof name === "string" ? name : undefined;
    const messages = r.error.issues.map((i) => {
      if (i.code === "invalid_union" && i.path.length === 1 && i.path[0] === "op")
        return `unknown operation \`${String(op)}\` (known: ${OP_NAMES.join(", ")})`;
      if (i.code === "unrecognized_keys")
        return `unknown field(s) ${i.keys.map((k) => `\`${k}\``).join(", ")} for operation \`${String(op)}\``;
      return `${i.path.join(".") || "(operation)"}: ${i.message}`;
    });
    errors.push({ index, ...(op ? { op } : {}), message: [...new Set(messages)].join("; ") });
  });
  return { ops, errors };
}
