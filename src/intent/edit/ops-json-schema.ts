import * as z from "zod";
import { intentOp } from "./intent-op.js";

/** The op list as JSON Schema (draft 2020-12), for the model's tool / response format. */
export function opsJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(z.array(intentOp), { target: "draft-2020-12" }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}
