/**
 * `kintent propose` against real bare repositories on disk (no forge): the branch, the commit and its trailers,
 * the files, idempotency, updates, rebases of kintent's own branches, never rewriting someone else's commits,
 * conflicts reported and not guessed, refusals, and nothing left behind.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES, runCli } from "../helpers.js";
import { createBareRepo, git } from "./servers.js";

const work = mkdtempSync(join(tmpdir(), "kintent-propose-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Fixture {
  root: string;
  bare: string;
  intent: string;
  tmp: string;
}

let f: Fixture;

function fixture(example = "production"): Fixture {
  const root = mkdtempSync(join(work, "case-"));
  const bare = createBareRepo(root, "acme", "gitops");
  const intent = join(root, "intent");
  cpSync(join(EXAMPLES, example), intent, { recursive: true });
  const tmp = join(root, "tmp");
  mkdirSync(tmp);
  return { root, bare, intent, tmp };
}

beforeEach(() => {
  f = fixture();
});

async function propose(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; repo?: string; fx?: Fixture } = {},
) {
  const fx = options.fx ?? f;
  return await runCli(["propose", fx.intent, "--repo", options.repo ?? fx.bare, ...args], {
    cwd: fx.root,
    env: { TMPDIR: fx.tmp, HOME: fx.root, PATH: process.env.PATH, ...options.env },
  });
}

function branches(bare: string): string[] {
  return git(bare, ["for-each-ref", "--format=%(refname:short)", "refs/heads"])
    .split("\n")
    .filter(Boolean)
    .sort();
}

function kintentBranch(bare: string): string {
  const b = branches(bare).filter((x) => x.startsWith("kintent/"));
  expect(b).toHaveLength(1);
  return b[0] as string;
}

function bumpImage(fx: Fixture, to: string): void {
  const p = join(fx.intent, "kintent.yaml");
  writeFileSync(p, readFileSync(p, "utf8").replace(/my-service:v[\d.]+/, `my-service:${to}`));
}

/** A scratch clone for acting as a human on the remote. */
function clone(fx: Fixture, ref = "main"): string {
  const dir = mkdtempSync(join(fx.root, "human-"));
  git(fx.root, ["clone", "-q", "--branch", ref, fx.bare, dir]);
  git(dir, ["config", "user.name", "A Human"]);
  git(dir, ["config", "user.email", "human@acme.test"]);
  return dir;
}

