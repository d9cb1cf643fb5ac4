/** The IntentOp union and its names, derived from the registry (one entry per operation). */
import * as z from "zod";
import type { OpDefinition } from "./operation.js";
import { OPERATIONS } from "./registry.js";

type SchemasOf<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: T[K] extends OpDefinition<infer S> ? S : never;
};

/** Each operation's schema, in registry order. */
export const opSchemas = OPERATIONS.map((d) => d.schema) as SchemasOf<typeof OPERATIONS>;

/** One operation: a union discriminated on `op`. */
export const intentOp = z.discriminatedUnion("op", opSchemas);
export type IntentOp = z.infer<typeof intentOp>;
export type OpName = IntentOp["op"];
export const OP_NAMES: OpName[] = opSchemas.map((s) => s.shape.op.value);

const BY_NAME: ReadonlyMap<string, OpDefinition> = new Map(
  OPERATIONS.map((d): [string, OpDefinition] => [d.schema.shape.op.value, d]),
);

/** The registry entry of an operation. */
export function operationNamed(name: OpName): OpDefinition {
  const definition = BY_NAME.get(name);
  if (!definition) throw new Error(`no operation ${name} in the registry`);
  return definition;
}
