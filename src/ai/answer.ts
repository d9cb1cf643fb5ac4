/**
 * The model's answer: the only shape it may reply with (forced tool use / JSON-schema output), and its
 * strict parsing. A model's output is only ever parsed as data — operations and manifests — never run.
 * Pure.
 */
import * as z from "zod";
import { intentOp, parseOps } from "../intent/edit/index.js";
import type { IntentOp, OpError } from "../intent/edit/index.js";
import { containsRedacted } from "../core/redact.js";

/** Name of the tool the model is forced to call (Anthropic) / of the JSON schema (OpenAI-compatible). */
export const TOOL_NAME = "propose_intent_changes";

const extraSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .max(40)
    .describe("File name under extra/ (a DNS label, e.g. `redis`)."),
  why: z.string().min(1).describe("Why these manifests exist, for the reviewer."),
  manifests: z
    .string()
    .min(1)
    .describe(
      "Kubernetes manifests as a YAML stream (documents separated by ---). Only for what the operations cannot express. No Secrets with values, no namespace, no RBAC, no cluster-scoped objects.",
    ),
});

/** What the model must produce; `operations` items follow the op schema. */
export const answerSchema = z.strictObject({
  explanation: z
    .string()
    .describe("For the reviewer: what changes and why, in 1-5 sentences. Plain text, no secrets."),
  app: z
    .string()
    .nullable()
    .optional()
    .describe("The app to change when the directory holds several (or the name of a new app)."),
  operations: z.array(intentOp).describe("Intent operations, applied in order."),
  extra: extraSchema
    .nullable()
    .optional()
    .describe("Extra manifests, only for requests the operations cannot express; otherwise null."),
  refusal: z
    .string()
    .nullable()
    .optional()
    .describe(
      "Set (and leave operations empty) when the request cannot be done safely or is not about this app.",
    ),
});

export type Answer = z.infer<typeof answerSchema>;
export type ExtraAnswer = z.infer<typeof extraSchema>;

/** JSON Schema of the answer for the provider (no `$schema`; objects closed). */
export function answerJsonSchema(): Record<string, unknown> {
  return providerJsonSchema(answerSchema);
}

/** A zod schema as the providers take it: JSON Schema 2020-12, no `$schema`, no ±MAX_SAFE_INTEGER bounds. */
export function providerJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
  delete s.$schema;
  // zod spells "any integer" as ±MAX_SAFE_INTEGER bounds: tokens for nothing.
  return JSON.parse(JSON.stringify(s).replace(/,"(maximum|minimum)":-?9007199254740991/g, "")) as Record<
    string,
    unknown
  >;
}

export interface ParsedAnswer {
  explanation: string;
  app?: string;
  ops: IntentOp[];
  extra?: ExtraAnswer;
  refusal?: string;
  /** Problems to feed back to the model (empty when the answer is well-formed). */
  problems: string[];
}

/**
 * Parse a raw answer: a tool input object, or the text of a JSON-schema response (a JSON object, possibly in
 * a code fence or with prose around it). Every problem is named, per operation.
 */
export function parseAnswer(raw: unknown): ParsedAnswer {
  const problems: string[] = [];
  let value = raw;
  if (typeof raw === "string") {
    const json = extractJson(raw);
    if (json.error !== undefined) return { explanation: "", ops: [], problems: [json.error] };
    value = json.value;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { explanation: "", ops: [], problems: ["the answer must be a JSON object"] };
  const v = value as Record<string, unknown>;
  const known = new Set(Object.keys(answerSchema.shape));
  const unknown = Object.keys(v).filter((k) => !known.has(k));
  if (unknown.length > 0) problems.push(`unknown field(s) in the answer: ${unknown.join(", ")}`);
  const explanation = typeof v.explanation === "string" ? v.explanation : "";
  if (typeof v.explanation !== "string") problems.push("`explanation` must be a string");
  const refusal = typeof v.refusal === "string" && v.refusal.trim() !== "" ? v.refusal : undefined;
  const app = typeof v.app === "string" && v.app !== "" ? v.app : undefined;
  const parsedOps = v.operations === undefined ? { ops: [], errors: [] } : parseOps(v.operations);
  problems.push(...parsedOps.errors.map(opProblem));
  let extra: ExtraAnswer | undefined;
  if (v.extra !== undefined && v.extra !== null) {
    const r = extraSchema.safeParse(v.extra);
    if (r.success) extra = r.data;
    else
      problems.push(
        `extra: ${r.error.issues.map((i) => `${i.path.join(".") || "(extra)"}: ${i.message}`).join("; ")}`,
      );
  }
  if (containsRedacted({ ops: v.operations, extra: v.extra }))
    problems.push(
      "the answer contains a [REDACTED:…] placeholder: secret values are never written; reference an existing Secret instead",
    );
  return {
    explanation,
    ops: parsedOps.ops,
    problems,
    ...(app ? { app } : {}),
    ...(extra ? { extra } : {}),
    ...(refusal ? { refusal } : {}),
  };
}

export function opProblem(e: OpError): string {
  return e.index >= 0 ? `operation ${e.index + 1}${e.op ? ` (${e.op})` : ""}: ${e.message}` : e.message;
}

/** The JSON object in a text answer: the whole text, a fenced block, or the outermost `{…}`. */
export function extractJson(text: string): { value?: unknown; error?: string } {
  const tryParse = (s: string): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(s) as unknown };
    } catch {
      return { ok: false };
    }
  };
  const whole = tryParse(text.trim());
  if (whole.ok) return { value: whole.value };
  const fence = /```(?:json)?\s*\n([\s\S]*?)\n\s*```/.exec(text);
  if (fence?.[1] !== undefined) {
    const r = tryParse(fence[1]);
    if (r.ok) return { value: r.value };
  }
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start >= 0 && end > start) {
    const r = tryParse(text.slice(start, end + 1));
    if (r.ok) return { value: r.value };
  }
  return { error: "the answer is not valid JSON (expected one object matching the schema)" };
}
