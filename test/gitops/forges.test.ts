/**
 * `kintent propose` over the network: a real Git server on loopback (git http-backend behind basic auth, and
 * git daemon), pull requests on a real Gitea (built from its Go module; skipped when not built), and GitHub
 * (through Octokit) and GitLab against servers implementing exactly the endpoints kintent calls. Tokens come
 * from the environment and must never show up in output, URLs, commits or pull requests. A forge failure
 * after the push leaves the branch, and a retry finishes the pull request.
 *
 * The acceptance test runs end to end: intent change → propose → branch, commit, PR → merged by the test →
 * `kintent cmp generate` on the merged checkout prints exactly the proposed manifests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES, runCli } from "../helpers.js";
import { argoEnv, runSidecar } from "../cmp/sidecar.js";
import {
  createBareRepo,
  git,
  gitAsync,
  githubApi,
  gitlabApi,
  startGitDaemon,
  startGitServer,
} from "./servers.js";
import type { FakeForgeState, GitServer } from "./servers.js";
import { giteaBinary, startGitea } from "./gitea.js";
import type { Gitea } from "./gitea.js";

const work = mkdtempSync(join(tmpdir(), "kintent-forges-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TOKEN = "ghp_kintentTestToken0123456789abcdefABCDEF";

interface Case {
  root: string;
  intent: string;
  tmp: string;
}

function newCase(example = "production"): Case {
  const root = mkdtempSync(join(work, "case-"));
  const intent = join(root, "intent");
  cpSync(join(EXAMPLES, example), intent, { recursive: true });
  const tmp = join(root, "tmp");
  mkdirSync(tmp);
  return { root, intent, tmp };
}

function bumpImage(c: Case, to: string): void {
  const p = join(c.intent, "kintent.yaml");
  writeFileSync(p, readFileSync(p, "utf8").replace(/my-service:v[\d.]+/, `my-service:${to}`));
}

async function propose(c: Case, repo: string, args: string[], env: NodeJS.ProcessEnv) {
  return await runCli(["propose", c.intent, "--repo", repo, ...args], {
    cwd: c.root,
    env: { TMPDIR: c.tmp, HOME: c.root, PATH: process.env.PATH, ...env },
  });
}

/** Every place a token could leak to: output, requests' URLs and bodies, the commits and the repository config. */
function expectNoToken(token: string, texts: readonly string[]): void {
  const forms = [
    token,
    Buffer.from(`x-access-token:${token}`).toString("base64"),
    Buffer.from(`kintent:${token}`).toString("base64"),
  ];
  for (const t of texts) for (const form of forms) expect(t).not.toContain(form);
}

function forgeState(bare: string): FakeForgeState {
  return {
    pulls: [],
    branchExists: (b) => {
      try {
        git(bare, ["rev-parse", "--verify", "--quiet", `refs/heads/${b}`]);
        return true;
      } catch {
        return false;
      }
    },
  };
}

