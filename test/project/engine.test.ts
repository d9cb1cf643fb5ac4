/**
 * One engine under every path. A fixture repository — an intent with extra/ manifests, and a `.kintent.yaml`
 * above it with a custom check and a Kyverno policy — goes through every command that turns an intent into
 * objects: `build` (manifests, helm, kustomize), `explain`, `validate DIR`, the `set` preview, `propose` and the
 * Argo CD plugin. They must see the same objects and the same findings, and refuse exactly when `build` does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import { dirname, join, relative } from "node:path";
import { parse } from "yaml";
import type { Finding } from "../../src/core/finding.js";
import type { KObject } from "../../src/core/object.js";
import { openProject } from "../../src/project/index.js";
import { runCli } from "../helpers.js";
import { createBareRepo, git } from "../gitops/servers.js";
import { byIdentity, helmBinary, kubectlBinary, parseObjects, runOk } from "../render/tools.js";

const APP = `apiVersion: kintent.dev/v1alpha1
kind: App
metadata:
  name: shop
  labels: {team: web, owner: alice}
spec:
  image: ghcr.io/acme/shop:1.4.2
  port: 8080
  probe: /healthz
  env:
    CACHE_URL: {config: shop-cache, key: url}
`;

const PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  gitops: {repo: https://git.acme.io/platform/gitops.git}
  environments:
    dev: {cluster: https://kubernetes.default.svc, namespace: shop-dev, tier: dev, replicas: 1, sync: auto}
    prod: {cluster: https://prod.acme.internal, namespace: shop, sync: manual}
`;

const CACHE = `# The cache endpoint the app reads (its Redis is run by the data team).
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-cache
  annotations: {kintent.dev/why: "The app reads its cache endpoint from here."}
data:
  url: redis://cache.data.svc:6379
`;

const CONFIG = `# The team's rules, for every intent below this directory.
customChecks:
  - id: two-replicas
    template: minimum-replicas
    params: {min: 2, productionOnly: false}
    severity: warning
    description: every workload runs at least two replicas
policies: [policies/require-owner.yaml]
`;

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-owner}
spec:
  validationFailureAction: Enforce
  rules:
    - name: owner-label
      match: {any: [{resources: {kinds: [Deployment]}}]}
      validate:
        message: "Deployments need an owner label."
        pattern: {metadata: {labels: {owner: "?*"}}}
`;

const ENVS = ["dev", "prod"] as const;

interface Repo {
  root: string;
  /** The intent directory. */
  dir: string;
  bare: string;
  tmp: string;
}

const work = mkdtempSync(join(tmpdir(), "kintent-engine-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function repo(app = APP): Repo {
  const root = mkdtempSync(join(work, "repo-"));
  const dir = join(root, "apps", "shop");
  const files: Record<string, string> = {
    ".kintent.yaml": CONFIG,
    "policies/require-owner.yaml": POLICY,
    "apps/shop/kintent.yaml": app,
    "apps/shop/platform.yaml": PLATFORM,
    "apps/shop/extra/cache.yaml": CACHE,
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  const bare = createBareRepo(join(root, ".."), `gitops-${relative(work, root)}`, "gitops");
  const tmp = join(root, ".tmp");
  mkdirSync(tmp);
  return { root, dir, bare, tmp };
}

const id = (f: Finding) =>
  `${f.severity} ${f.checkId} ${f.object ? `${f.object.kind}/${f.object.namespace ?? ""}/${f.object.name}` : "-"}`;
const ids = (fs: readonly Finding[]) => fs.map(id).sort();

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const p = join(dir, f);
    try {
      out[f] = readFileSync(p, "utf8");
    } catch {
      // a directory
    }
  }
  return out;
}

function gitEnv(r: Repo): NodeJS.ProcessEnv {
  return { TMPDIR: r.tmp, HOME: r.root, PATH: process.env.PATH };
}

function branches(bare: string): string[] {
  return git(bare, ["for-each-ref", "--format=%(refname:short)", "refs/heads"])
    .split("\n")
    .filter(Boolean)
    .sort();
}

