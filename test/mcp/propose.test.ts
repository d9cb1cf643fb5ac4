/**
 * `propose` through MCP: against a real bare repository (over stdio and HTTP, with progress notifications),
 * with intent operations staged and committed with the manifests (the working tree untouched), and against a
 * real Gitea (a pull request, its URL in the answer, the token nowhere in any answer).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES } from "../helpers.js";
import { createBareRepo, git } from "../gitops/servers.js";
import { giteaBinary, startGitea } from "../gitops/gitea.js";
import type { Gitea } from "../gitops/gitea.js";
import { connectHttp, connectStdio, startHttp, structured, textOf } from "./helpers.js";
import type { Connected, ToolResult } from "./helpers.js";

const work = mkdtempSync(join(tmpdir(), "kintent-mcp-propose-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Fixture {
  root: string;
  bare: string;
  tmp: string;
  env: Record<string, string>;
}

function fixture(examples: readonly string[]): Fixture {
  const root = mkdtempSync(join(work, "case-"));
  const bare = createBareRepo(root, "acme", "gitops");
  for (const e of examples) cpSync(join(EXAMPLES, e), join(root, e), { recursive: true });
  const tmp = join(root, "tmp");
  mkdirSync(tmp);
  return { root, bare, tmp, env: { TMPDIR: tmp, HOME: root, PATH: process.env.PATH ?? "/usr/bin:/bin" } };
}

function branches(bare: string): string[] {
  return git(bare, ["for-each-ref", "--format=%(refname:short)", "refs/heads"])
    .split("\n")
    .filter(Boolean)
    .sort();
}

interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

async function proposeWithProgress(
  c: Connected,
  args: Record<string, unknown>,
): Promise<{ r: ToolResult; progress: Progress[] }> {
  const progress: Progress[] = [];
  const r = (await c.client.callTool(
    { name: "propose", arguments: args },
    { onprogress: (p) => progress.push(p as Progress) },
  )) as unknown as ToolResult;
  return { r, progress };
}

describe.each(["stdio", "http"] as const)("propose over %s against a bare repository", (transport) => {
  let f: Fixture;
  let c: Connected;
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    f = fixture(["production"]);
    if (transport === "stdio") {
      c = await connectStdio([f.root, "--repo", f.bare], "legacy", { env: f.env });
    } else {
      const { server, logs } = await startHttp({ root: f.root, env: f.env, propose: { repo: f.bare } });
      c = await connectHttp(server.url, "modern", { logs });
      close = () => server.close();
    }
  });
  afterAll(async () => {
    await c.close();
    await close();
  });

  it("pushes kintent/<app>/<hash>, answers with the branch, the changes and the validation report, with progress", async () => {
    const { r, progress } = await proposeWithProgress(c, {
      path: "production",
      message: "Deploy my-service v2.3.1 to production",
    });
    const s = structured(r);
    expect(s.status).toBe("proposed");
    const result = (s.results as Record<string, unknown>[])[0] ?? {};
    expect(result).toMatchObject({
      app: "my-service",
      envs: ["prod"],
      status: "created",
      changes: { added: 15, changed: 0, removed: 0 },
      validation: { counts: { error: 0 } },
    });
    const branch = String(result.branch);
    expect(branch).toMatch(/^kintent\/my-service\/[0-9a-f]{8}$/);
    expect(branches(f.bare)).toEqual([branch, "main"].sort());
    expect(git(f.bare, ["rev-parse", branch])).toBe(result.commit);
    expect(git(f.bare, ["log", "-1", "--format=%(trailers:key=Proposed-By,valueonly)", branch])).toBe(
      "kintent mcp (kintent-tests 1.0.0)",
    );
    expect(result.instructions).toContain(`review: git -C ${f.bare} diff main...${branch}`);
    expect(textOf(r)).toContain(`proposed my-service/prod on ${branch}`);
    // Progress notifications arrived, increasing, naming the steps.
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.map((p) => p.progress)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.some((p) => p.message?.startsWith("cloning"))).toBe(true);
    expect(progress.some((p) => /push/.test(p.message ?? ""))).toBe(true);

    // Idempotent: the same intent again changes nothing.
    const again = structured((await proposeWithProgress(c, { path: "production", message: "again" })).r);
    expect(again.status).toBe("unchanged");
    expect(git(f.bare, ["rev-parse", branch])).toBe(result.commit);
  });
});

describe("propose with operations: the intent change is staged and committed, the working tree untouched", () => {
  let f: Fixture;
  beforeAll(() => {
    f = fixture(["traefik-canary"]);
  });

  it("refuses without a place for the intent, then commits intent and manifests on the branch", async () => {
    const file = join(f.root, "traefik-canary", "kintent.yaml");
    const before = readFileSync(file, "utf8");
    const args = {
      path: "traefik-canary",
      message: "Step the canary to 50/50: 1.27.4 held 10% for an hour",
      operations: [{ op: "canary-weight", weight: 50 }],
    };
    const plain = await startHttp({ root: f.root, env: f.env, propose: { repo: f.bare } });
    const c1 = await connectHttp(plain.server.url, "legacy");
    try {
      const refused = await c1.call("propose", args);
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain("--with-intent");
      expect(branches(f.bare)).toEqual(["main"]);
    } finally {
      await c1.close();
      await plain.server.close();
    }

    const { server } = await startHttp({
      root: f.root,
      env: f.env,
      propose: { repo: f.bare, intentPath: "intents/web" },
    });
    const c = await connectHttp(server.url, "modern");
    try {
      const { r, progress } = await proposeWithProgress(c, args);
      const s = structured(r);
      expect(s.status).toBe("proposed");
      expect(s.change).toMatchObject({ applied: ["canary-weight weight=50"], errors: [] });
      expect((s.change as { intentDiff: string }).intentDiff).toContain("+      weight: 50");
      const branch = String((s.results as { branch: string }[])[0]?.branch);
      const committed = git(f.bare, ["show", `${branch}:intents/web/kintent.yaml`]);
      expect(committed + "\n").toBe(before.replace("      weight: 10\n", "      weight: 50\n"));
      const wrr = git(f.bare, ["show", `${branch}:apps/web/prod/traefikservice-web-wrr.yaml`]);
      expect(wrr).toMatch(
        /- name: web\n\s+port: 8080\n\s+weight: 50\n(\s+middlewares:\n\s+- name: web-headers\n)?\s+- name: web-canary-proxy\n\s+port: 8080\n\s+weight: 50/,
      );
      expect(progress[0]?.message).toContain("applying 1 operation(s)");
      // The working tree is as it was; the staged copy is gone.
      expect(readFileSync(file, "utf8")).toBe(before);
      expect(readFileSync(join(f.root, "traefik-canary", "platform.yaml"), "utf8").length).toBeGreaterThan(0);
      expect(readdirSync(f.tmp)).toEqual([]);
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("an operation that does not apply proposes nothing", async () => {
    const { server } = await startHttp({
      root: f.root,
      env: f.env,
      propose: { repo: f.bare, intentPath: "intents/web" },
    });
    const c = await connectHttp(server.url, "legacy");
    try {
      const before = branches(f.bare);
      const s = structured(
        await c.call("propose", {
          path: "traefik-canary",
          message: "x",
          operations: [{ op: "canary-weight", weight: 50, env: "staging" }],
        }),
      );
      expect(s.status).toBe("failed");
      expect(branches(f.bare)).toEqual(before);
    } finally {
      await c.close();
      await server.close();
    }
  });
});

describe.skipIf(giteaBinary() === undefined)("propose through MCP to a real Gitea", () => {
  let gitea: Gitea;
  beforeAll(async () => {
    gitea = await startGitea();
  }, 120_000);
  afterAll(async () => {
    await gitea?.stop();
  });

  it("opens the pull request and answers with its URL; the token appears in no answer", async () => {
    const repo = await gitea.createRepo("gitops");
    const f = fixture(["production"]);
    const env = { ...f.env, GITEA_TOKEN: gitea.token, KINTENT_FORGE: "gitea" };
    const { server } = await startHttp({ root: f.root, env, propose: { repo } });
    // The 2026 era names the client on every request (a stateless 2025-era HTTP request cannot).
    const c = await connectHttp(server.url, "modern");
    try {
      const { r, progress } = await proposeWithProgress(c, {
        path: "production",
        message: "Ship my-service",
      });
      const s = structured(r);
      expect(s.status).toBe("proposed");
      const result = (s.results as Record<string, unknown>[])[0] ?? {};
      expect(result.pullRequest).toEqual({
        number: 1,
        url: `${gitea.url}/kintent/gitops/pulls/1`,
        action: "created",
      });
      expect(textOf(r)).toContain(`pull request #1: ${gitea.url}/kintent/gitops/pulls/1 (created)`);
      const pr = (await gitea.api("GET", "/repos/kintent/gitops/pulls/1")).body as {
        state: string;
        title: string;
        body: string;
        head: { ref: string };
      };
      expect(pr.state).toBe("open");
      expect(pr.title).toBe("chore(my-service): Ship my-service");
      expect(pr.head.ref).toBe(result.branch);
      expect(pr.body).toContain("proposed by kintent mcp (kintent-tests 1.0.0)");
      expect(progress.some((p) => /pull request/i.test(p.message ?? ""))).toBe(true);

      const same = structured(await c.call("propose", { path: "production", message: "Ship my-service" }));
      expect(same.status).toBe("unchanged");
      expect((same.results as { pullRequest?: { action: string } }[])[0]?.pullRequest?.action).toBe(
        "unchanged",
      );
      await c.settled();
      expect(c.wire.join("\n")).not.toContain(gitea.token);
      expect(c.wire.join("\n")).not.toContain(Buffer.from(`kintent:${gitea.token}`).toString("base64"));
    } finally {
      await c.close();
      await server.close();
    }
  });
});
