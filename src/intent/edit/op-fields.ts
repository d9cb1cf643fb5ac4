/** Fields several operations share, each described once for the model. */
import * as z from "zod";
import { quantity } from "../schema.js";

export const envTarget = z
  .string()
  .min(1)
  .optional()
  .describe("Only this environment (spec.environments.<env>); omit for all.");

export const imageRef = z
  .string()
  .min(1)
  .describe("Image reference with a tag or digest, e.g. ghcr.io/acme/shop:1.5.0.");

export const imageTag = z.string().min(1).describe("Only the tag: keeps the current repository, e.g. 1.5.0.");

export const canaryStep = z
  .union([z.number().int().min(0).max(100), z.string()])
  .describe("A weight (`20%`), a duration (`2m`) or `pause` (wait for a human).");

export const cpuMemory = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });

export const reason = z
  .string()
  .min(1)
  .optional()
  .describe("Why (recorded under spec.why.<key>); write the user's reason, never a secret.");