describe("GitHub through Octokit (git over smart HTTP with the token; the REST endpoints kintent calls)", () => {
  let server: GitServer;
  let state: FakeForgeState;
  let root: string;
  let bare: string;
  beforeAll(async () => {
    root = mkdtempSync(join(work, "github-"));
    bare = createBareRepo(root, "acme", "gitops");
    state = forgeState(bare);
    let url = "";
    server = await startGitServer({ root, token: TOKEN, api: githubApi(state, TOKEN, () => url) });
    url = server.url;
  });
  afterAll(async () => {
    await server.stop();
  });

  const args = () => ["--forge", "github", "--forge-url", server.url, "-m", "Ship my-service v2.3.1"];
  const repo = () => `${server.url}/acme/gitops.git`;

  it("pushes the branch and opens a pull request whose body has the changes, the validation report and the why", async () => {
    const c = newCase();
    const r = await propose(c, repo(), args(), { GITHUB_TOKEN: TOKEN });
    expect(r.code, r.stderr).toBe(0);
    expect(state.pulls).toHaveLength(1);
    const pr = state.pulls[0];
    const branch = git(bare, ["for-each-ref", "--format=%(refname:short)", "refs/heads/kintent"]);
    expect(pr?.head).toBe(branch);
    expect(pr?.base).toBe("main");
    expect(pr?.title).toBe("chore(my-service): Ship my-service v2.3.1");
    expect(pr?.body).toContain("<!-- kintent:proposal target=my-service/prod -->");
    expect(pr?.body).toContain("### Why\n\nShip my-service v2.3.1");
    expect(pr?.body).toContain("15 added, 0 changed, 0 removed.");
    expect(pr?.body).toContain("| ➕ added | Rollout payments/my-service | `apps/my-service/prod` |");
    expect(pr?.body).toMatch(/### ✅ kintent validate: 0 error\(s\)/);
    expect(r.stdout).toContain(`pull request: #1 ${server.url}/acme/gitops/pull/1 (created)`);
    // Git requests carried basic auth in a header; the API got Octokit's token header.
    const gitRequests = server.requests.filter((q) => q.url.includes(".git/"));
    expect(gitRequests.some((q) => q.url.includes("git-receive-pack"))).toBe(true);
    expect(gitRequests.filter((q) => q.authorization?.startsWith("Basic ")).length).toBeGreaterThan(0);
    const apiRequests = server.requests.filter((q) => q.url.startsWith("/api/v3/"));
    expect(apiRequests.every((q) => q.authorization === `token ${TOKEN}`)).toBe(true);
    expectNoToken(TOKEN, [
      r.stdout,
      r.stderr,
      ...server.requests.map((q) => `${q.url} ${q.body ?? ""}`),
      git(bare, ["log", "--all", "--format=%B"]),
      readFileSync(join(bare, "config"), "utf8"),
    ]);
    expect(readdirSync(c.tmp)).toEqual([]);
  });

  it("re-running changes nothing; a change updates the same branch and pull request", async () => {
    const c = newCase();
    const before = server.requests.length;
    const same = await propose(c, repo(), args(), { GITHUB_TOKEN: TOKEN });
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain("(unchanged)");
    const apiCalls = server.requests.slice(before).filter((q) => q.url.startsWith("/api/"));
    expect(apiCalls.map((q) => q.method)).toEqual(["GET", "GET"]); // open proposals, then the PR itself
    expect(server.requests.slice(before).some((q) => q.url.endsWith("git-receive-pack"))).toBe(false);
    bumpImage(c, "v2.3.2");
    const changed = await propose(
      c,
      repo(),
      ["--forge", "github", "--forge-url", server.url, "-m", "Bump to v2.3.2"],
      {
        GITHUB_TOKEN: TOKEN,
      },
    );
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain("pull request: #1");
    expect(changed.stdout).toContain("(updated)");
    expect(state.pulls).toHaveLength(1);
    expect(state.pulls[0]?.title).toBe("chore(my-service): Bump to v2.3.2");
    expect(state.pulls[0]?.body).toContain("Bump to v2.3.2");
  });

  it("a wrong token fails with exit 2 and a message that does not contain it", async () => {
    const c = newCase();
    bumpImage(c, "v9.9.9");
    const wrong = "ghp_wrongToken000000000000000000000000000";
    const r = await propose(c, repo(), args(), { GITHUB_TOKEN: wrong });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot clone|failed/);
    expectNoToken(wrong, [r.stdout, r.stderr]);
  });
});

