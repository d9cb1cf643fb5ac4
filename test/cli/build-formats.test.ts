/** `kintent build --format helm|kustomize|argocd` end to end (in-process): files, exit codes, refusals. */
import { afterEach, describe, expect, it } from "vitest";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { EXAMPLES, ROOT, runCli } from "../helpers.js";
import { byIdentity, kubectlBinary, parseObjects, runOk } from "../render/tools.js";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "kintent-formats-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of an example whose platform file is edited by `edit`. */
function exampleCopy(example: string, edit: (platform: string) => string): string {
  const d = join(tmp(), example);
  cpSync(join(EXAMPLES, example), d, { recursive: true });
  const p = join(d, "platform.yaml");
  writeFileSync(p, edit(readFileSync(p, "utf8")));
  return d;
}

describe("kintent build --format helm", () => {
  it("writes a chart for every environment and says which version", async () => {
    const out = join(tmp(), "chart");
    const r = await runCli(["build", "examples/multi-env", "--format", "helm", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /wrote Helm chart agent-runner 3\.2\.0\+k[0-9a-f]{8} \(dev, staging, prod\) to /,
    );
    for (const f of [
      "Chart.yaml",
      "values.yaml",
      "values-dev.yaml",
      "values-staging.yaml",
      "values-prod.yaml",
      "values.schema.json",
      "README.md",
      "templates/_helpers.tpl",
      "templates/NOTES.txt",
      "templates/statefulset-agent-runner.yaml",
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    const chart = parse(readFileSync(join(out, "Chart.yaml"), "utf8")) as Record<string, string>;
    expect(chart).toMatchObject({
      apiVersion: "v2",
      name: "agent-runner",
      appVersion: "3.2.0",
      type: "application",
    });
  });

  it("--env renders only that environment's values file", async () => {
    const out = join(tmp(), "chart");
    const r = await runCli([
      "build",
      "examples/multi-env",
      "--format",
      "helm",
      "--env",
      "prod",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).filter((f) => f.startsWith("values-"))).toEqual(["values-prod.yaml"]);
  });

  it("needs --out, and refuses a directory kintent did not write", async () => {
    const a = await runCli(["build", "examples/quickstart", "--format", "helm"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("--format helm writes a directory: add --out <dir>");
    const foreign = tmp();
    writeFileSync(join(foreign, "mine.txt"), "keep me");
    const b = await runCli(["build", "examples/quickstart", "--format", "helm", "--out", foreign]);
    expect(b.code).toBe(2);
    expect(readdirSync(foreign)).toEqual(["mine.txt"]);
  });

  it("refuses to write a chart whose manifests have error findings (exit 1, nothing written) unless --allow-invalid", async () => {
    const d = exampleCopy("multi-env", (p) => p.replace("domain: acme.io", "domain: example.com"));
    const out = join(tmp(), "chart");
    const r = await runCli(["build", d, "--format", "helm", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("placeholder-values");
    expect(r.stderr).toContain("refusing to write Helm chart");
    expect(existsSync(out)).toBe(false);
    const forced = await runCli(["build", d, "--format", "helm", "--out", out, "--allow-invalid"]);
    expect(forced.code).toBe(1);
    expect(existsSync(join(out, "Chart.yaml"))).toBe(true);
  });
});

describe("kintent build --format kustomize", () => {
  it("writes base/ and one overlay per environment", async () => {
    const out = join(tmp(), "k");
    const r = await runCli(["build", "examples/multi-env", "--format", "kustomize", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(out, "overlays")).sort()).toEqual(["dev", "prod", "staging"]);
    expect(existsSync(join(out, "base", "kustomization.yaml"))).toBe(true);
    expect(existsSync(join(out, "overlays", "prod", "patches", "statefulset-agent-runner.yaml"))).toBe(true);
  });
});

describe("kintent build --format argocd", () => {
  const kinds = (stdout: string) =>
    parseAllDocuments(stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });

  it("prints an Application per environment, or one ApplicationSet", async () => {
    const a = await runCli(["build", "examples/multi-env", "--format", "argocd"]);
    expect(a.code, a.stderr).toBe(0);
    expect(kinds(a.stdout).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Application/agent-runner-dev",
      "Application/agent-runner-staging",
      "Application/agent-runner-prod",
    ]);
    const s = await runCli(["build", "examples/multi-env", "--format", "argocd", "--applicationset"]);
    expect(s.code, s.stderr).toBe(0);
    expect(kinds(s.stdout).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ApplicationSet/agent-runner",
    ]);
  });

  it("--plugin points at the intent directory's path in its Git work tree", async () => {
    const r = await runCli(["build", "examples/multi-env", "--format", "argocd", "--plugin"], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const [app] = kinds(r.stdout) as unknown as { spec: { source: Record<string, unknown> } }[];
    expect(app?.spec.source).toMatchObject({
      path: "examples/multi-env",
      plugin: { name: "kintent", env: [{ name: "KINTENT_ENV", value: "dev" }] },
    });
    const outside = tmp();
    cpSync(join(EXAMPLES, "multi-env"), join(outside, "x"), { recursive: true });
    const n = await runCli(["build", join(outside, "x"), "--format", "argocd", "--plugin"]);
    expect(n.code).toBe(2);
    expect(n.stderr).toContain("not inside a Git work tree");
  });

  it("needs a repository: platform.gitops.repo or --repo (exit 2 otherwise, never a placeholder)", async () => {
    const a = await runCli(["build", "examples/traefik-canary", "--format", "argocd"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("set platform.spec.gitops.repo, or pass --repo <url>");
    const b = await runCli([
      "build",
      "examples/traefik-canary",
      "--format",
      "argocd",
      "--repo",
      "https://git.acme.io/k3s.git",
    ]);
    expect(b.code, b.stderr).toBe(0);
  });

  it("refuses Applications with a placeholder cluster URL (exit 1, nothing written)", async () => {
    const d = exampleCopy("multi-env", (p) =>
      p.replace("https://prod-eks.acme.internal", "https://my-cluster.example.com"),
    );
    const out = join(tmp(), "apps");
    const r = await runCli(["build", d, "--format", "argocd", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("placeholder");
    expect(existsSync(out)).toBe(false);
  });

  it("rejects format-specific flags elsewhere", async () => {
    for (const args of [
      ["--applicationset"],
      ["--plugin"],
      ["--repo", "x"],
      ["--format", "helm", "--out", "x", "--applicationset"],
    ]) {
      const r = await runCli(["build", "examples/multi-env", "--env", "dev", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("--format argocd");
    }
    const j = await runCli(["build", "examples/multi-env", "--format", "argocd", "--output", "json"]);
    expect(j.code).toBe(2);
  });

  it("writes one file per object with --out", async () => {
    const out = join(tmp(), "apps");
    mkdirSync(out);
    const r = await runCli(["build", "examples/multi-env", "--format", "argocd", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      ".kintent-generated",
      "application-agent-runner-dev.yaml",
      "application-agent-runner-prod.yaml",
      "application-agent-runner-staging.yaml",
    ]);
  });
});

describe("a directory with several apps", () => {
  const APP = (name: string, port: number) => `apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: ${name}, labels: {team: core}}
spec:
  image: ghcr.io/acme/${name}:2.0.0
  port: ${port}
  probe: /healthz
  tier: staging
`;
  const PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  gitops: {repo: https://git.acme.io/gitops.git}
  environments:
    dev: {cluster: https://kubernetes.default.svc, namespace: shop-dev, replicas: 1, tier: dev}
    prod: {cluster: https://prod.acme.internal, namespace: shop, replicas: 3}
`;
  function intent(): string {
    const d = join(tmp(), "shop");
    mkdirSync(d);
    writeFileSync(join(d, "api.kintent.yaml"), APP("api", 8080));
    writeFileSync(join(d, "web.kintent.yaml"), APP("web", 3000));
    writeFileSync(join(d, "platform.yaml"), PLATFORM);
    return d;
  }

  it("--format helm writes one chart per app; --format argocd one Application per app and environment", async () => {
    const d = intent();
    const out = join(tmp(), "charts");
    const r = await runCli(["build", d, "--format", "helm", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(
      readdirSync(out)
        .filter((f) => !f.startsWith("."))
        .sort(),
    ).toEqual(["api", "web"]);
    expect(parse(readFileSync(join(out, "web", "Chart.yaml"), "utf8"))).toMatchObject({ name: "web" });
    const a = await runCli(["build", d, "--format", "argocd"]);
    expect(a.code, a.stderr).toBe(0);
    expect(
      parseAllDocuments(a.stdout).map((x) => (x.toJS() as { metadata: { name: string } }).metadata.name),
    ).toEqual(["api-dev", "api-prod", "web-dev", "web-prod"]);
  });

  it("--format kustomize holds both apps, and each overlay renders exactly kintent build --env", async () => {
    const d = intent();
    const out = join(tmp(), "k");
    const r = await runCli(["build", d, "--format", "kustomize", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    for (const env of ["dev", "prod"]) {
      const rendered = parseObjects(runOk(kubectlBinary(), ["kustomize", join(out, "overlays", env)]));
      const b = await runCli(["build", d, "--env", env]);
      expect(b.code, b.stderr).toBe(0);
      expect(byIdentity(rendered)).toStrictEqual(byIdentity(parseObjects(b.stdout)));
      expect(
        rendered
          .filter((o) => o.kind === "Deployment")
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(["api", "web"]);
    }
  });
});

describe("extra/ manifests in --format helm and kustomize", () => {
  const FIXTURE = "test/fixtures/extras";

  it("kustomize: every overlay renders what kintent build --env prints, extras included", async () => {
    const out = join(tmp(), "k");
    const r = await runCli(["build", FIXTURE, "--format", "kustomize", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, "base", "statefulset-redis.yaml"))).toBe(true);
    for (const env of ["dev", "staging", "prod"]) {
      const built = await runCli(["build", FIXTURE, "--env", env]);
      expect(built.code, built.stderr).toBe(0);
      const expected = parseObjects(built.stdout);
      expect(expected.map((o) => `${o.kind}/${o.metadata.name}`)).toContain("PriorityClass/orders-critical");
      const rendered = parseObjects(runOk(kubectlBinary(), ["kustomize", join(out, "overlays", env)]));
      expect(byIdentity(rendered)).toStrictEqual(byIdentity(expected));
    }
  });

  it("helm: the chart templates every extra and lists it with its why", async () => {
    const out = join(tmp(), "chart");
    const r = await runCli(["build", FIXTURE, "--format", "helm", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["statefulset-redis", "configmap-orders-dashboard", "priorityclass-orders-critical"])
      expect(existsSync(join(out, "templates", `${f}.yaml`)), f).toBe(true);
    // Source paths in whys are relative to where kintent ran, as everywhere in kintent's output.
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain(
      "extra manifest (extra/priority.yaml): Orders must not be preempted by batch jobs.",
    );
  });

  it("validates the extras before writing (exit 1, nothing written)", async () => {
    const d = join(tmp(), "orders");
    cpSync(join(ROOT, FIXTURE), d, { recursive: true });
    const redis = join(d, "extra", "redis.yaml");
    writeFileSync(
      redis,
      readFileSync(redis, "utf8").replace("allowPrivilegeEscalation: false", "privileged: true"),
    );
    for (const format of ["helm", "kustomize"]) {
      const out = join(tmp(), format);
      const r = await runCli(["build", d, "--format", format, "--out", out]);
      expect(r.code, format).toBe(1);
      expect(r.stderr).toMatch(/error\s+container `redis` runs privileged/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("an unlabelled extra in a directory of several apps has no owner, with --app too (exit 2)", async () => {
    const d = join(tmp(), "orders");
    cpSync(join(ROOT, FIXTURE), d, { recursive: true });
    writeFileSync(
      join(d, "admin.kintent.yaml"),
      "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: admin, labels: {team: checkout}}\nspec: {image: ghcr.io/acme/admin:1.0.0, port: 8080, probe: /healthz}\n",
    );
    const r = await runCli([
      "build",
      d,
      "--format",
      "kustomize",
      "--app",
      "orders",
      "--out",
      join(tmp(), "k"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("extra manifests in a directory with several apps need the label");
  });
});
