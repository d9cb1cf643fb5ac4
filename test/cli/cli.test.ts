/** The CLI end to end (in-process): exit codes, stdout/stderr separation, JSON output, init → build. */
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { runCli, ROOT } from "../helpers.js";
import { VERSION } from "../../src/core/version.js";

describe("kintent build", () => {
  it("prints a YAML stream of the quickstart with exit 0 and nothing on stderr", async () => {
    const r = await runCli(["build", "examples/quickstart"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string });
    expect(docs.map((d) => d.kind)).toEqual(["ServiceAccount", "Service", "Deployment"]);
  });

  it("needs --env when the platform has several, and suggests a misspelt one", async () => {
    const a = await runCli(["build", "examples/multi-env"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("choose an environment with --env: dev, staging, prod");
    const b = await runCli(["build", "examples/multi-env", "--env", "prdo"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("did you mean `prod`?");
    expect(b.stdout).toBe("");
  });

  it("reports a bad intent with file:line:column and exit 2, without a stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kintent-cli-"));
    writeFileSync(
      join(dir, "kintent.yaml"),
      "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: shop}\nspec:\n  image: ghcr.io/a/b:1\n  replica: 3\n",
    );
    const r = await runCli(["build", dir], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /kintent\.yaml\n\s+6:3\s+error\s+unknown field `replica` in `spec` — did you mean `replicas`\?/,
    );
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    const j = await runCli(["build", dir, "--output", "json"], { cwd: dir });
    expect(j.code).toBe(2);
    const parsed = JSON.parse(j.stdout) as {
      findings: { loc: { line: number; column: number }; message: string }[];
    };
    expect(parsed.findings[0]?.loc).toMatchObject({ line: 6, column: 3 });
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 2 for a missing directory and for an unknown flag", async () => {
    expect((await runCli(["build", "does/not/exist"])).stderr).toContain(
      "no such file or directory: does/not/exist",
    );
    expect((await runCli(["build", "does/not/exist"])).code).toBe(2);
    const f = await runCli(["build", "examples/quickstart", "--evn", "x"]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain("unknown option '--evn'");
  });

  it("--out writes one file per object atomically and refuses a foreign directory", async () => {
    const root = mkdtempSync(join(tmpdir(), "kintent-cli-out-"));
    const out = join(root, "prod");
    const r = await runCli(["build", "examples/production", "--env", "prod", "--out", out]);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toContain("rollout-my-service.yaml");
    expect(files).toContain("certificate-my-service-tls.yaml");
    expect(files.filter((f) => f.endsWith(".yaml"))).toHaveLength(14);
    expect(readFileSync(join(out, "rollout-my-service.yaml"), "utf8")).toMatch(
      /^apiVersion: argoproj\.io\/v1alpha1\nkind: Rollout\n/,
    );
    const foreign = join(root, "foreign");
    await runCli(["init", "--name", "x", "--image", "x:1", "--dir", foreign]);
    const refused = await runCli(["build", "examples/production", "--env", "prod", "--out", foreign]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing to replace it");
    expect(existsSync(join(foreign, "kintent.yaml"))).toBe(true);
    rmSync(root, { recursive: true, force: true });
  });

  it("--output json gives objects, decisions and findings", async () => {
    const r = await runCli(["build", "examples/production", "--env", "prod", "--output", "json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      environment: string;
      objects: { kind: string }[];
      decisions: { why: string }[];
    };
    expect(j.environment).toBe("prod");
    expect(j.objects.some((o) => o.kind === "Rollout")).toBe(true);
    expect(j.decisions.length).toBeGreaterThan(20);
  });
});

describe("kintent init", () => {
  it("scaffolds files that build cleanly, and refuses to overwrite without --force", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kintent-init-"));
    const r = await runCli(["init", "--name", "shop", "--image", "ghcr.io/acme/shop:1.4.2"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["kintent.yaml", "platform.yaml"]);
    for (const env of ["dev", "prod"]) {
      const b = await runCli(["build", ".", "--env", env], { cwd: dir });
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toContain("image: ghcr.io/acme/shop:1.4.2");
    }
    const again = await runCli(["init", "--name", "shop", "--image", "ghcr.io/acme/shop:1.4.2"], {
      cwd: dir,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exist");
    const bad = await runCli(["init", "--name", "Shop_1", "--image", "x:1"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("DNS-1123");
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("kintent explain / schema / --version", () => {
  it("explain prints the runbook for one environment", async () => {
    const r = await runCli(["explain", "examples/multi-env", "--env", "prod"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# agent-runner — prod\n/);
    expect(r.stdout).toContain("## Platform notes");
    expect(r.stdout).toContain("ECR pull secrets expire every 12 hours");
    expect(r.stdout).toContain("## Roll back");
  });

  it("explain without --env covers every environment", async () => {
    const r = await runCli(["explain", "examples/multi-env"]);
    expect(r.stdout.match(/^# agent-runner — /gm)).toHaveLength(3);
  });

  it("schema prints the JSON Schema that ships in schemas/kintent.schema.json", async () => {
    const r = await runCli(["schema"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { $defs: Record<string, unknown> };
    expect(Object.keys(s.$defs)).toEqual(["App", "Platform"]);
    await expect(r.stdout).toMatchFileSnapshot(join(ROOT, "schemas", "kintent.schema.json"));
  });

  it("--version matches package.json", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect((await runCli(["--version"])).stdout.trim()).toBe(pkg.version);
  });
});

describe("intent reference", () => {
  it("docs/intent-reference.md is the generated reference", async () => {
    const r = await runCli(["schema", "--format", "markdown"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("| `medium` | 500m CPU / 512Mi | 1 CPU / 1Gi |");
    expect(r.stdout).toContain("#### `App.spec`");
    await expect(r.stdout).toMatchFileSnapshot(join(ROOT, "docs", "intent-reference.md"));
  });
});

describe("kintent build with project settings (.kintent.yaml)", () => {
  it("applies the project's checks and Kyverno policies before writing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kintent-proj-"));
    await runCli(["init", "--name", "shop", "--image", "ghcr.io/acme/shop:1.4.2", "--no-platform"], {
      cwd: dir,
    });
    writeFileSync(
      join(dir, "require-owner.yaml"),
      `apiVersion: kyverno.io/v1
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
`,
    );
    writeFileSync(join(dir, ".kintent.yaml"), "policies: [require-owner.yaml]\n");
    const refused = await runCli(["build", "."], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("Deployments need an owner label.");
    expect(refused.stderr).toContain("policy:require-owner/owner-label");
    writeFileSync(
      join(dir, "kintent.yaml"),
      readFileSync(join(dir, "kintent.yaml"), "utf8").replace(
        "team: my-team",
        "team: my-team\n    owner: alice",
      ),
    );
    const ok = await runCli(["build", "."], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    writeFileSync(join(dir, ".kintent.yaml"), "policies: [missing.yaml]\n");
    const bad = await runCli(["build", "."], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("policy path missing.yaml (from .kintent.yaml) does not exist");
    rmSync(dir, { recursive: true, force: true });
  });
});
