/**
 * A local HTTP server that speaks the Anthropic Messages API (`POST /v1/messages`) and the OpenAI Chat
 * Completions API (`POST /v1/chat/completions`) on a random loopback port, replaying scripted answers, so the
 * real SDKs can be tested without a paid API. It records every request byte for byte (redaction tests read
 * them) and checks the structured-output contract each provider must use.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Protocol = "anthropic" | "openai";

/** One scripted reply. */
export type Reply =
  /** A structured answer: an Anthropic tool_use block, or OpenAI message content holding the JSON. */
  | { answer: unknown; usage?: { input: number; output: number } }
  /** Raw text: an Anthropic text block (no tool call), or OpenAI content as is (e.g. JSON in a code fence). */
  | { text: string }
  /** An HTTP error in the provider's error shape. */
  | { status: number; retryAfterMs?: number; message?: string }
  /** Never answer (the client times out). */
  | { hang: true };

export interface CapturedRequest {
  protocol: Protocol;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body, exactly as received. */
  body: string;
  json: Record<string, unknown>;
}

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` (Anthropic base URL); OpenAI's is `${url}/v1`. */
  url: string;
  requests: CapturedRequest[];
  /** Every byte received (headers and bodies). */
  allBytes(): string;
  /** Problems with requests that do not follow the structured-output contract. */
  violations: string[];
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, { anthropic: string; openai: string }> = {
  400: { anthropic: "invalid_request_error", openai: "invalid_request_error" },
  401: { anthropic: "authentication_error", openai: "invalid_api_key" },
  404: { anthropic: "not_found_error", openai: "model_not_found" },
  429: { anthropic: "rate_limit_error", openai: "rate_limit_exceeded" },
  500: { anthropic: "api_error", openai: "server_error" },
  529: { anthropic: "overloaded_error", openai: "server_error" },
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Start a server. `script` is a list of replies, used in order (the last one repeats), or a function of the
 * request and its index.
 */
export async function startScriptedServer(
  script: Reply[] | ((req: CapturedRequest, index: number) => Reply),
): Promise<ScriptedServer> {
  const requests: CapturedRequest[] = [];
  const raw: string[] = [];
  const violations: string[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      raw.push(JSON.stringify(req.headers), body);
      const path = (req.url ?? "").split("?")[0] ?? "";
      const protocol: Protocol | undefined =
        path === "/v1/messages" ? "anthropic" : path === "/v1/chat/completions" ? "openai" : undefined;
      if (req.method !== "POST" || !protocol) {
        send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
        return;
      }
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        send(res, 400, { error: { message: "body is not JSON" } });
        return;
      }
      const captured: CapturedRequest = {
        protocol,
        method: req.method,
        path,
        headers: req.headers,
        body,
        json,
      };
      requests.push(captured);
      checkContract(captured, violations);
      const index = n++;
      const reply =
        typeof script === "function"
          ? script(captured, index)
          : (script[Math.min(index, script.length - 1)] ?? { hang: true });
      respond(res, protocol, json, reply, index);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    allBytes: () => raw.join("\n"),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The structured-output contract: a forced tool (Anthropic) or a json_schema response format (OpenAI). */
function checkContract(req: CapturedRequest, violations: string[]): void {
  const j = req.json;
  if (req.protocol === "anthropic") {
    const tools = j.tools as { name?: string; input_schema?: { type?: string } }[] | undefined;
    const choice = j.tool_choice as { type?: string; name?: string } | undefined;
    if (!tools?.length || tools[0]?.input_schema?.type !== "object")
      violations.push("anthropic: no tool with an object input_schema");
    if (choice?.type !== "tool" || choice.name !== tools?.[0]?.name)
      violations.push("anthropic: tool_choice does not force the tool");
    if (typeof j.max_tokens !== "number") violations.push("anthropic: max_tokens missing");
    if (!req.headers["anthropic-version"]) violations.push("anthropic: anthropic-version header missing");
  } else {
    const rf = j.response_format as
      { type?: string; json_schema?: { name?: string; schema?: { type?: string } } } | undefined;
    if (rf?.type !== "json_schema" || rf.json_schema?.schema?.type !== "object")
      violations.push("openai: response_format is not json_schema with json_schema.schema");
    if (j.temperature !== 0) violations.push("openai: temperature not pinned to 0 (Ollama defaults to 1.0)");
  }
}

function respond(
  res: ServerResponse,
  protocol: Protocol,
  req: Record<string, unknown>,
  reply: Reply,
  index: number,
): void {
  if ("hang" in reply) return; // the client gives up; close() ends the socket
  const model = typeof req.model === "string" ? req.model : "scripted";
  if ("status" in reply) {
    const type = ERROR_TYPES[reply.status] ?? { anthropic: "api_error", openai: "server_error" };
    const message = reply.message ?? `scripted ${reply.status}`;
    const headers: Record<string, string> = {};
    if (reply.retryAfterMs !== undefined) headers["retry-after-ms"] = String(reply.retryAfterMs);
    if (protocol === "anthropic")
      send(
        res,
        reply.status,
        { type: "error", error: { type: type.anthropic, message } },
        { "request-id": `req_${index}`, ...headers },
      );
    else
      send(
        res,
        reply.status,
        { error: { message, type: type.openai, param: null, code: type.openai } },
        headers,
      );
    return;
  }
  const inputTokens =
    "answer" in reply && reply.usage ? reply.usage.input : Math.ceil(JSON.stringify(req).length / 4);
  const content = "answer" in reply ? JSON.stringify(reply.answer) : reply.text;
  const outputTokens = "answer" in reply && reply.usage ? reply.usage.output : Math.ceil(content.length / 4);
  if (protocol === "anthropic") {
    const tools = req.tools as { name: string }[] | undefined;
    send(
      res,
      200,
      {
        id: `msg_${index}`,
        type: "message",
        role: "assistant",
        model,
        content:
          "answer" in reply
            ? [
                {
                  type: "tool_use",
                  id: `toolu_${index}`,
                  name: tools?.[0]?.name ?? "tool",
                  input: reply.answer,
                },
              ]
            : [{ type: "text", text: reply.text }],
        stop_reason: "answer" in reply ? "tool_use" : "end_turn",
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: outputTokens },
      },
      { "request-id": `req_${index}` },
    );
  } else {
    send(res, 200, {
      id: `chatcmpl-${index}`,
      object: "chat.completion",
      created: 1_700_000_000 + index,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: inputTokens,
        completion_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
      },
    });
  }
}

/** Environment for `runCli` pointing a provider at the server. */
export function llmEnv(
  server: ScriptedServer,
  protocol: Protocol,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return protocol === "anthropic"
    ? {
        KINTENT_LLM: `anthropic:claude-test@${server.url}`,
        ANTHROPIC_API_KEY: "test-key-not-secret",
        USER: "tester",
        ...extra,
      }
    : {
        KINTENT_LLM: `openai:gpt-test@${server.url}/v1`,
        OPENAI_API_KEY: "test-key-not-secret",
        USER: "tester",
        ...extra,
      };
}
