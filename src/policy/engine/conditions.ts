/** Preconditions and deny conditions (Kyverno pkg/engine/variables/evaluate.go): `any`/`all` blocks or a list. */
import { isObject } from "../json.js";
import type { JsonContext } from "./context.js";
import { operatorFor } from "./operators.js";
import { substituteAllInPreconditions } from "./variables.js";

export class ConditionError extends Error {
  override name = "ConditionError";
}

export interface ConditionsResult {
  passed: boolean;
  message: string;
}

function joinNonEmpty(parts: string[], sep: string): string {
  return parts.filter((p) => p !== "").join(sep);
}

function evaluateCondition(ctx: JsonContext, condition: unknown): { value: boolean; message: string } {
  const c = isObject(condition) ? condition : {};
  let key: unknown;
  let value: unknown;
  try {
    key = substituteAllInPreconditions(ctx, c.key ?? null);
  } catch (e) {
    throw new ConditionError(`failed to substitute variables in condition key: ${(e as Error).message}`);
  }
  try {
    value = substituteAllInPreconditions(ctx, c.value ?? null);
  } catch (e) {
    throw new ConditionError(`failed to substitute variables in condition value: ${(e as Error).message}`);
  }
  const op = operatorFor(typeof c.operator === "string" ? c.operator : "");
  if (!op) throw new ConditionError("failed to create handler for condition operator: <nil>");
  return { value: op(key, value), message: typeof c.message === "string" ? c.message : "" };
}

function evaluateAnyAll(ctx: JsonContext, block: Record<string, unknown>): ConditionsResult {
  const anyConds = Array.isArray(block.any) ? block.any : undefined;
  const allConds = Array.isArray(block.all) ? block.all : [];
  let anyResult = true;
  let allResult = true;
  const falseMsgs: string[] = [];
  const trueMsgs: string[] = [];
  if (anyConds) {
    anyResult = false;
    for (const c of anyConds) {
      const r = evaluateCondition(ctx, c);
      if (r.value) {
        anyResult = true;
        trueMsgs.push(r.message);
        break;
      }
      falseMsgs.push(r.message);
    }
  }
  for (const c of allConds) {
    const r = evaluateCondition(ctx, c);
    if (!r.value) {
      allResult = false;
      falseMsgs.push(r.message);
      break;
    }
    trueMsgs.push(r.message);
  }
  const passed = anyResult && allResult;
  return { passed, message: joinNonEmpty(passed ? trueMsgs : falseMsgs, "; ") };
}

/**
 * Evaluates a `preconditions` or `deny.conditions` value. Absent conditions pass. Throws ConditionError when a
 * variable cannot be resolved or an operator is unknown (Kyverno reports the rule as an error then).
 */
export function evaluateConditions(ctx: JsonContext, conditions: unknown): ConditionsResult {
  if (conditions === undefined || conditions === null) return { passed: true, message: "" };
  if (Array.isArray(conditions)) {
    const trueMsgs: string[] = [];
    for (const c of conditions) {
      const r = evaluateCondition(ctx, c);
      if (!r.value) return { passed: false, message: r.message };
      trueMsgs.push(r.message);
    }
    return { passed: true, message: joinNonEmpty(trueMsgs, ";") };
  }
  if (isObject(conditions)) return evaluateAnyAll(ctx, conditions);
  throw new ConditionError("invalid condition");
}
