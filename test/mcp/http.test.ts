/**
 * The HTTP transport's guards, on a real socket: a non-loopback bind without a bearer token is refused before
 * anything listens; a browser Origin that is not allowed gets 403; a Host that is not loopback (DNS rebinding)
 * gets 403; with a token, a request without it or with a wrong one gets 401 and a Bearer challenge, and the
 * SDK client with the right one works — also on a non-loopback bind.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningHttpServer } from "../../src/mcp/index.js";
import { runCli } from "../helpers.js";
import { connectHttp, exampleRoot, removeRoot, startHttp } from "./helpers.js";

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

/** A raw POST with exactly these headers (node:http, so Host can be set). */
function post(
  url: string,
  headers: Record<string, string>,
  body = INITIALIZE,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const TOKEN = "kintent-test-token-0123456789abcdef";

let root: string;
beforeAll(() => {
  root = exampleRoot(["quickstart"]);
});
afterAll(() => removeRoot(root));

describe("binding", () => {
  it("refuses a non-loopback bind without a bearer token, before listening (exit 2)", async () => {
    const r = await runCli(["mcp", root, "--port", "0", "--host", "0.0.0.0"], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing to serve MCP on 0.0.0.0 without a bearer token");
    expect(r.stderr).not.toContain("listening");
    const short = await runCli(["mcp", root, "--port", "0", "--host", "0.0.0.0"], {
      env: { KINTENT_MCP_TOKEN: "short" },
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("at least 16 characters");
    const both = await runCli(["mcp", root, "--read-only", "--allow-write"], { env: {} });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--read-only and --allow-write exclude each other");
  });
});

describe("loopback without a token", () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = (await startHttp({ root, env: {} })).server;
  });
  afterAll(() => server.close());

  it("binds 127.0.0.1 and serves /mcp only", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const ok = await post(server.url, {});
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('"protocolVersion"');
    const other = await post(server.url.replace(/\/mcp$/, "/other"), {});
    expect(other.status).toBe(404);
  });

  it("bounds the request body (413 past 12 MiB)", async () => {
    const big = await post(server.url, {}, JSON.stringify({ pad: "x".repeat(13 * 1024 * 1024) }));
    expect(big.status).toBe(413);
  });

  it("refuses a browser Origin that is not loopback (403), accepts a loopback one", async () => {
    const evil = await post(server.url, { origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.body).not.toContain("protocolVersion");
    const nullOrigin = await post(server.url, { origin: "null" });
    expect(nullOrigin.status).toBe(403);
    const local = await post(server.url, { origin: "http://localhost:6274" });
    expect(local.status).toBe(200);
  });

  it("refuses a Host that is not loopback: a rebound DNS name never reaches the server (403)", async () => {
    const port = new URL(server.url).port;
    const rebound = await post(server.url, { host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    const local = await post(server.url, { host: `localhost:${port}` });
    expect(local.status).toBe(200);
  });
});

describe.each([
  ["loopback", "127.0.0.1"],
  ["all interfaces", "0.0.0.0"],
])("with a bearer token, bound to %s", (_what, host) => {
  let server: RunningHttpServer;
  let url: string;
  beforeAll(async () => {
    server = (await startHttp({ root, env: {} }, { host, token: TOKEN })).server;
    url = server.url.replace("0.0.0.0", "127.0.0.1");
  });
  afterAll(() => server.close());

  it("answers 401 with a Bearer challenge without a token or with a wrong one", async () => {
    const none = await post(url, {});
    expect(none.status).toBe(401);
    expect(String(none.headers["www-authenticate"])).toMatch(/^Bearer /);
    const wrong = await post(url, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
    expect(wrong.status).toBe(401);
    expect(String(wrong.headers["www-authenticate"])).toContain('error="invalid_token"');
    expect(wrong.body).not.toContain("protocolVersion");
    const basic = await post(url, { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` });
    expect(basic.status).toBe(401);
  });

  it("serves the SDK client that sends the token", async () => {
    const c = await connectHttp(url, "legacy", { headers: { authorization: `Bearer ${TOKEN}` } });
    try {
      const { tools } = await c.client.listTools();
      expect(tools.map((t) => t.name)).toContain("validate");
      const r = await c.call("build", { path: "quickstart" });
      expect(r.isError).toBeFalsy();
      await c.settled();
      expect(c.wire.join("\n")).not.toContain(TOKEN);
    } finally {
      await c.close();
    }
  });

  it("still refuses a foreign Origin even with the right token", async () => {
    const r = await post(url, { authorization: `Bearer ${TOKEN}`, origin: "https://evil.example" });
    expect(r.status).toBe(403);
  });
});