describe("every path through one engine: a passing intent", () => {
  let r: Repo;
  const built = new Map<string, { objects: KObject[]; findings: Finding[]; yaml: string }>();

  beforeAll(async () => {
    r = repo();
    for (const env of ENVS) {
      const json = await runCli(["build", r.dir, "--env", env, "--output", "json"], { cwd: r.root });
      expect(json.code, json.stderr).toBe(0);
      const out = JSON.parse(json.stdout) as { objects: KObject[]; findings: Finding[] };
      const yaml = await runCli(["build", r.dir, "--env", env], { cwd: r.root });
      expect(yaml.code).toBe(0);
      built.set(env, { objects: out.objects, findings: out.findings, yaml: yaml.stdout });
    }
  });

  it("build: the extra ConfigMap joins the objects, and the team's custom check speaks where it should", () => {
    for (const env of ENVS) {
      const b = built.get(env);
      expect(b?.objects.some((o) => o.kind === "ConfigMap" && o.metadata.name === "shop-cache")).toBe(true);
      // dev pins one replica: the custom check warns there, and only there.
      expect(b?.findings.some((f) => f.checkId === "two-replicas")).toBe(env === "dev");
    }
  });

  it("the engine as a library gives the same objects and findings", async () => {
    const project = await openProject(r.dir);
    expect(project.inputs).toEqual(["extra/cache.yaml", "kintent.yaml", "platform.yaml"]);
    for (const env of ENVS) {
      const b = project.build(env);
      expect(b.objects).toEqual(built.get(env)?.objects);
      expect(ids([...b.warnings, ...b.findings])).toEqual(ids(built.get(env)?.findings ?? []));
    }
  });

  it("--format kustomize: kubectl kustomize of each overlay is exactly the build, extra included", async () => {
    const out = join(r.tmp, "kustomize");
    const k = await runCli(["build", r.dir, "--format", "kustomize", "--out", out], { cwd: r.root });
    expect(k.code, k.stderr).toBe(0);
    expect(stylishIds(k.stderr)).toEqual(
      ENVS.flatMap((e) => built.get(e)?.findings ?? [])
        .map((f) => `${f.severity} ${f.checkId}`)
        .sort(),
    );
    for (const env of ENVS) {
      const rendered = parseObjects(runOk(kubectlBinary(), ["kustomize", join(out, "overlays", env)]));
      expect(byIdentity(rendered)).toStrictEqual(byIdentity(built.get(env)?.objects ?? []));
    }
  });

  it("--format helm: helm template of each values file holds the same objects, extra included", async () => {
    const out = join(r.tmp, "helm");
    const h = await runCli(["build", r.dir, "--format", "helm", "--out", out], { cwd: r.root });
    expect(h.code, h.stderr).toBe(0);
    for (const env of ENVS) {
      const rendered = parseObjects(
        runOk(helmBinary(), ["template", "shop", out, "-f", join(out, `values-${env}.yaml`)]),
      );
      const key = (o: KObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
      expect(rendered.map(key).sort()).toEqual((built.get(env)?.objects ?? []).map(key).sort());
      expect(rendered.find((o) => o.kind === "ConfigMap" && o.metadata.name === "shop-cache")?.data).toEqual({
        url: "redis://cache.data.svc:6379",
      });
    }
  });

  it("explain: the runbook of the same objects", async () => {
    const e = await runCli(["explain", r.dir, "--env", "prod"], { cwd: r.root });
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain("shop-cache");
  });

  it("validate DIR: the same findings for every environment, the same exit code", async () => {
    const v = await runCli(["validate", r.dir, "-f", "json"], { cwd: r.root });
    expect(v.code, v.stdout).toBe(0);
    const report = JSON.parse(v.stdout) as { findings: Finding[] };
    expect(ids(report.findings)).toEqual(ids(ENVS.flatMap((e) => built.get(e)?.findings ?? [])));
  });

  it("set --dry-run previews with the same checks: an environment the edit does not touch keeps its findings", async () => {
    const s = await runCli(
      ["set", "image", ":1.4.3", "--env", "dev", "-C", r.dir, "--dry-run", "--output", "json"],
      {
        cwd: r.root,
      },
    );
    expect(s.code, s.stderr).toBe(0);
    const out = JSON.parse(s.stdout) as {
      status: string;
      environments: { env: string; findings: Finding[] }[];
    };
    expect(out.status).toBe("dry-run");
    const prod = out.environments.find((e) => e.env === "prod");
    expect(ids(prod?.findings ?? [])).toEqual(ids(built.get("prod")?.findings ?? []));
    const dev = out.environments.find((e) => e.env === "dev");
    expect(dev?.findings.some((f) => f.checkId === "two-replicas")).toBe(true);
  });

  it("propose: the branch holds exactly the built objects of each environment, extra included", async () => {
    const p = await runCli(["propose", r.dir, "--repo", r.bare, "--output", "json"], {
      cwd: r.root,
      env: gitEnv(r),
    });
    expect(p.code, p.stderr).toBe(0);
    const outcome = JSON.parse(p.stdout) as { results: { branch: string; findings: Finding[] }[] };
    const result = outcome.results[0];
    expect(result?.branch).toMatch(/^kintent\/shop\//);
    // The same findings as the builds (propose adds the Argo CD Applications' own, if any).
    for (const f of ENVS.flatMap((e) => built.get(e)?.findings ?? []).filter((x) => x.object))
      expect(ids(result?.findings ?? [])).toContain(id(f));
    const clone = join(r.tmp, "clone");
    git(r.tmp, ["clone", "-q", "--branch", result?.branch ?? "", r.bare, clone]);
    for (const env of ENVS) {
      const dir = join(clone, "apps", "shop", env);
      const objects = readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .flatMap((f) => parseObjects(readFileSync(join(dir, f), "utf8")));
      expect(byIdentity(objects)).toStrictEqual(byIdentity(built.get(env)?.objects ?? []));
    }
  });

  it("the Argo CD plugin serves exactly what build prints", async () => {
    for (const env of ENVS) {
      const c = await runCli(["cmp", "generate"], { cwd: r.dir, env: { ARGOCD_ENV_KINTENT_ENV: env } });
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toBe(built.get(env)?.yaml);
    }
  });
});

/** `severity checkId` of every finding in a stylish report (stderr), sorted. */
function stylishIds(text: string): string[] {
  return text
    .split("\n")
    .map((l) => /^\s+\S*\s+(error|warning|info)\s.*\s(\S+)$/.exec(l))
    .flatMap((m) => (m ? [`${m[1]} ${m[2]}`] : []))
    .sort();
}

describe("every path through one engine: a team policy the intent breaks", () => {
  let r: Repo;
  beforeAll(() => {
    r = repo(APP.replace("labels: {team: web, owner: alice}", "labels: {team: web}"));
  });

  it("build refuses (exit 1), writes nothing, and names the policy", async () => {
    const b = await runCli(["build", r.dir, "--env", "prod"], { cwd: r.root });
    expect(b.code).toBe(1);
    expect(b.stdout).toBe("");
    expect(b.stderr).toContain("Deployments need an owner label.");
    expect(b.stderr).toContain("policy:require-owner/owner-label");
  });

  it.each(["helm", "kustomize"])("--format %s refuses too, and writes no directory", async (format) => {
    const out = join(r.tmp, format);
    const b = await runCli(["build", r.dir, "--format", format, "--out", out], { cwd: r.root });
    expect(b.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(b.stderr).toContain("policy:require-owner/owner-label");
  });

  it("explain and validate DIR refuse with the same finding", async () => {
    const e = await runCli(["explain", r.dir], { cwd: r.root });
    expect(e.code).toBe(1);
    expect(e.stdout).toBe("");
    const v = await runCli(["validate", r.dir], { cwd: r.root });
    expect(v.code).toBe(1);
    expect(v.stdout).toContain("Deployments need an owner label.");
  });

  it("a set preview is refused (nothing written)", async () => {
    const before = readFileSync(join(r.dir, "kintent.yaml"), "utf8");
    const s = await runCli(["set", "image", ":1.4.3", "-C", r.dir], { cwd: r.root });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("policy:require-owner/owner-label");
    expect(readFileSync(join(r.dir, "kintent.yaml"), "utf8")).toBe(before);
  });

  it("propose exits 1 and the GitOps repository is unchanged", async () => {
    const before = branches(r.bare);
    const head = git(r.bare, ["rev-parse", "main"]);
    const p = await runCli(["propose", r.dir, "--repo", r.bare], { cwd: r.root, env: gitEnv(r) });
    expect(p.code).toBe(1);
    expect(p.stderr).toContain("policy:require-owner/owner-label");
    expect(branches(r.bare)).toEqual(before);
    expect(git(r.bare, ["rev-parse", "main"])).toBe(head);
  });

  it("the Argo CD plugin exits non-zero with empty stdout", async () => {
    const c = await runCli(["cmp", "generate"], { cwd: r.dir, env: { ARGOCD_ENV_KINTENT_ENV: "prod" } });
    expect(c.code).not.toBe(0);
    expect(c.stdout).toBe("");
    expect(c.stderr).toContain("policy:require-owner/owner-label");
  });
});

describe("an invalid intent is a usage error (exit 2) on every command", () => {
  const bad = APP.replace("port: 8080", "port: 8080\n  replica: 2");
  it.each([
    ["build", "--env", "prod"],
    ["build", "--format", "kustomize", "--out", "OUT"],
    ["build", "--format", "helm", "--out", "OUT"],
    ["explain"],
    ["validate"],
    ["propose", "--repo", "BARE"],
  ])("kintent %s", async (...args) => {
    const r = repo(bad);
    const argv = [args[0] ?? "", r.dir, ...args.slice(1)].map((a) =>
      a === "OUT" ? join(r.tmp, "out") : a === "BARE" ? r.bare : a,
    );
    const res = await runCli(argv, { cwd: r.root, env: gitEnv(r) });
    expect(res.code, res.stderr + res.stdout).toBe(2);
    expect(res.stderr + res.stdout).toMatch(/apps\/shop\/kintent\.yaml|kintent\.yaml:\d+:\d+/);
    expect(res.stderr + res.stdout).toContain("did you mean `replicas`?");
    expect(existsSync(join(r.tmp, "out"))).toBe(false);
  });

  it("kintent cmp generate", async () => {
    const r = repo(bad);
    const c = await runCli(["cmp", "generate"], { cwd: r.dir, env: { ARGOCD_ENV_KINTENT_ENV: "prod" } });
    expect(c.code).toBe(2);
    expect(c.stdout).toBe("");
  });
});

describe("outputs do not depend on the working directory", () => {
  let r: Repo;
  beforeAll(() => {
    r = repo();
  });

  it.each([
    ["explain", "--env", "prod"],
    ["build", "--env", "prod", "--explain"],
  ])("kintent %s: byte-identical from /, the intent directory and its parent", async (cmd, ...rest) => {
    const outputs = new Set<string>();
    for (const cwd of ["/", r.dir, dirname(r.dir)]) {
      const res = await runCli([cmd ?? "", r.dir, ...rest], { cwd });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout.length).toBeGreaterThan(500);
      outputs.add(res.stdout);
    }
    expect(outputs.size).toBe(1);
    // The decisions point at the intent's own files.
    expect([...outputs][0]).toMatch(/kintent\.yaml:\d+/);
    expect([...outputs][0]).not.toContain(r.root);
  });

  it("kintent build --format kustomize|helm: the same files from /, the intent directory and its parent", async () => {
    for (const format of ["kustomize", "helm"]) {
      const seen: Record<string, string>[] = [];
      for (const [i, cwd] of ["/", r.dir, dirname(r.dir)].entries()) {
        const out = join(r.tmp, `${format}-${i}`);
        const res = await runCli(["build", r.dir, "--format", format, "--out", out], { cwd });
        expect(res.code, res.stderr).toBe(0);
        seen.push(files(out));
      }
      expect(Object.keys(seen[0] ?? {}).length).toBeGreaterThan(3);
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[2]).toEqual(seen[0]);
    }
  });

  it("a copy of the repository elsewhere builds the same bytes", async () => {
    const copy = mkdtempSync(join(work, "copy-"));
    cpSync(r.root, copy, { recursive: true });
    const a = await runCli(["build", r.dir, "--env", "dev", "--explain"], { cwd: "/" });
    const b = await runCli(["build", join(copy, "apps", "shop"), "--env", "dev", "--explain"], { cwd: "/" });
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe("which files are input", () => {
  it("build output written into the intent directory is never read back; a stray manifest gets a warning", async () => {
    const r = repo();
    const first = await runCli(["build", r.dir, "--env", "prod"], { cwd: r.root });
    expect(first.code).toBe(0);
    writeFileSync(join(r.dir, "out.yaml"), first.stdout);
    const second = await runCli(["build", r.dir, "--env", "prod"], { cwd: r.root });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toMatch(
      /out\.yaml is not an input and is ignored: it looks like Kubernetes manifests/,
    );
    // Other files in the directory are not even warned about.
    writeFileSync(join(r.dir, "notes.yaml"), "todo: [ship it]\n");
    const third = await runCli(["build", r.dir, "--env", "prod"], { cwd: r.root });
    expect(third.stderr).not.toContain("notes.yaml");
  });

  it("extra/ is read recursively; a symlink out of the intent directory is refused with its location", async () => {
    const r = repo();
    mkdirSync(join(r.dir, "extra", "nested"));
    writeFileSync(join(r.dir, "extra", "nested", "more.yaml"), CACHE.replace("shop-cache", "shop-more"));
    const b = await runCli(["build", r.dir, "--env", "prod"], { cwd: r.root });
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain("name: shop-more");
    const outside = join(r.root, "outside.yaml");
    writeFileSync(outside, CACHE.replace("shop-cache", "leak"));
    const { symlinkSync } = await import("node:fs");
    symlinkSync(outside, join(r.dir, "extra", "leak.yaml"));
    const refused = await runCli(["build", r.dir, "--env", "prod"], { cwd: r.root });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/extra\/leak\.yaml leads outside the intent directory/);
  });

  it("the platform and the configuration may live above the intent; the project names every input it read", async () => {
    const r = repo();
    rmSync(join(r.dir, "platform.yaml"));
    writeFileSync(join(r.root, "apps", "platform.yaml"), PLATFORM);
    const project = await openProject(r.dir);
    expect(project.inputs).toEqual(["../platform.yaml", "extra/cache.yaml", "kintent.yaml"]);
    expect(project.validation.configFile).toBe(join(r.root, ".kintent.yaml"));
    expect(project.validation.policyCount).toBe(1);
    expect(parse(CONFIG)).toBeTruthy();
  });
});
