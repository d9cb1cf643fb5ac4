/**
 * `kintent mcp` over stdio: the client launches the server and speaks JSON-RPC on its stdin/stdout (both
 * protocol eras, the SDK's `serveStdio`). stdout is the protocol; diagnostics go to stderr only.
 * Effects: reading stdin, writing stdout.
 */
import type { Readable, Writable } from "node:stream";
import { serveStdio, StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { McpServerOptions } from "./options.js";
import { MAX_REQUEST_BYTES } from "./http.js";
import { buildServer } from "./server.js";

/** Serve until stdin ends (the client closed the connection). */
export async function serveStdioUntilClosed(
  options: McpServerOptions,
  stdin: Readable,
  stdout: Writable,
): Promise<void> {
  const closed = new Promise<void>((resolveClosed) => {
    stdin.once("end", () => resolveClosed());
    stdin.once("close", () => resolveClosed());
  });
  const handle = serveStdio(() => buildServer(options), {
    transport: new StdioServerTransport(stdin, stdout, { maxBufferSize: MAX_REQUEST_BYTES }),
    onerror: (e) => options.log?.(`mcp: ${e.message}`),
  });
  await closed;
  await handle.close();
}
