/**
 * Driving `kintent mcp` with the SDK's own client: over stdio (the real `bin/kintent.js mcp` as a child
 * process, the built dist/) and over Streamable HTTP (the real server on a loopback port), in either protocol
 * era — 2025-11-25 (initialize handshake) or 2026-07-28 (server/discover, per-request _meta). The HTTP client's
 * fetch is wrapped so tests see every byte the server sent.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { startHttpServer } from "../../src/mcp/index.js";
import type { HttpServeOptions, McpServerOptions, RunningHttpServer } from "../../src/mcp/index.js";
import { EXAMPLES } from "../helpers.js";
import { ensureDist, KINTENT_BIN } from "../cmp/sidecar.js";

export type Era = "legacy" | "modern";

/** The structured and text content of a tool result, typed loosely for assertions. */
export interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

export interface Connected {
  client: Client;
  /** Every response body the server sent (HTTP), or every message it sent (stdio). */
  wire: string[];
  /** Resolves once every response body read so far is complete in `wire`. */
  settled(): Promise<void>;
  /** What the server wrote to stderr (stdio) or logged (HTTP). */
  stderr: () => string;
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

function clientFor(era: Era): Client {
  return new Client(
    { name: "kintent-tests", version: "1.0.0" },
    era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
}

function withCall(
  client: Client,
  wire: string[],
  stderr: () => string,
  close: () => Promise<void>,
  pending: Promise<unknown>[] = [],
): Connected {
  return {
    client,
    wire,
    async settled() {
      await Promise.allSettled(pending);
    },
    stderr,
    async call(name, args = {}) {
      return (await client.callTool({ name, arguments: args })) as unknown as ToolResult;
    },
    close,
  };
}

/** A temporary root holding copies of examples (tools may write there with --allow-write). */
export function exampleRoot(names: readonly string[], prefix = "kintent-mcp-"): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const n of names) cpSync(join(EXAMPLES, n), join(root, n), { recursive: true });
  return root;
}

export function removeRoot(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** The real HTTP server in this process, on a free loopback port. */
export async function startHttp(
  options: Omit<McpServerOptions, "log"> & { log?: (line: string) => void },
  http: Partial<HttpServeOptions> = {},
): Promise<{ server: RunningHttpServer; logs: string[] }> {
  const logs: string[] = [];
  const server = await startHttpServer(
    {
      ...options,
      log: (line) => {
        logs.push(line);
        options.log?.(line);
      },
    },
    { port: 0, ...http },
  );
  return { server, logs };
}

/** An SDK client connected over Streamable HTTP; `headers` go on every request (a bearer token). */
export async function connectHttp(
  url: string,
  era: Era,
  options: { headers?: Record<string, string>; logs?: string[] } = {},
): Promise<Connected> {
  const wire: string[] = [];
  const pending: Promise<unknown>[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    ...(options.headers ? { requestInit: { headers: options.headers } } : {}),
    // A tee of every response body: the client still streams (progress, cancellation), the test keeps a copy.
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (!response.body) return response;
      const [copy, theirs] = response.body.tee();
      const slot = wire.push("") - 1;
      pending.push(
        new Response(copy).text().then(
          (text) => (wire[slot] = text),
          () => undefined,
        ),
      );
      return new Response(theirs, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    },
  });
  const client = clientFor(era);
  await client.connect(transport);
  return withCall(
    client,
    wire,
    () => (options.logs ?? []).join("\n"),
    () => client.close(),
    pending,
  );
}

/** `kintent mcp <args>` as a child process (the built bin), an SDK client on its stdin/stdout. */
export async function connectStdio(
  args: readonly string[],
  era: Era,
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Connected> {
  await ensureDist();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [KINTENT_BIN, "mcp", ...args],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...options.env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const wire: string[] = [];
  const client = clientFor(era);
  await client.connect(transport);
  // The transport parses stdout itself; record what it delivered, as JSON, for the byte-level checks.
  const onmessage = transport.onmessage;
  transport.onmessage = (message) => {
    wire.push(JSON.stringify(message));
    onmessage?.(message);
  };
  return withCall(
    client,
    wire,
    () => stderr,
    () => client.close(),
  );
}

/** The structured content of a successful tool result (fails the test on an error result). */
export function structured(r: ToolResult): Record<string, unknown> {
  if (r.isError) throw new Error(`tool failed: ${r.content.map((c) => c.text).join("\n")}`);
  if (!r.structuredContent) throw new Error("no structured content");
  return r.structuredContent;
}

export function textOf(r: ToolResult): string {
  return r.content.map((c) => c.text ?? "").join("\n");
}
