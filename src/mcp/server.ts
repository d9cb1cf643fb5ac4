/**
 * The MCP server over the engine: one factory builds a server instance with the tools, resources and prompts
 * for a configuration; the transports (stdio.ts, http.ts) call it per connection or per request. Every tool
 * answer goes through one path here: the tool runs, its output is redacted string by string with the one
 * Redactor, rendered as structured content plus a short text, and measured — nothing over
 * {@link MAX_ANSWER_BYTES} leaves. Failures the caller can act on come back as `isError` results; bugs too,
 * with the details on stderr only.
 */
import { CLIENT_INFO_META_KEY, McpServer } from "@modelcontextprotocol/server";
import type { CallToolResult, ServerContext } from "@modelcontextprotocol/server";
import { InvalidInputError, isKintentError } from "../core/errors.js";
import { Redactor } from "../core/redact.js";
import { VERSION } from "../core/version.js";
import { TOKEN_ENV_VARS } from "../gitops/remote.js";
import {
  clip,
  findingLine,
  MAX_ANSWER_BYTES,
  MAX_TEXT_BYTES,
  redactStrings,
  toMcpFinding,
} from "./answer.js";
import type { McpServerOptions } from "./options.js";
import { registerPrompts } from "./prompts.js";
import { registerResources } from "./resources.js";
import { CancelledError } from "./tool.js";
import type { ToolContext, ToolSpec } from "./tool.js";
import { TOOLS } from "./tools/index.js";

/** Environment variables whose values are secrets the answers must never carry. */
const SECRET_ENV = [
  ...TOKEN_ENV_VARS,
  "KINTENT_MCP_TOKEN",
  "KINTENT_LLM_API_KEY",
  "ANTHROPIC_API_KEY",
  "OPENAI_API_KEY",
];

const INSTRUCTIONS = `kintent turns short intent files (kintent.yaml apps, platform.yaml) into validated Kubernetes manifests, and delivers every change as a Git pull request a person merges — never by writing to a cluster.
Start with describe_project. Inspect with build (objects, YAML on request), explain (the runbook), validate (any manifests) and policy_test.
To change what runs, change the intent: translate the request into intent operations yourself (the operations schema is in change_intent's input and the kintent://schema/operations resource), preview them with change_intent, show the user the diffs and findings, then deliver with propose.
Answers are paginated: pass nextCursor back to continue. Secret values are redacted.`;

const CLUSTER_INSTRUCTIONS = `
After a merge: status compares what the intent deploys with what is live; diagnose reads the cluster (read-only) and names each failure with its evidence, traced to the intent line with the fix as operations — pass them to propose. Canaries step through Git: rollout_status says where one stands and what a step would do now; rollout_step evaluates the gate and delivers one step; rollout_abort / rollout_promote deliver a person's decision.`;

/** The tools this configuration offers, in order (write tools dropped by `readOnly`). */
export function toolsFor(options: McpServerOptions): ToolSpec[] {
  return TOOLS.flatMap((make) => {
    const spec = make(options);
    return spec && !(options.readOnly === true && spec.writes) ? [spec] : [];
  });
}

/** A redactor for one answer: the built-in rules, the configured patterns, the secrets the server holds. */
export function answerRedactor(options: McpServerOptions): Redactor {
  return new Redactor({
    patterns: options.redact?.patterns ?? [],
    known: [...SECRET_ENV.map((k) => options.env[k]), ...(options.redact?.known ?? [])],
  });
}

function clientOf(server: McpServer, ctx: ServerContext): string | undefined {
  const fromEnvelope = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[
    CLIENT_INFO_META_KEY
  ] as { name?: unknown; version?: unknown } | undefined;
  const info = fromEnvelope ?? server.server.getClientVersion();
  if (!info || typeof info.name !== "string") return undefined;
  const name = info.name.replace(/[^\w .@/:+-]/g, "").slice(0, 80);
  const version = typeof info.version === "string" ? info.version.replace(/[^\w.+-]/g, "").slice(0, 40) : "";
  return `${name}${version ? ` ${version}` : ""}`;
}

