/**
 * LLM providers behind one small interface: Anthropic Messages with a forced tool call, and any
 * OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, vLLM, llama.cpp) with a JSON-schema response
 * format. Configured by `KINTENT_LLM=anthropic:<model>[@<baseURL>]` or `openai:<model>[@<baseURL>]`.
 * Timeouts and retries (429, 408/409, 5xx, connection errors; exponential backoff honouring retry-after)
 * are the SDKs', configured here. Errors become one `LlmError` with a kind and a message that never holds
 * the key. The SDKs are imported lazily: nothing else in kintent pays for them.
 */
import { ToolError } from "../core/errors.js";
import type { ApiKeySource } from "./provider-config.js";

export { parseLlmSpec, resolveProviderConfig } from "./provider-config.js";
export type { LlmSpec, ProviderConfig } from "./provider-config.js";
import type { ProviderConfig } from "./provider-config.js";

/** One turn of the conversation, provider-neutral. */
export type Turn =
  | { role: "user"; text: string }
  /** The model's previous answer (kept as it was, so the repair round sees its own output). */
  | { role: "assistant"; answer: unknown; raw: string; toolUseId?: string }
  /** Validation feedback on the previous answer (a tool_result for Anthropic, a user message otherwise). */
  | { role: "feedback"; text: string; toolUseId?: string };

export interface CompletionRequest {
  system: string;
  turns: Turn[];
  /** Name of the forced tool / JSON schema. */
  toolName: string;
  toolDescription: string;
  /** JSON Schema of the answer object. */
  schema: Record<string, unknown>;
}

export interface Usage {
  input: number;
  output: number;
  /** True when the server did not report usage and the counts are estimates (4 characters per token). */
  estimated?: boolean;
}

export interface Completion {
  /** The answer: a tool input object (Anthropic) or the response text (OpenAI-compatible), unparsed. */
  output: unknown;
  /** The answer as text, for the conversation history. */
  raw: string;
  toolUseId?: string;
  usage: Usage;
  /** The model that answered, as the server reports it. */
  model: string;
}

export interface Provider {
  readonly kind: "anthropic" | "openai";
  readonly model: string;
  /** `anthropic:claude-sonnet-5-5` — for the audit log, the lockfile and `Proposed-By`. */
  readonly id: string;
  complete(request: CompletionRequest): Promise<Completion>;
}

export type LlmErrorKind =
  | "config"
  | "auth"
  | "rate-limit"
  | "server"
  | "timeout"
  | "connection"
  | "bad-request"
  | "not-found"
  | "bad-answer";

