/**
 * Every answer is bounded and lists are paged with cursors: a 1,000-object bundle's findings page through
 * without a page over the limit and without losing or repeating a finding; a build's YAML pages cover every
 * object once; a cursor only continues the request it came from; an answer that would exceed the limit is
 * refused. Cancellation: a long validation stops at its next step when the client cancels (stdio and HTTP).
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishAnswer, MAX_ANSWER_BYTES } from "../../src/mcp/index.js";
import type { RunningHttpServer } from "../../src/mcp/index.js";
import { Redactor } from "../../src/core/redact.js";
import { EXAMPLES } from "../helpers.js";
import { openProject } from "../../src/project/index.js";
import { bundle } from "./fixtures.js";
import { connectHttp, connectStdio, exampleRoot, removeRoot, startHttp, structured } from "./helpers.js";
import type { Connected, Era, ToolResult } from "./helpers.js";

const size = (r: unknown) => Buffer.byteLength(JSON.stringify(r));

describe("bounded answers", () => {
  let root: string;
  let server: RunningHttpServer;
  let c: Connected;
  beforeAll(async () => {
    root = exampleRoot(["traefik-canary"]);
    mkdirSync(join(root, "fleet"));
    writeFileSync(join(root, "fleet", "bundle.yaml"), bundle());
    server = (await startHttp({ root, env: {} })).server;
    c = await connectHttp(server.url, "modern");
  });
  afterAll(async () => {
    await c.close();
    await server.close();
    removeRoot(root);
  });

  it("a 1,000-object bundle: every finding exactly once, in pages under the limit", async () => {
    for (const args of [{ manifests: bundle() }, { path: "fleet" }]) {
      const pages: ToolResult[] = [];
      let cursor: string | undefined;
      do {
        const r = await c.call("validate", cursor ? { ...args, cursor } : args);
        pages.push(r);
        cursor = structured(r).nextCursor as string | undefined;
      } while (cursor && pages.length < 500);
      const first = structured(pages[0] as ToolResult);
      expect(first.summary).toMatchObject({ objects: 1000 });
      const total = (first.page as { total: number }).total;
      expect(total).toBeGreaterThan(2000);
      expect(pages.length).toBeGreaterThan(5);
      const findings = pages.flatMap((p) => structured(p).findings as unknown[]);
      expect(findings).toHaveLength(total);
      expect(new Set(findings.map((f) => JSON.stringify(f))).size).toBe(total);
      for (const p of pages) expect(size(p)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
      const counts = (first.summary as { findings: { error: number; warning: number; info: number } })
        .findings;
      expect(counts.error + counts.warning + counts.info).toBe(total);
      expect(first.byCheck).toContainEqual({ checkId: "privileged-container", severity: "error", count: 63 });
      // `severity: error` lists the errors only.
      const errorsOnly = structured(await c.call("validate", { ...args, severity: "error" }));
      expect((errorsOnly.page as { total: number }).total).toBe(counts.error);
    }
  });

  it("build: YAML pages cover every object once, each under the limit", async () => {
    const objects: string[] = [];
    let yaml = "";
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await c.call("build", { path: "traefik-canary", yaml: true, ...(cursor ? { cursor } : {}) });
      expect(size(r)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
      const s = structured(r);
      objects.push(
        ...(s.objects as { kind: string; namespace?: string; name: string }[]).map(
          (o) => `${o.kind}/${o.namespace ?? ""}/${o.name}`,
        ),
      );
      yaml += String(s.yaml);
      cursor = s.nextCursor as string | undefined;
      pages++;
    } while (cursor && pages < 20);
    // Exactly the objects the engine builds for the example, each once.
    const built = (await openProject(join(EXAMPLES, "traefik-canary"))).build().objects;
    expect(built.length).toBeGreaterThan(10);
    expect(pages).toBeGreaterThan(1);
    expect(objects).toHaveLength(built.length);
    expect(new Set(objects)).toEqual(
      new Set(built.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`)),
    );
    expect(yaml.match(/^---$/gm)).toHaveLength(built.length);
  });

  it("a cursor continues only its own request", async () => {
    const first = structured(await c.call("build", { path: "traefik-canary", yaml: true }));
    const cursor = String(first.nextCursor);
    const other = await c.call("build", { path: "traefik-canary", yaml: false, cursor });
    expect(other.isError).toBe(true);
    expect(other.content[0]?.text).toContain("it belongs to a call with other arguments");
    const foreign = await c.call("validate", { path: "fleet", cursor });
    expect(foreign.isError).toBe(true);
    expect(foreign.content[0]?.text).toContain("not a cursor of validate");
    const garbage = await c.call("build", { path: "traefik-canary", cursor: "not-a-cursor" });
    expect(garbage.isError).toBe(true);
  });

  it("an answer over the limit is refused, not sent", () => {
    const r = finishAnswer({ blob: "x".repeat(MAX_ANSWER_BYTES) }, "short", new Redactor());
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toBeUndefined();
    expect(size(r)).toBeLessThan(1000);
    // A long text rendering alone is dropped in favour of the structured content.
    const ok = finishAnswer({ n: 1 }, "y".repeat(200_000), new Redactor());
    expect(ok.isError).toBeUndefined();
    expect(size(ok)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
  });
});

describe.each([
  ["stdio", "legacy"],
  ["http", "modern"],
] as [string, Era][])("cancellation over %s (%s era)", (transport, era) => {
  let root: string;
  let c: Connected;
  let server: RunningHttpServer | undefined;
  beforeAll(async () => {
    root = exampleRoot([]);
    for (let i = 0; i < 40; i++)
      cpSync(join(EXAMPLES, "quickstart"), join(root, "apps", `app-${i}`), { recursive: true });
    if (transport === "stdio") c = await connectStdio([root], era);
    else {
      const started = await startHttp({ root, env: {} });
      server = started.server;
      c = await connectHttp(server.url, era, { logs: started.logs });
    }
  });
  afterAll(async () => {
    await c.close();
    await server?.close();
    removeRoot(root);
  });

  it("a fleet validation reports progress and stops at its next step when cancelled", async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const call = c.client.callTool(
      { name: "validate", arguments: { path: "apps" } },
      {
        signal: controller.signal,
        onprogress: (p) => {
          progress.push(p.progress);
          if (progress.length === 3) controller.abort("the user clicked stop");
        },
      },
    );
    await expect(call).rejects.toThrow();
    await expect.poll(() => c.stderr(), { timeout: 10_000 }).toContain("validate: cancelled by the client");
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThan(40);
  });
});
