/**
 * `kintent mcp --port N`: Streamable HTTP on `/mcp`, both protocol eras from one handler (the SDK's
 * `createMcpHandler`: a fresh server instance per request, no sessions). In front of it, in this order:
 *
 * - the path (`/mcp` only);
 * - `Host` (on a loopback bind, only loopback names: a page that rebinds its own DNS name to 127.0.0.1 is
 *   refused — DNS-rebinding protection), and `--allow-host` names;
 * - `Origin` (browsers send it; only loopback origins on a loopback bind and `--allow-origin` names; a request
 *   without one — every non-browser client — passes);
 * - the bearer token, when one is configured — and one is required to bind anything but loopback
 *   (`KINTENT_MCP_TOKEN`): `401` with a `WWW-Authenticate` challenge otherwise.
 *
 * Effects: listening on a socket.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "@modelcontextprotocol/node";
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  OAuthError,
  originValidationResponse,
  requireBearerAuth,
} from "@modelcontextprotocol/server";
import type { AuthInfo } from "@modelcontextprotocol/server";
import { UsageError } from "../core/errors.js";
import type { McpServerOptions } from "./options.js";
import { buildServer } from "./server.js";

export interface HttpServeOptions {
  /** Address to bind. @default 127.0.0.1 */
  host?: string;
  /** Port (0: any free port). */
  port: number;
  /** Bearer token every request must carry; required for a non-loopback bind. */
  token?: string;
  /** More `Host` names to accept (a reverse proxy's name). */
  allowedHosts?: readonly string[];
  /** More `Origin` host names to accept (a browser-based client served from them). */
  allowedOrigins?: readonly string[];
}

export interface RunningHttpServer {
  /** `http://host:port/mcp`. */
  url: string;
  close(): Promise<void>;
}

/** The shortest bearer token accepted: guessing one must be hopeless. */
export const MIN_TOKEN_LENGTH = 16;

export const MCP_PATH = "/mcp";

/** The largest request accepted: `validate` takes up to 8 MiB of manifests, which JSON escaping enlarges. */
export const MAX_REQUEST_BYTES = 12 * 1024 * 1024;

/** Whether `host` is a loopback address or name (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Refuse configurations that would expose the server: checked before anything listens. */
export function checkHttpOptions(o: HttpServeOptions): void {
  const host = o.host ?? "127.0.0.1";
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)
    throw new UsageError(`--port ${o.port}: not a TCP port (0–65535)`);
  if (o.token !== undefined && o.token.length < MIN_TOKEN_LENGTH)
    throw new UsageError(
      `the bearer token (KINTENT_MCP_TOKEN) must be at least ${MIN_TOKEN_LENGTH} characters`,
    );
  if (!isLoopback(host) && o.token === undefined)
    throw new UsageError(
      `refusing to serve MCP on ${host} without a bearer token: anything but loopback needs KINTENT_MCP_TOKEN (at least ${MIN_TOKEN_LENGTH} characters), which every client then sends as \`Authorization: Bearer <token>\``,
    );
}

/** Start serving; resolves once listening. */
export async function startHttpServer(
  options: McpServerOptions,
  http: HttpServeOptions,
): Promise<RunningHttpServer> {
  checkHttpOptions(http);
  const host = http.host ?? "127.0.0.1";
  const loopback = isLoopback(host);
  const allowedHosts = [...(loopback ? localhostAllowedHostnames() : []), ...(http.allowedHosts ?? [])];
  const allowedOrigins = [...(loopback ? localhostAllowedOrigins() : []), ...(http.allowedOrigins ?? [])];
  const handler = createMcpHandler(() => buildServer(options), {
    onerror: (e) => options.log?.(`mcp: ${e.message}`),
    maxRequestBodySize: MAX_REQUEST_BYTES,
  });
  const expected = http.token !== undefined ? digest(http.token) : undefined;
  const gate =
    expected !== undefined
      ? requireBearerAuth({
          verifier: {
            verifyAccessToken(token: string): Promise<AuthInfo> {
              // Compared as digests in constant time: no timing oracle on the token's characters.
              if (!timingSafeEqual(digest(token), expected))
                return Promise.reject(new OAuthError("invalid_token", "invalid bearer token"));
              return Promise.resolve({
                token,
                clientId: "kintent-mcp-token",
                scopes: [],
                expiresAt: Math.floor(Date.now() / 1000) + 3600,
              });
            },
          },
        })
      : undefined;

  async function serve(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== MCP_PATH)
      return new Response(JSON.stringify({ error: `not found: the MCP endpoint is ${MCP_PATH}` }), {
        status: 404,
        headers: { "content-type": "application/json" },
      });
    if (loopback || (http.allowedHosts ?? []).length > 0) {
      const refused = hostHeaderValidationResponse(request, allowedHosts);
      if (refused) return refused;
    }
    const badOrigin = originValidationResponse(request, allowedOrigins);
    if (badOrigin) return badOrigin;
    if (!gate) return handler.fetch(request);
    const auth = await gate(request);
    if (auth instanceof Response) return auth;
    return handler.fetch(request, { authInfo: auth });
  }

  const listener = toNodeHandler(
    { fetch: serve },
    { onerror: (e) => options.log?.(`mcp: ${e.message}`), maxRequestBodySize: MAX_REQUEST_BYTES },
  );
  const server = createServer((req, res) => {
    // The adapter's structural request type is stricter about optional fields than node's own.
    void listener(req as Parameters<typeof listener>[0], res);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(http.port, host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}${MCP_PATH}`,
    async close() {
      await handler.close();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}