/** A provider failure (a tool failure: exit 2), with a message safe to print. */
export class LlmError extends ToolError {
  override name = "LlmError";
  constructor(
    readonly reason: LlmErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Rough token count for text when a server reports none: 4 characters per token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function keyHint(source: ApiKeySource): string {
  return source === "none" ? "no key was configured" : `check ${source}`;
}

/** Map an SDK error (either SDK: same shapes) to an LlmError without echoing anything secret. */
export function toLlmError(e: unknown, config: ProviderConfig): LlmError {
  if (e instanceof LlmError) return e;
  const err = e as { status?: unknown; name?: unknown; message?: unknown; constructor?: { name?: string } };
  const cls = err.constructor?.name ?? (typeof err.name === "string" ? err.name : "");
  const status = typeof err.status === "number" ? err.status : undefined;
  // A base URL from ANTHROPIC_BASE_URL / OPENAI_BASE_URL may be a gateway the user forgot is configured: say so.
  const from = config.baseURLSource.endsWith("_BASE_URL") ? ` (${config.baseURLSource})` : "";
  const where = `${config.kind} at ${config.baseURL}${from}`;
  const retries = `after ${config.maxRetries} retr${config.maxRetries === 1 ? "y" : "ies"}`;
  if (cls.includes("Timeout"))
    return new LlmError("timeout", `${where} did not answer within ${config.timeoutMs / 1000}s (${retries})`);
  if (status === undefined && cls.includes("Connection"))
    return new LlmError("connection", `cannot reach ${where} (${retries})`);
  if (status === 401 || status === 403)
    return new LlmError(
      "auth",
      `${where} rejected the API key (HTTP ${status}): ${keyHint(config.keySource)}`,
    );
  if (status === 429)
    return new LlmError("rate-limit", `${where} is rate limiting (HTTP 429) ${retries}; try again later`);
  if (status === 404)
    return new LlmError("not-found", `${where} does not know model \`${config.model}\` (HTTP 404)`);
  if (status !== undefined && status >= 500)
    return new LlmError("server", `${where} failed (HTTP ${status}) ${retries}`);
  if (status !== undefined) {
    const detail = typeof err.message === "string" ? err.message.replace(/\s+/g, " ").slice(0, 200) : "";
    return new LlmError(
      "bad-request",
      `${where} refused the request (HTTP ${status})${detail ? `: ${detail}` : ""}`,
    );
  }
  const message = typeof err.message === "string" ? err.message : String(e);
  return new LlmError("connection", `${where}: ${message.slice(0, 200)}`);
}

/** A provider for a resolved configuration (SDK loaded on first use). */
export function createProvider(config: ProviderConfig): Provider {
  return config.kind === "anthropic" ? anthropicProvider(config) : openaiProvider(config);
}

function anthropicProvider(config: ProviderConfig): Provider {
  return {
    kind: "anthropic",
    model: config.model,
    id: `anthropic:${config.model}`,
    async complete(req) {
      const { default: Anthropic } = await import("@anthropic-ai/sdk");
      const client = new Anthropic({
        apiKey: config.apiKey,
        baseURL: config.baseURL,
        timeout: config.timeoutMs,
        maxRetries: config.maxRetries,
      });
      const messages = req.turns.map((t) => {
        if (t.role === "user") return { role: "user" as const, content: t.text };
        if (t.role === "assistant")
          return {
            role: "assistant" as const,
            content: t.toolUseId
              ? [
                  {
                    type: "tool_use" as const,
                    id: t.toolUseId,
                    name: req.toolName,
                    input: (t.answer ?? {}) as Record<string, unknown>,
                  },
                ]
              : t.raw || "(no answer)",
          };
        return {
          role: "user" as const,
          content: t.toolUseId
            ? [{ type: "tool_result" as const, tool_use_id: t.toolUseId, is_error: true, content: t.text }]
            : t.text,
        };
      });
      let r;
      try {
        r = await client.messages.create({
          model: config.model,
          max_tokens: config.maxTokens,
          system: req.system,
          messages,
          tools: [
            {
              name: req.toolName,
              description: req.toolDescription,
              input_schema: req.schema as { type: "object"; [k: string]: unknown },
              // The schema and system prompt are the same on every call: cache them (repairs, evals).
              cache_control: { type: "ephemeral" },
            },
          ],
          tool_choice: { type: "tool", name: req.toolName, disable_parallel_tool_use: true },
        });
      } catch (e) {
        throw toLlmError(e, config);
      }
      if (r.stop_reason === "max_tokens")
        throw new LlmError(
          "bad-answer",
          `the answer was cut off at ${config.maxTokens} tokens (raise KINTENT_LLM_MAX_TOKENS)`,
        );
      const block = r.content.find((b) => b.type === "tool_use");
      const usage: Usage = {
        input:
          r.usage.input_tokens +
          (r.usage.cache_read_input_tokens ?? 0) +
          (r.usage.cache_creation_input_tokens ?? 0),
        output: r.usage.output_tokens,
      };
      if (!block || block.type !== "tool_use" || block.name !== req.toolName) {
        const text = r.content.map((b) => (b.type === "text" ? b.text : "")).join("");
        return { output: text, raw: text, usage, model: r.model };
      }
      return {
        output: block.input,
        raw: JSON.stringify(block.input),
        toolUseId: block.id,
        usage,
        model: r.model,
      };
    },
  };
}

function openaiProvider(config: ProviderConfig): Provider {
  return {
    kind: "openai",
    model: config.model,
    id: `openai:${config.model}`,
    async complete(req) {
      const { default: OpenAI } = await import("openai");
      const client = new OpenAI({
        apiKey: config.apiKey,
        baseURL: config.baseURL,
        timeout: config.timeoutMs,
        maxRetries: config.maxRetries,
        organization: null,
        project: null,
      });
      const messages = [
        { role: "system" as const, content: req.system },
        ...req.turns.map((t) =>
          t.role === "assistant"
            ? { role: "assistant" as const, content: t.raw }
            : { role: "user" as const, content: t.text },
        ),
      ];
      let r;
      try {
        r = await client.chat.completions.create({
          model: config.model,
          messages,
          max_tokens: config.maxTokens,
          // Ollama defaults an unset temperature to 1.0.
          temperature: 0,
          // The standard form: OpenAI, vLLM, Ollama and llama.cpp all read json_schema.schema
          // (llama.cpp ignores a top-level `schema` on json_schema, so only this form is sent).
          response_format: {
            type: "json_schema",
            json_schema: {
              name: req.toolName,
              description: req.toolDescription,
              schema: req.schema,
              strict: false,
            },
          },
        });
      } catch (e) {
        throw toLlmError(e, config);
      }
      const choice = r.choices[0];
      if (!choice) throw new LlmError("bad-answer", `${config.kind} returned no choices`);
      if (choice.finish_reason === "length")
        throw new LlmError(
          "bad-answer",
          `the answer was cut off at ${config.maxTokens} tokens (raise KINTENT_LLM_MAX_TOKENS)`,
        );
      const message = choice.message as { content?: string | null; refusal?: string | null };
      if (message.refusal)
        throw new LlmError("bad-answer", `the model refused: ${message.refusal.slice(0, 200)}`);
      const text = message.content ?? "";
      const reported = r.usage;
      const usage: Usage =
        reported && reported.prompt_tokens > 0
          ? { input: reported.prompt_tokens, output: reported.completion_tokens }
          : {
              input: estimateTokens(req.system + messages.map((m) => m.content).join("")),
              output: reported?.completion_tokens || estimateTokens(text),
              estimated: true,
            };
      return { output: text, raw: text, usage, model: r.model || config.model };
    },
  };
}