describe("kintent propose (bare repository on disk, no forge)", () => {
  it("renders the GitOps layout on kintent/<app>/<hash>, with a conventional commit and trailers, and prints how to open the PR", async () => {
    const r = await propose(["--env", "prod", "-m", "Deploy my-service v2.3.1 to production"]);
    expect(r.code, r.stderr).toBe(0);
    const branch = kintentBranch(f.bare);
    expect(branch).toMatch(/^kintent\/my-service\/[0-9a-f]{8}$/);
    expect(r.stdout).toContain(`proposed my-service/prod on ${branch}`);
    expect(r.stdout).toContain("15 added, 0 changed, 0 removed");
    expect(r.stdout).toContain(`review: git -C ${f.bare} diff main...${branch}`);

    const message = git(f.bare, ["log", "-1", "--format=%B", branch]);
    expect(message.split("\n")[0]).toBe("chore(my-service): Deploy my-service v2.3.1 to production");
    const trailers = git(f.bare, ["log", "-1", "--format=%(trailers:only,unfold)", branch]);
    expect(trailers).toMatch(/^Intent-Hash: sha256:[0-9a-f]{64}$/m);
    expect(trailers).toContain("Kintent-Version: 0.1.0");
    expect(trailers).toContain("Kintent-Target: my-service/prod");
    expect(trailers).not.toContain("Proposed-By");
    expect(git(f.bare, ["rev-parse", `${branch}~1`])).toBe(git(f.bare, ["rev-parse", "main"]));

    // The files are exactly what `kintent build --out` writes (one per object), plus the marker.
    const out = join(f.root, "built");
    expect((await runCli(["build", f.intent, "--env", "prod", "--out", out])).code).toBe(0);
    const files = git(f.bare, ["ls-tree", "--name-only", `${branch}:apps/my-service/prod`]).split("\n");
    const built = readdirSync(out).filter((x) => x.endsWith(".yaml"));
    expect(files.filter((x) => x.endsWith(".yaml")).sort()).toEqual(built.sort());
    expect(files).toContain(".kintent-generated");
    for (const file of built)
      expect(git(f.bare, ["show", `${branch}:apps/my-service/prod/${file}`]) + "\n").toBe(
        readFileSync(join(out, file), "utf8"),
      );
    // And the Argo CD Application that syncs it.
    const app = git(f.bare, ["show", `${branch}:argocd/my-service-prod.yaml`]);
    expect(app).toContain("kind: Application");
    expect(app).toContain("path: apps/my-service/prod");
    expect(app).toContain("repoURL: https://git.acme.io/platform/gitops.git");
    // main is untouched: kintent never merges.
    expect(git(f.bare, ["ls-tree", "--name-only", "main"])).toBe("README.md");
    expect(readdirSync(f.tmp)).toEqual([]);
  });

  it("is idempotent: the same intent again changes nothing and says so", async () => {
    expect((await propose(["-m", "first"])).code).toBe(0);
    const branch = kintentBranch(f.bare);
    const sha = git(f.bare, ["rev-parse", branch]);
    const again = await propose(["-m", "first"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`my-service/prod is already proposed on ${branch}: nothing changed`);
    expect(git(f.bare, ["rev-parse", branch])).toBe(sha);
    expect(branches(f.bare)).toEqual(["kintent/my-service/" + branch.split("/")[2], "main"].sort());
  });

  it("updates the same branch with a new commit when the intent changes, listing the changed fields", async () => {
    expect((await propose(["-m", "first"])).code).toBe(0);
    const branch = kintentBranch(f.bare);
    const first = git(f.bare, ["rev-parse", branch]);
    bumpImage(f, "v2.3.2");
    const r = await propose(["-m", "Bump my-service to v2.3.2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`updated ${branch}`);
    expect(kintentBranch(f.bare)).toBe(branch);
    expect(git(f.bare, ["rev-parse", `${branch}~1`])).toBe(first); // fast-forward, nothing rewritten
    const message = git(f.bare, ["log", "-1", "--format=%B", branch]);
    // The image, the version label on each of the app's 14 objects, the Application's summary.
    expect(message).toContain("Objects: 0 added, 15 changed, 0 removed");
    expect(message).toContain(
      '~ apps/my-service/prod: Service payments/my-service (metadata.labels["app.kubernetes.io/version"])',
    );
    expect(message).toMatch(
      /~ apps\/my-service\/prod: Rollout payments\/my-service \(.*spec\.template\.spec\.containers\[my-service\]\.image/,
    );
    expect(message).toContain("~ argocd/my-service-prod.yaml: Application argocd/my-service-prod");
    expect(git(f.bare, ["show", `${branch}:apps/my-service/prod/rollout-my-service.yaml`])).toContain(
      "my-service:v2.3.2",
    );
  });

  it("rebases its own branch onto a moved main, pushing with a lease", async () => {
    expect((await propose(["-m", "first"])).code).toBe(0);
    const branch = kintentBranch(f.bare);
    const human = clone(f);
    writeFileSync(join(human, "CODEOWNERS"), "* @acme/platform\n");
    git(human, ["add", "CODEOWNERS"]);
    git(human, ["commit", "-q", "-m", "Add CODEOWNERS"]);
    git(human, ["push", "-q", "origin", "main"]);
    bumpImage(f, "v2.3.2");
    const r = await propose(["-m", "Bump"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("rebased onto main, with lease");
    const main = git(f.bare, ["rev-parse", "main"]);
    expect(git(f.bare, ["merge-base", main, branch])).toBe(main);
    expect(git(f.bare, ["log", "--format=%s", `main..${branch}`]).split("\n")).toEqual([
      "chore(my-service): Bump",
      "chore(my-service): first",
    ]);
  });

  it("never rewrites a branch someone else committed to: adds on top instead", async () => {
    expect((await propose(["-m", "first"])).code).toBe(0);
    const branch = kintentBranch(f.bare);
    const human = clone(f, branch);
    writeFileSync(join(human, "NOTES.md"), "reviewed by a human\n");
    git(human, ["add", "NOTES.md"]);
    git(human, ["commit", "-q", "-m", "Review notes"]);
    git(human, ["push", "-q", "origin", branch]);
    const humanSha = git(human, ["rev-parse", "HEAD"]);
    const other = clone(f);
    writeFileSync(join(other, "CODEOWNERS"), "* @acme/platform\n");
    git(other, ["add", "CODEOWNERS"]);
    git(other, ["commit", "-q", "-m", "Add CODEOWNERS"]);
    git(other, ["push", "-q", "origin", "main"]);
    bumpImage(f, "v2.3.2");
    const r = await propose(["-m", "Bump"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("lease");
    expect(git(f.bare, ["rev-parse", `${branch}~1`])).toBe(humanSha);
  });

  it("reports a conflict with main and what to do, without pushing or guessing", async () => {
    expect((await propose(["-m", "first"])).code).toBe(0);
    const branch = kintentBranch(f.bare);
    const before = git(f.bare, ["rev-parse", branch]);
    // Someone puts a different rendering of the same file on main.
    const human = clone(f, branch);
    git(human, ["checkout", "-q", "-B", "main", "origin/main"]);
    git(human, ["checkout", "-q", branch, "--", "apps"]);
    const file = join(human, "apps/my-service/prod/rollout-my-service.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("my-service:v2.3.1", "my-service:v2.3.1-hotfix"));
    git(human, ["add", "-A"]);
    git(human, ["commit", "-q", "-m", "Hotfix by hand"]);
    git(human, ["push", "-q", "origin", "main"]);
    bumpImage(f, "v2.3.2");
    const r = await propose(["-m", "Bump"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${branch} conflicts with main in apps/my-service/prod/rollout-my-service.yaml`,
    );
    expect(r.stderr).toContain("kintent does not resolve conflicts by guessing");
    expect(r.stderr).toContain(`git push ${f.bare} --delete ${branch}`);
    expect(git(f.bare, ["rev-parse", branch])).toBe(before);
    expect(readdirSync(f.tmp)).toEqual([]);
  });

  it("says there is nothing to propose once main holds the manifests (after a human merged)", async () => {
    expect((await propose(["-m", "first"])).code).toBe(0);
    const branch = kintentBranch(f.bare);
    const human = clone(f);
    git(human, ["merge", "-q", "--no-ff", "-m", "Merge the proposal", `origin/${branch}`]);
    git(human, ["push", "-q", "origin", "main"]);
    const r = await propose(["-m", "first"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "nothing to propose for my-service/prod: main already holds exactly these manifests",
    );
    expect(branches(f.bare)).toEqual([branch, "main"].sort());
    // A new change after the merge starts a new branch.
    bumpImage(f, "v2.4.0");
    expect((await propose(["-m", "next"])).code).toBe(0);
    const now = branches(f.bare).filter((b) => b.startsWith("kintent/"));
    expect(now).toHaveLength(2);
  });

  it("refuses on error findings: nothing is pushed", async () => {
    bumpImage(f, "latest");
    const r = await propose(["-m", "yolo"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("latest-tag");
    expect(r.stderr).toContain("refusing to propose my-service/prod: 1 error finding(s)");
    expect(branches(f.bare)).toEqual(["main"]);
  });

  it("refuses to replace a directory of the GitOps repository that kintent did not write", async () => {
    const human = clone(f);
    mkdirSync(join(human, "apps/my-service/prod"), { recursive: true });
    writeFileSync(
      join(human, "apps/my-service/prod/hand-written.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    git(human, ["add", "-A"]);
    git(human, ["commit", "-q", "-m", "hand-written manifests"]);
    git(human, ["push", "-q", "origin", "main"]);
    const r = await propose(["-m", "first"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("apps/my-service/prod holds files kintent did not write");
    expect(branches(f.bare)).toEqual(["main"]);
  });

  it("never modifies the working tree of a local repository it pushes to, and leaves no branch or worktree there", async () => {
    const local = clone(f);
    writeFileSync(join(local, "README.md"), "uncommitted edit\n");
    writeFileSync(join(local, "scratch.txt"), "untracked\n");
    const status = git(local, ["status", "--porcelain"]);
    const head = git(local, ["rev-parse", "HEAD"]);
    const r = await propose(["-m", "first"], { repo: local });
    expect(r.code, r.stderr).toBe(0);
    expect(git(local, ["status", "--porcelain"])).toBe(status);
    expect(git(local, ["rev-parse", "HEAD"])).toBe(head);
    expect(git(local, ["worktree", "list"]).split("\n")).toHaveLength(1);
    expect(readFileSync(join(local, "README.md"), "utf8")).toBe("uncommitted edit\n");
    const b = git(local, ["for-each-ref", "--format=%(refname:short)", "refs/heads"]).split("\n").sort();
    expect(b).toHaveLength(2); // main and the pushed proposal
    expect(b.find((x) => x.startsWith("kintent/my-service/"))).toBeDefined();
    expect(readdirSync(f.tmp)).toEqual([]);
    // The intent directory is untouched too.
    expect(readFileSync(join(f.intent, "kintent.yaml"), "utf8")).toBe(
      readFileSync(join(EXAMPLES, "production", "kintent.yaml"), "utf8"),
    );
  });

  it("proposes several environments on one branch, records Proposed-By, and reports JSON", async () => {
    const fx = fixture("multi-env");
    const r = await propose(
      [
        "--env",
        "dev",
        "--env",
        "prod",
        "-m",
        "Roll out",
        "--proposed-by",
        "kintent ask (anthropic:claude-sonnet-4-5)",
        "--output",
        "json",
      ],
      { fx },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      results: { status: string; branch: string; envs: string[]; changes: unknown[] }[];
    };
    expect(out.results).toHaveLength(1);
    const res = out.results[0];
    expect(res?.status).toBe("created");
    expect(res?.envs).toEqual(["dev", "prod"]);
    const branch = res?.branch ?? "";
    expect(git(fx.bare, ["ls-tree", "--name-only", branch, "apps/agent-runner/"]).split("\n")).toEqual([
      "apps/agent-runner/dev",
      "apps/agent-runner/prod",
    ]);
    const trailers = git(fx.bare, ["log", "-1", "--format=%(trailers:only,unfold)", branch]);
    expect(trailers).toContain("Kintent-Target: agent-runner/dev,prod");
    expect(trailers).toContain("Proposed-By: kintent ask (anthropic:claude-sonnet-4-5)");
    // staging is a different target: its own branch, not an update of this one.
    const s = await propose(["--env", "staging", "-m", "staging too"], { fx });
    expect(s.code, s.stderr).toBe(0);
    expect(branches(fx.bare).filter((b) => b.startsWith("kintent/"))).toHaveLength(2);
  });

  it("commits the intent with the manifests (--with-intent) for repositories that hold both", async () => {
    const r = await propose(["-m", "first", "--with-intent", "services/my-service"]);
    expect(r.code, r.stderr).toBe(0);
    const branch = kintentBranch(f.bare);
    expect(git(f.bare, ["ls-tree", "-r", "--name-only", branch, "services"]).split("\n")).toEqual([
      "services/my-service/kintent.yaml",
      "services/my-service/platform.yaml",
    ]);
    expect(git(f.bare, ["show", `${branch}:services/my-service/kintent.yaml`]) + "\n").toBe(
      readFileSync(join(f.intent, "kintent.yaml"), "utf8"),
    );
    const bad = await propose(["-m", "x", "--with-intent", "../outside"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("must be a path inside the repository");
  });

  it("defaults --repo to platform.spec.gitops.repo, and says so when there is none", async () => {
    const platform = join(f.intent, "platform.yaml");
    writeFileSync(
      platform,
      readFileSync(platform, "utf8").replace("https://git.acme.io/platform/gitops.git", `file://${f.bare}`),
    );
    const r = await runCli(["propose", f.intent, "-m", "from the platform"], {
      cwd: f.root,
      env: { TMPDIR: f.tmp, HOME: f.root, PATH: process.env.PATH },
    });
    expect(r.code, r.stderr).toBe(0);
    const branch = kintentBranch(f.bare);
    expect(git(f.bare, ["show", `${branch}:argocd/my-service-prod.yaml`])).toContain(
      `repoURL: file://${f.bare}`,
    );
    const quick = fixture("quickstart");
    const none = await runCli(["propose", quick.intent], { cwd: quick.root, env: { TMPDIR: quick.tmp } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      "no GitOps repository: pass --repo <path or URL>, or set platform.spec.gitops.repo",
    );
  });

  it("exits 2 with a usage message for an unknown environment, a missing repository, a missing base branch", async () => {
    const env = await propose(["--env", "prdo"]);
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("did you mean `prod`?");
    const repo = await propose([], { repo: join(f.root, "nope") });
    expect(repo.code).toBe(2);
    expect(repo.stderr).toContain("no such directory, and not a Git URL");
    const base = await propose(["--base", "release"]);
    expect(base.code).toBe(2);
    expect(base.stderr).toContain("has no branch `release` to propose against");
    expect(readdirSync(f.tmp)).toEqual([]);
    expect(existsSync(join(f.root, "nope"))).toBe(false);
  });
});
