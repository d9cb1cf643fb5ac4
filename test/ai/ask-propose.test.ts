/**
 * `kintent ask --propose`: the change reaches Git only as a branch and a commit (with the `Proposed-By`
 * trailer) in a real bare repository; the working tree is not touched; a blocked answer reaches no commit.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers.js";
import { createBareRepo, git } from "../gitops/servers.js";
import { llmEnv, startScriptedServer } from "./llm-server.js";
import type { Reply, ScriptedServer } from "./llm-server.js";
import { auditLines, ORIGINAL_SHOP, SCALE_AND_CANARY, SHOP } from "./fixtures.js";

const work = mkdtempSync(join(tmpdir(), "kintent-ask-propose-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** An application repository with the shop at apps/shop, and an empty GitOps repository. */
function fixture() {
  const root = mkdtempSync(join(work, "case-"));
  const app = join(root, "app");
  mkdirSync(join(app, "apps"), { recursive: true });
  cpSync(SHOP, join(app, "apps", "shop"), { recursive: true });
  git(app, ["init", "-q", "-b", "main"]);
  const bare = createBareRepo(root, "acme", "gitops");
  const tmp = join(root, "tmp");
  mkdirSync(tmp);
  return { root, app, bare, tmp };
}

async function askPropose(fx: ReturnType<typeof fixture>, reply: Reply) {
  const s = await startScriptedServer([reply]);
  servers.push(s);
  return runCli(
    [
      "ask",
      "scale the shop to 5 replicas in prod and canary 1.5.0 at 10%",
      "apps/shop",
      "--propose",
      "--repo",
      fx.bare,
      "--max-repairs",
      "0",
    ],
    {
      cwd: fx.app,
      env: llmEnv(s, "anthropic", { TMPDIR: fx.tmp, HOME: fx.root, PATH: process.env.PATH }),
    },
  );
}

function kintentBranches(bare: string): string[] {
  return git(bare, ["for-each-ref", "--format=%(refname:short)", "refs/heads/kintent"])
    .split("\n")
    .filter(Boolean);
}

describe("kintent ask --propose", () => {
  it("commits the intent change and the manifests on a branch with the Proposed-By trailer; the working tree stays", async () => {
    const fx = fixture();
    const r = await askPropose(fx, { answer: SCALE_AND_CANARY });
    expect(r.code, r.stderr).toBe(0);
    const [branch] = kintentBranches(fx.bare);
    expect(branch).toMatch(/^kintent\/shop\//);
    const message = git(fx.bare, ["log", "-1", "--format=%B", branch!]);
    expect(message).toContain("Proposed-By: kintent ask (anthropic:claude-test)");
    expect(message).toContain("Scale prod to 5 replicas and start a 1.5.0 canary");
    // The intent change travels with the manifests, at its path in the application repository.
    const intent = git(fx.bare, ["show", `${branch!}:apps/shop/kintent.yaml`]);
    expect(intent).toContain("      replicas: 5                  # three zones");
    expect(intent).toContain("      weight: 10");
    const files = git(fx.bare, ["ls-tree", "-r", "--name-only", branch!]);
    expect(files).toMatch(/\/prod\/.*deployment.*\.yaml/i);
    // Nothing in the working tree changed; the audit log has the proposal.
    expect(readFileSync(join(fx.app, "apps", "shop", "kintent.yaml"), "utf8")).toBe(ORIGINAL_SHOP);
    expect(auditLines(join(fx.app, "apps", "shop"))[0]).toMatchObject({
      outcome: "proposed",
      proposal: branch,
    });
  });

  it("a blocked answer reaches no branch and no commit", async () => {
    const fx = fixture();
    const r = await askPropose(fx, {
      answer: { explanation: "x", operations: [{ op: "security", privileged: true }] },
    });
    expect(r.code).toBe(1);
    expect(kintentBranches(fx.bare)).toEqual([]);
    expect(git(fx.bare, ["rev-list", "--count", "main"])).toBe("1");
  });
});
