/**
 * The Argo CD Config Management Plugin, executed as the repo-server sidecar executes it: a child process of
 * bin/kintent.js in the Application's source directory, with Argo CD's build environment, ARGOCD_ENV_*,
 * ARGOCD_APP_PARAMETERS / PARAM_* and a deadline. Its stdout must be exactly `kintent build` for the same
 * environment, and every broken input must fail with a one-line reason and no output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { EXAMPLES, exampleEnvironments, exampleNames, runCli } from "../helpers.js";
import { argoEnv, ensureDist, runSidecar } from "./sidecar.js";
import { formatLock, sha256, upsertEntry } from "../../src/ai/lock.js";
import { inferEnvironment, paramVariable, readCmpRequest } from "../../src/cmp/request.js";

const work = mkdtempSync(join(tmpdir(), "kintent-cmp-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureDist();
}, 300_000);

/** A fresh copy of an example (so tests may add files). */
function copyExample(name: string): string {
  const dir = mkdtempSync(join(work, `${name}-`));
  cpSync(join(EXAMPLES, name), dir, { recursive: true });
  return dir;
}

function write(dir: string, files: Record<string, string>): string {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

const SHOP = [
  "apiVersion: kintent.dev/v1alpha1",
  "kind: App",
  "metadata: {name: shop}",
  "spec:",
  "  image: ghcr.io/acme/shop:1.4.2",
  "  port: 8080",
  "  probe: /healthz",
  "",
].join("\n");

describe("kintent cmp generate, run as the sidecar runs it", () => {
  const cases = exampleNames().flatMap((name) =>
    exampleEnvironments(name).map((env) => [name, env] as const),
  );

  it.each(cases)("%s (%s): stdout is exactly `kintent build`, stderr one line, exit 0", async (name, env) => {
    const r = await runSidecar(["cmp", "generate"], {
      cwd: join(EXAMPLES, name),
      env: argoEnv({ name: `${name}-${env}`, path: `examples/${name}`, env }),
    });
    const b = await runCli(["build", join(EXAMPLES, name), "--env", env]);
    expect(b.code).toBe(0);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(b.stdout);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`object\\(s\\) for .* in ${env}`));
    // Only Kubernetes objects on stdout.
    for (const d of parseAllDocuments(r.stdout)) {
      const o = d.toJS() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
      expect(typeof o.apiVersion).toBe("string");
      expect(typeof o.kind).toBe("string");
      expect(typeof o.metadata?.name).toBe("string");
    }
  });

  it("takes the environment from the `env` parameter over ARGOCD_ENV_KINTENT_ENV, and from PARAM_ENV", async () => {
    const dir = join(EXAMPLES, "multi-env");
    const staging = (await runCli(["build", dir, "--env", "staging"])).stdout;
    const viaParams = await runSidecar(["cmp", "generate"], {
      cwd: dir,
      env: argoEnv({
        name: "agent-runner",
        path: "examples/multi-env",
        env: "dev",
        extra: {
          ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: "env", string: "staging" }]),
          PARAM_ENV: "staging",
        },
      }),
    });
    expect(viaParams.code, viaParams.stderr).toBe(0);
    expect(viaParams.stdout).toBe(staging);
    expect(viaParams.stderr).toContain("environment from parameter env");
    const viaParamVar = await runSidecar(["cmp", "generate"], {
      cwd: dir,
      env: argoEnv({ name: "agent-runner", path: "examples/multi-env", extra: { PARAM_ENV: "staging" } }),
    });
    expect(viaParamVar.stdout).toBe(staging);
  });

  it("infers the environment from the Application name `<app>-<env>` and otherwise asks for one", async () => {
    const dir = join(EXAMPLES, "multi-env");
    const prod = (await runCli(["build", dir, "--env", "prod"])).stdout;
    const byName = await runSidecar(["cmp", "generate"], {
      cwd: dir,
      env: argoEnv({ name: "agent-runner-prod", path: "examples/multi-env" }),
    });
    expect(byName.code).toBe(0);
    expect(byName.stdout).toBe(prod);
    expect(byName.stderr).toContain("environment from the Application name");
    const unknown = await runSidecar(["cmp", "generate"], {
      cwd: dir,
      env: argoEnv({ name: "agent-runner", path: "examples/multi-env" }),
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toContain("several environments (dev, staging, prod)");
    expect(unknown.stderr).toContain("KINTENT_ENV");
  });

  it.each([
    [
      "an unknown parameter",
      JSON.stringify([{ name: "environment", string: "prod" }]),
      /unknown plugin parameter `environment`/,
    ],
    [
      "a parameter that is not a string",
      JSON.stringify([{ name: "env", array: ["prod"] }]),
      /must be a string/,
    ],
    ["parameters that are not JSON", "[{name: env", /not valid JSON/],
  ])("fails on %s with one line and no output", async (_what, parameters, message) => {
    const r = await runSidecar(["cmp", "generate"], {
      cwd: join(EXAMPLES, "production"),
      env: argoEnv({
        name: "my-service-prod",
        path: "examples/production",
        extra: { ARGOCD_APP_PARAMETERS: parameters },
      }),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    [
      "an intent with a YAML error",
      { "kintent.yaml": "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: shop\n" },
      2,
      /invalid intent: kintent\.yaml:\d+:\d+/,
    ],
    [
      "an intent with an unknown field",
      { "kintent.yaml": SHOP.replace("port: 8080", "prot: 8080") },
      2,
      /unknown field `prot`/,
    ],
    [
      "manifests with an error finding",
      { "kintent.yaml": SHOP.replace("1.4.2", "latest") },
      1,
      /refusing to generate manifests for default: 1 error finding\(s\): .*latest-tag/,
    ],
    ["a directory without an intent", { "README.md": "nothing here\n" }, 2, /no App found/],
    ["an unknown environment", { "kintent.yaml": SHOP }, 2, /unknown environment `prod`/],
  ])(
    "%s: non-zero exit, one-line reason, never empty output with exit 0",
    async (_what, files, code, message) => {
      const dir = write(mkdtempSync(join(work, "broken-")), files);
      const r = await runSidecar(["cmp", "generate"], {
        cwd: dir,
        env: argoEnv({
          name: "shop",
          path: "apps/shop",
          ...(_what === "an unknown environment" ? { env: "prod" } : {}),
        }),
      });
      expect(r.code).toBe(code);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^kintent cmp: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    },
  );

  it("never prints a secret: not the forge tokens or plugin env of the sidecar, not a credential in the intent", async () => {
    const secretValue = "hunter2-Sup3rS3cret-db-password-0xDEADBEEF";
    const token = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
    const dir = write(mkdtempSync(join(work, "secret-")), {
      "kintent.yaml": SHOP + `  env:\n    DB_PASSWORD: ${secretValue}\n`,
    });
    const env = argoEnv({
      name: "shop",
      path: "apps/shop",
      extra: { GITHUB_TOKEN: token, ARGOCD_ENV_DB_PASSWORD: secretValue, ARGOCD_APP_PARAMETERS: "[]" },
    });
    const broken = await runSidecar(["cmp", "generate"], { cwd: dir, env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("DB_PASSWORD");
    expect(broken.stderr).toContain("looks like a secret");
    for (const out of [broken.stdout, broken.stderr]) {
      expect(out).not.toContain(secretValue);
      expect(out).not.toContain(token);
    }
    const ok = await runSidecar(["cmp", "generate"], { cwd: join(EXAMPLES, "production"), env });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(secretValue);
    expect(ok.stdout + ok.stderr).not.toContain(token);
  });

  it("finishes well inside Argo CD's exec timeout (90 s), as a cold process", async () => {
    const r = await runSidecar(["cmp", "generate"], {
      cwd: join(EXAMPLES, "production"),
      env: argoEnv({ name: "my-service-prod", path: "examples/production", env: "prod" }),
      timeoutMs: 90_000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(15_000);
  });

  it("behaves the same through the full CLI (kintent cmp generate in-process)", async () => {
    const env = argoEnv({ name: "my-service-prod", path: "examples/production", env: "prod" });
    const sidecar = await runSidecar(["cmp", "generate"], { cwd: join(EXAMPLES, "production"), env });
    const cli = await runCli(["cmp", "generate"], { cwd: join(EXAMPLES, "production"), env });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(sidecar.stdout);
    expect(cli.stderr).toBe(sidecar.stderr);
    const bad = await runCli(["cmp", "generate"], {
      cwd: join(EXAMPLES, "production"),
      env: { ...env, ARGOCD_APP_PARAMETERS: "[{}]" },
    });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
  });
});

describe("claudernetes directories: served from kintent.lock, never from an LLM", () => {
  const instructions =
    "instructions: |\n  Deploy the shop (ghcr.io/acme/shop:1.4.2) with a health probe on port 8080.\n";

  /** A directory as `kintent ask --lock` leaves it: instructions, the generated intent, the lock. */
  function lockedDir(instructionFile = "claudernetes.yaml", text = instructions): string {
    const dir = write(mkdtempSync(join(work, "claudernetes-")), {
      [instructionFile]: text,
      "kintent.yaml": SHOP,
    });
    const lock = upsertEntry(undefined, {
      source: instructionFile,
      hash: `sha256:${sha256(text)}`,
      model: "anthropic:claude-sonnet-4-5",
      kintentVersion: "0.1.0",
      files: [{ path: "kintent.yaml", sha256: sha256(SHOP) }],
      tokens: { input: 1200, output: 180 },
    });
    writeFileSync(join(dir, "kintent.lock"), formatLock(lock));
    return dir;
  }

  const env = argoEnv({ name: "shop", path: "apps/shop" });

  it.each(["claudernetes.yaml", "claudernetes.md"])(
    "%s with a matching lock: the locked intent's manifests",
    async (file) => {
      const dir = lockedDir(
        file,
        file.endsWith(".md") ? "# Shop\n\nDeploy the shop with 2 replicas.\n" : instructions,
      );
      const r = await runSidecar(["cmp", "generate"], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe((await runCli(["build", dir])).stdout);
      expect(r.stderr).toContain(
        `served from kintent.lock: kintent.yaml exactly as generated from ${file} (instructions unchanged since locking; no LLM call)`,
      );
    },
  );

  it("kintent.yaml edited after locking: built as committed, and the report says so (no claim of the lock's output)", async () => {
    const dir = lockedDir();
    writeFileSync(join(dir, "kintent.yaml"), SHOP.replace("spec:\n", "spec:\n  replicas: 4\n"));
    const r = await runSidecar(["cmp", "generate"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe((await runCli(["build", dir])).stdout);
    expect(r.stdout).toContain("replicas: 4");
    expect(r.stderr).not.toContain("served from kintent.lock");
    expect(r.stderr).toContain(
      "built from kintent.yaml as committed — edited since kintent.lock recorded what the model generated from claudernetes.yaml (instructions unchanged since locking; no LLM call)",
    );
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("instructions edited after locking: fails closed, telling the user to run kintent ask --lock", async () => {
    const dir = lockedDir();
    writeFileSync(
      join(dir, "claudernetes.yaml"),
      instructions.replace("a health probe", "3 replicas and a health probe"),
    );
    const r = await runSidecar(["cmp", "generate"], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("changed since it was locked");
    expect(r.stderr).toContain("kintent ask --lock");
    expect(r.stderr).toContain("never calls an LLM");
  });

  it("no lock at all, or a lock listing a file that is not committed: fails closed", async () => {
    const noLock = lockedDir();
    unlinkSync(join(noLock, "kintent.lock"));
    const a = await runSidecar(["cmp", "generate"], { cwd: noLock, env });
    expect(a.code).toBe(2);
    expect(a.stdout).toBe("");
    expect(a.stderr).toMatch(/has no kintent\.lock: run `kintent ask --lock`/);

    const missingFile = lockedDir();
    unlinkSync(join(missingFile, "kintent.yaml"));
    const b = await runSidecar(["cmp", "generate"], { cwd: missingFile, env });
    expect(b.code).toBe(2);
    expect(b.stdout).toBe("");
    expect(b.stderr).toContain("kintent.lock lists kintent.yaml, which is not in the repository");

    const garbage = lockedDir();
    writeFileSync(join(garbage, "kintent.lock"), "lockVersion: 7\n");
    const c = await runSidecar(["cmp", "generate"], { cwd: garbage, env });
    expect(c.code).toBe(2);
    expect(c.stdout).toBe("");
    expect(c.stderr).toContain("kintent ask --lock");
  });

  it("a plain kintent.yaml directory needs no lock", async () => {
    const dir = copyExample("quickstart");
    const r = await runSidecar(["cmp", "generate"], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("kintent.lock");
    expect(readFileSync(join(dir, "kintent.yaml"), "utf8")).toContain("kind: App");
  });
});

describe("kintent cmp discover", () => {
  it.each(["kintent.yaml", "claudernetes.yaml", "claudernetes.md"])(
    "matches a directory with %s (exit 0, non-empty stdout)",
    async (file) => {
      const dir = write(mkdtempSync(join(work, "discover-")), { [file]: "x: 1\n" });
      const r = await runSidecar(["cmp", "discover"], { cwd: dir, env: argoEnv({ name: "a", path: "a" }) });
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(file);
    },
  );

  it("does not match other directories (exit 1, empty stdout)", async () => {
    const dir = write(mkdtempSync(join(work, "discover-")), {
      "Chart.yaml": "name: x\n",
      "values.yaml": "a: 1\n",
    });
    const r = await runSidecar(["cmp", "discover"], { cwd: dir, env: argoEnv({ name: "a", path: "a" }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
  });
});

describe("the plugin's reading of Argo CD's environment (pure)", () => {
  it("escapes parameter names into PARAM_ variables the way the repo-server does", () => {
    expect(paramVariable("env")).toBe("PARAM_ENV");
    expect(paramVariable("helm-parameters")).toBe("PARAM_HELM_PARAMETERS");
    expect(paramVariable("image.tag")).toBe("PARAM_IMAGE_TAG");
  });

  it("ignores empty values and prefers parameters over plugin env", () => {
    expect(readCmpRequest({ ARGOCD_ENV_KINTENT_ENV: " " })).toEqual({});
    expect(
      readCmpRequest({
        ARGOCD_ENV_KINTENT_ENV: "dev",
        ARGOCD_ENV_KINTENT_APP: "shop",
        ARGOCD_APP_PARAMETERS: '[{"name":"env","string":"prod"}]',
        ARGOCD_APP_NAME: "shop-prod",
      }),
    ).toEqual({ env: "prod", envSource: "parameter env", app: "shop", appName: "shop-prod" });
  });

  it("infers an environment only from an unambiguous Application name", () => {
    expect(inferEnvironment(["prod"], undefined)).toBe("prod");
    expect(inferEnvironment(["dev", "prod"], "shop-prod")).toBe("prod");
    expect(inferEnvironment(["prod", "eu-prod"], "shop-eu-prod")).toBe("eu-prod");
    expect(inferEnvironment(["dev", "prod"], "shop")).toBeUndefined();
  });
});