/** The answer to a tool call: redacted, rendered, and never over the size bound. */
export function finishAnswer(output: unknown, text: string, redactor: Redactor): CallToolResult {
  const structuredContent = redactStrings(output, redactor) as Record<string, unknown>;
  let result: CallToolResult = {
    content: [{ type: "text", text: clip(redactor.text(text), MAX_TEXT_BYTES) }],
    structuredContent,
  };
  if (Buffer.byteLength(JSON.stringify(result)) > MAX_ANSWER_BYTES)
    result = {
      ...result,
      content: [{ type: "text", text: "(the text rendering is left out: see the structured content)" }],
    };
  const size = Buffer.byteLength(JSON.stringify(result));
  if (size > MAX_ANSWER_BYTES)
    return failure(
      `the answer would be ${size} bytes, over this server's limit of ${MAX_ANSWER_BYTES}: ask for less (a filter, an environment, a smaller page)`,
    );
  return result;
}

function failure(text: string): CallToolResult {
  return { content: [{ type: "text", text: clip(text, MAX_TEXT_BYTES) }], isError: true };
}

/** A failed call as the model sees it: what went wrong and what to do, redacted; bugs without internals. */
function errorAnswer(
  e: unknown,
  tool: string,
  options: McpServerOptions,
  redactor: Redactor,
): CallToolResult {
  if (e instanceof CancelledError) {
    options.log?.(`${tool}: cancelled by the client`);
    return failure("cancelled");
  }
  if (e instanceof InvalidInputError)
    return failure(
      redactor.text(
        [e.message, ...e.findings.slice(0, 20).map((f) => findingLine(toMcpFinding(f)))]
          .filter(Boolean)
          .join("\n"),
      ),
    );
  if (isKintentError(e)) return failure(redactor.text(e.message));
  const err = e instanceof Error ? e : new Error(String(e));
  options.log?.(redactor.text(`internal error in ${tool}: ${err.stack ?? err.message}`));
  return failure(redactor.text(`internal error in ${tool}: ${err.message}`));
}

function registerTool(server: McpServer, spec: ToolSpec, options: McpServerOptions): void {
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: spec.description,
      inputSchema: spec.input,
      outputSchema: spec.output,
      annotations: { title: spec.title, ...spec.annotations },
    },
    async (args: unknown, ctx: ServerContext): Promise<CallToolResult> => {
      const redactor = answerRedactor(options);
      const token = ctx.mcpReq._meta?.progressToken;
      let step = 0;
      const context: ToolContext = {
        options,
        redactor,
        signal: ctx.mcpReq.signal,
        async progress(message, total) {
          if (token === undefined || ctx.mcpReq.signal.aborted) return;
          step++;
          try {
            await ctx.mcpReq.notify({
              method: "notifications/progress",
              params: {
                progressToken: token,
                progress: step,
                ...(total !== undefined && total >= step ? { total } : {}),
                message: clip(redactor.text(message), 500),
              },
            });
          } catch {
            // A client that went away: the signal says so at the next checkpoint.
          }
        },
      };
      const client = clientOf(server, ctx);
      if (client !== undefined) context.client = client;
      try {
        const answer = await spec.run(args as never, context);
        return finishAnswer(answer.output, answer.text, redactor);
      } catch (e) {
        return errorAnswer(e, spec.name, options, redactor);
      }
    },
  );
}

/** A server instance for `options`: the factory every transport calls. */
export function buildServer(options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: "kintent", version: VERSION, title: "kintent" },
    { instructions: options.cluster !== undefined ? INSTRUCTIONS + CLUSTER_INSTRUCTIONS : INSTRUCTIONS },
  );
  for (const spec of toolsFor(options)) registerTool(server, spec, options);
  registerResources(server, options, () => answerRedactor(options));
  registerPrompts(server, options, () => answerRedactor(options));
  return server;
}