describe("failure safety: the forge fails after the push", () => {
  it("keeps the branch, exits 2 saying so, and a retry opens the pull request", async () => {
    const root = mkdtempSync(join(work, "outage-"));
    const bare = createBareRepo(root, "acme", "gitops");
    const state = forgeState(bare);
    let url = "";
    const server = await startGitServer({ root, token: TOKEN, api: githubApi(state, TOKEN, () => url) });
    url = server.url;
    try {
      const c = newCase();
      const args = ["--forge", "github", "--forge-url", server.url, "-m", "Ship"];
      server.failNext("POST", /\/pulls$/, 502);
      const first = await propose(c, `${server.url}/acme/gitops.git`, args, { GITHUB_TOKEN: TOKEN });
      expect(first.code).toBe(2);
      const branch = git(bare, ["for-each-ref", "--format=%(refname:short)", "refs/heads/kintent"]);
      expect(branch).toMatch(/^kintent\/my-service\//);
      expect(first.stderr).toContain(`${branch} is pushed, but the pull request could not be opened`);
      expect(first.stderr).toContain("502");
      expect(first.stderr).toContain("run kintent propose again to finish");
      expect(state.pulls).toHaveLength(0);
      const sha = git(bare, ["rev-parse", branch]);

      const retry = await propose(c, `${server.url}/acme/gitops.git`, args, { GITHUB_TOKEN: TOKEN });
      expect(retry.code, retry.stderr).toBe(0);
      expect(retry.stdout).toContain("opened the missing GitHub pull request");
      expect(state.pulls).toHaveLength(1);
      expect(state.pulls[0]?.head).toBe(branch);
      expect(git(bare, ["rev-parse", branch])).toBe(sha); // nothing re-pushed
      expect(git(bare, ["for-each-ref", "--format=%(refname:short)", "refs/heads/kintent"])).toBe(branch);
      expectNoToken(TOKEN, [first.stdout, first.stderr, retry.stdout, retry.stderr]);
    } finally {
      await server.stop();
    }
  });
});

describe("GitLab merge requests (the REST endpoints kintent calls; nested group path)", () => {
  it("opens and then updates one merge request", async () => {
    const root = mkdtempSync(join(work, "gitlab-"));
    const bare = createBareRepo(root, "acme/platform", "gitops");
    const state = forgeState(bare);
    const token = "glpat-kintentTestToken0123456789";
    let url = "";
    const server = await startGitServer({ root, token, api: gitlabApi(state, token, () => url) });
    url = server.url;
    try {
      const c = newCase();
      const repo = `${server.url}/acme/platform/gitops.git`;
      const args = ["--forge", "gitlab", "--forge-url", server.url, "-m", "Ship"];
      const r = await propose(c, repo, args, { GITLAB_TOKEN: token });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(
        `pull request: #1 ${server.url}/acme/platform/gitops/-/merge_requests/1 (created)`,
      );
      expect(
        server.requests.some((q) =>
          q.url.startsWith("/api/v4/projects/acme%2Fplatform%2Fgitops/merge_requests"),
        ),
      ).toBe(true);
      bumpImage(c, "v2.3.2");
      const u = await propose(c, repo, args, { GITLAB_TOKEN: token });
      expect(u.code, u.stderr).toBe(0);
      expect(u.stdout).toContain("(updated)");
      expect(state.pulls).toHaveLength(1);
      // The body describes the whole proposal against main, from the newest intent.
      const branch = git(bare, ["for-each-ref", "--format=%(refname:short)", "refs/heads/kintent"]);
      const hash = git(bare, ["log", "-1", "--format=%(trailers:key=Intent-Hash,valueonly)", branch]);
      expect(state.pulls[0]?.body).toContain(`from intent \`${hash}\``);
      expect(state.pulls[0]?.body).toContain("15 added, 0 changed, 0 removed");
      expect(git(bare, ["log", "-1", "--format=%B", branch])).toContain(
        // The image and, on each of the 14 objects, the version label it gives; the Application's summary.
        "Objects: 0 added, 15 changed, 0 removed",
      );
      expectNoToken(token, [
        r.stdout,
        r.stderr,
        u.stdout,
        u.stderr,
        ...server.requests.map((q) => `${q.url} ${q.body ?? ""}`),
      ]);
    } finally {
      await server.stop();
    }
  });
});

describe("git daemon (git://, no forge)", () => {
  it("pushes the branch and prints how to open the pull request by hand", async () => {
    const root = mkdtempSync(join(work, "daemon-"));
    const bare = createBareRepo(root, "acme", "gitops");
    const daemon = await startGitDaemon(root, join(root, "daemon.log"));
    try {
      const c = newCase();
      const repo = `${daemon.url}/acme/gitops.git`;
      const r = await propose(c, repo, ["-m", "Ship"], {});
      expect(r.code, r.stderr).toBe(0);
      const branch = git(bare, ["for-each-ref", "--format=%(refname:short)", "refs/heads/kintent"]);
      expect(branch).toMatch(/^kintent\/my-service\/[0-9a-f]{8}$/);
      expect(r.stdout).toContain(`no pull request opened: open one from ${branch} into main`);
      expect(r.stdout).toContain(`review: git fetch ${repo} ${branch} && git diff main...FETCH_HEAD`);
    } finally {
      await daemon.process.stop();
    }
  });
});

/**
 * The acceptance flow on one forge: an intent change in a repository that holds intents and manifests is
 * proposed, the test merges the pull request, and the plugin run on the merged checkout prints exactly the
 * proposed manifests.
 */
async function acceptance(options: {
  repo: string;
  forgeArgs: string[];
  env: NodeJS.ProcessEnv;
  merge: (branch: string) => Promise<void>;
  /** A clone URL (with credentials in the environment) to read the merged main from. */
  cloneEnv?: NodeJS.ProcessEnv;
}): Promise<void> {
  const c = newCase();
  bumpImage(c, "v2.4.0");
  const r = await propose(
    c,
    options.repo,
    [...options.forgeArgs, "-m", "Ship v2.4.0", "--with-intent", "services/my-service"],
    options.env,
  );
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/pull request: #\d+ .* \(created\)/);
  const branch = /on (kintent\/my-service\/[0-9a-f]{8})/.exec(r.stdout)?.[1] as string;
  expect(branch).toBeDefined();
  await options.merge(branch);

  const checkout = mkdtempSync(join(c.root, "argocd-checkout-"));
  await gitAsync(c.root, ["clone", "-q", "--branch", "main", options.repo, checkout], options.cloneEnv ?? {});
  const proposed = new Map<string, string>();
  for (const name of readdirSync(join(checkout, "apps/my-service/prod")).filter((n) => n.endsWith(".yaml")))
    proposed.set(name, readFileSync(join(checkout, "apps/my-service/prod", name), "utf8"));
  expect(proposed.size).toBe(14);

  const out = await runSidecar(["cmp", "generate"], {
    cwd: join(checkout, "services/my-service"),
    env: argoEnv({ name: "my-service-prod", path: "services/my-service", env: "prod" }),
  });
  expect(out.code, out.stderr).toBe(0);
  expect(out.stdout).toContain("my-service:v2.4.0");
  // Each document the plugin prints is one proposed file, byte for byte, and every proposed file is printed.
  const docs = out.stdout.split(/^---\n/m).filter(Boolean);
  expect(docs).toHaveLength(proposed.size);
  const remaining = new Set(proposed.values());
  for (const d of docs) {
    expect(remaining.has(d), d.slice(0, 200)).toBe(true);
    remaining.delete(d);
  }
  expect(remaining.size).toBe(0);
}

describe("acceptance: intent change → propose → pull request → merge → the plugin serves exactly what was proposed", () => {
  it("on a Git server over HTTP with GitHub's pull-request API", async () => {
    const root = mkdtempSync(join(work, "accept-gh-"));
    const bare = createBareRepo(root, "acme", "gitops");
    const state = forgeState(bare);
    let url = "";
    const server = await startGitServer({ root, token: TOKEN, api: githubApi(state, TOKEN, () => url) });
    url = server.url;
    const basic = {
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: `http.${server.url}/.extraHeader`,
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`,
    };
    try {
      await acceptance({
        repo: `${server.url}/acme/gitops.git`,
        forgeArgs: ["--forge", "github", "--forge-url", server.url],
        env: { GITHUB_TOKEN: TOKEN },
        cloneEnv: basic,
        merge: (branch) => {
          // "Merge" as a human on the forge would: a merge commit on main, pushed.
          const human = mkdtempSync(join(root, "merge-"));
          git(root, ["clone", "-q", bare, human]);
          git(human, [
            "-c",
            "user.name=Reviewer",
            "-c",
            "user.email=reviewer@acme.test",
            "merge",
            "-q",
            "--no-ff",
            "-m",
            `Merge ${branch}`,
            `origin/${branch}`,
          ]);
          git(human, ["push", "-q", "origin", "main"]);
          const pr = state.pulls.find((p) => p.head === branch);
          if (pr) {
            pr.state = "closed";
            pr.merged = true;
          }
          return Promise.resolve();
        },
      });
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(giteaBinary() === undefined)("a real Gitea (v1.26.0 from its Go module, SQLite)", () => {
  let gitea: Gitea;
  beforeAll(async () => {
    gitea = await startGitea();
  }, 120_000);
  afterAll(async () => {
    await gitea?.stop();
  });

  const auth = () => ({
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: `http.${gitea.url}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`kintent:${gitea.token}`).toString("base64")}`,
  });

  it("opens a pull request, leaves it alone when nothing changed, and updates it when the intent changes", async () => {
    const repo = await gitea.createRepo("gitops");
    const c = newCase();
    // KINTENT_FORGE picks the forge: a loopback address says nothing about what runs there.
    const env = { GITEA_TOKEN: gitea.token, KINTENT_FORGE: "gitea" };
    const r = await propose(c, repo, ["-m", "Ship my-service"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`pull request: #1 ${gitea.url}/kintent/gitops/pulls/1 (created)`);
    const pr = (await gitea.api("GET", "/repos/kintent/gitops/pulls/1")).body as {
      title: string;
      body: string;
      state: string;
      head: { ref: string };
      base: { ref: string };
      mergeable: boolean;
    };
    expect(pr.state).toBe("open");
    expect(pr.base.ref).toBe("main");
    expect(pr.head.ref).toMatch(/^kintent\/my-service\/[0-9a-f]{8}$/);
    expect(pr.title).toBe("chore(my-service): Ship my-service");
    expect(pr.body).toContain("<!-- kintent:proposal target=my-service/prod -->");
    expect(pr.body).toContain("kintent validate: 0 error(s)");

    const same = await propose(c, repo, ["-m", "Ship my-service"], env);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain("(unchanged)");

    bumpImage(c, "v2.3.2");
    const u = await propose(c, repo, ["-m", "Bump to v2.3.2"], env);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toContain("pull request: #1");
    expect(u.stdout).toContain("(updated)");
    const after = (await gitea.api("GET", "/repos/kintent/gitops/pulls/1")).body as {
      title: string;
      body: string;
      head: { ref: string };
    };
    expect(after.head.ref).toBe(pr.head.ref);
    expect(after.title).toBe("chore(my-service): Bump to v2.3.2");
    expect(after.body).toContain("Bump to v2.3.2");
    const list = (await gitea.api("GET", "/repos/kintent/gitops/pulls?state=all")).body as unknown[];
    expect(list).toHaveLength(1);
    expectNoToken(gitea.token, [
      r.stdout,
      r.stderr,
      same.stdout,
      same.stderr,
      u.stdout,
      u.stderr,
      pr.body,
      after.body,
    ]);
  });

  it("acceptance: merged on Gitea, the plugin serves exactly the proposed manifests", async () => {
    const repo = await gitea.createRepo("platform");
    await acceptance({
      repo,
      forgeArgs: ["--forge", "gitea"],
      env: { GITEA_TOKEN: gitea.token },
      cloneEnv: auth(),
      merge: async (branch) => {
        const pr = (await gitea.api("GET", `/repos/kintent/platform/pulls/main/${branch}`)).body as {
          number: number;
        };
        // Gitea checks mergeability in the background; merge once it has.
        for (let i = 0; i < 100; i++) {
          const m = await gitea.api("POST", `/repos/kintent/platform/pulls/${pr.number}/merge`, {
            Do: "merge",
          });
          if (m.status === 200) return;
          await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error("Gitea never merged the pull request");
      },
    });
  });
});
