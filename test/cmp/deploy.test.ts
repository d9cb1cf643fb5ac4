/**
 * deploy/argocd-cmp: plugin.yaml (shape of Argo CD's PluginConfig, and its commands run as argocd-cmp-server
 * runs them), the Dockerfile (its final image's file set runs the plugin), and the repo-server sidecar patch
 * (kintent validate, and a server-side dry-run strategic-merge patch of an argocd-repo-server Deployment on a
 * real API server).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { EXAMPLES, ROOT, buildExample, runCli } from "../helpers.js";
import { argoEnv, ensureDist } from "./sidecar.js";
import { CMP_PARAMETERS } from "../../src/cmp/request.js";
import { CMP_ENV_VAR, CMP_NAME, renderApplication } from "../../src/render/argocd.js";
import { ensureNamespace, kubeRequest, skipClusterTests, startApiEnv } from "../harness/index.js";
import type { ApiEnv } from "../harness/index.js";

const DEPLOY = join(ROOT, "deploy", "argocd-cmp");
const work = mkdtempSync(join(tmpdir(), "kintent-cmp-deploy-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureDist();
}, 300_000);

interface PluginConfig {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    version?: string;
    init?: unknown;
    generate: { command: string[]; args?: string[] };
    discover?: { fileName?: string; find?: { glob?: string; command?: string[]; args?: string[] } };
    parameters?: { static?: { name: string; title?: string; tooltip?: string; required?: boolean }[] };
    preserveFileMode?: boolean;
    provideGitCreds?: boolean;
    [k: string]: unknown;
  };
}

const plugin = parse(readFileSync(join(DEPLOY, "plugin.yaml"), "utf8")) as PluginConfig;

/** Fields of Argo CD v3's PluginConfigSpec (cmpserver/plugin/config.go); anything else is a typo. */
const SPEC_FIELDS = [
  "version",
  "init",
  "generate",
  "discover",
  "parameters",
  "preserveFileMode",
  "provideGitCreds",
];

describe("plugin.yaml", () => {
  it("is a ConfigManagementPlugin Argo CD's cmp-server accepts, named as the Applications reference it", () => {
    expect(plugin.apiVersion).toBe("argoproj.io/v1alpha1");
    expect(plugin.kind).toBe("ConfigManagementPlugin");
    expect(plugin.metadata.name).toBe(CMP_NAME);
    // A version would make the plugin's name `kintent-<version>`, which no rendered Application references.
    expect(plugin.spec.version).toBeUndefined();
    for (const k of Object.keys(plugin.spec)) expect(SPEC_FIELDS).toContain(k);
    expect(plugin.spec.generate.command.length).toBeGreaterThan(0);
    expect(plugin.spec.generate.command).toEqual(["kintent", "cmp", "generate"]);
    expect(plugin.spec.discover?.find?.command).toEqual(["kintent", "cmp", "discover"]);
    expect(plugin.spec.discover?.fileName).toBeUndefined(); // only the first discovery rule set is evaluated
    expect(plugin.spec.discover?.find?.glob).toBeUndefined();
    expect(plugin.spec.provideGitCreds).toBe(false);
  });

  it("announces exactly the parameters the plugin reads", () => {
    const names = (plugin.spec.parameters?.static ?? []).map((p) => p.name).sort();
    expect(names).toEqual(Object.keys(CMP_PARAMETERS).sort());
    for (const p of plugin.spec.parameters?.static ?? []) {
      expect(p.required).toBe(false); // announcements are not sent back: the plugin applies its own defaults
      expect(p.title).toBeTruthy();
    }
  });

  it("matches the Applications `kintent build --format argocd --plugin` renders", async () => {
    const b = await buildExample("production", "prod");
    const app = b.apps[0]?.app;
    if (!app) throw new Error("no app");
    const application = renderApplication(app, { pluginPath: "examples/production" }) as unknown as {
      spec: { source: { plugin: { name: string; env: { name: string; value: string }[] } } };
    };
    expect(application.spec.source.plugin.name).toBe(plugin.metadata.name);
    expect(application.spec.source.plugin.env).toEqual([{ name: CMP_ENV_VAR, value: "prod" }]);
  });

  /** A PATH whose `kintent` is this checkout's bin/kintent.js, as the image's /usr/local/bin/kintent. */
  function pathWithKintent(): string {
    const bin = join(work, "path-bin");
    if (!existsSync(join(bin, "kintent"))) {
      mkdirSync(bin, { recursive: true });
      symlinkSync(join(ROOT, "bin", "kintent.js"), join(bin, "kintent"));
    }
    return `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`;
  }

  function runCommand(cmd: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
    const [file, ...args] = cmd;
    return spawnSync(file as string, args, { cwd, env, encoding: "utf8", timeout: 90_000 });
  }

  it("its discover command matches an intent directory (exit 0, output) and nothing else", () => {
    const env = { ...argoEnv({ name: "x", path: "x" }), PATH: pathWithKintent() };
    const cmd = plugin.spec.discover?.find?.command ?? [];
    const yes = runCommand(cmd, join(EXAMPLES, "production"), env);
    expect(yes.status).toBe(0);
    expect(yes.stdout.trim()).not.toBe("");
    const no = runCommand(cmd, join(ROOT, "docs"), env);
    expect(no.status).not.toBe(0);
    expect(no.stdout).toBe("");
  });

  it("its generate command prints exactly `kintent build` for the Application's environment", async () => {
    const env = {
      ...argoEnv({ name: "my-service-prod", path: "examples/production", env: "prod" }),
      PATH: pathWithKintent(),
    };
    const r = runCommand(plugin.spec.generate.command, join(EXAMPLES, "production"), env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe((await runCli(["build", "examples/production", "--env", "prod"])).stdout);
  });
});

describe("Dockerfile", () => {
  const text = readFileSync(join(DEPLOY, "Dockerfile"), "utf8");
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const lastFrom = lines.map((l) => l.startsWith("FROM ")).lastIndexOf(true);
  const final = lines.slice(lastFrom);

  it("builds from files that exist, on a Node that satisfies package.json engines, and runs as uid 999", () => {
    for (const l of lines.filter((x) => x.startsWith("COPY ") && !x.includes("--from="))) {
      const parts = l.split(/\s+/).slice(1, -1);
      for (const src of parts) expect(existsSync(join(ROOT, src)), `${src} (${l})`).toBe(true);
    }
    const engines = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }
    ).engines.node;
    const major = Number(/(\d+)/.exec(engines)?.[1]);
    for (const from of lines.filter((l) => l.startsWith("FROM ")))
      expect(from).toMatch(new RegExp(`^FROM node:${major}[.-]`));
    expect(final.filter((l) => l.startsWith("USER ")).pop()).toBe("USER 999");
    expect(final.some((l) => l.startsWith("ENTRYPOINT") || l.startsWith("CMD"))).toBe(false); // the patch sets the command
    expect(final).toContain("COPY deploy/argocd-cmp/plugin.yaml /home/argocd/cmp-server/config/plugin.yaml");
  });

  it("its final image's files run the plugin: `kintent cmp generate` from /usr/local/bin, started from the image's snapshot, prints `kintent build`", async () => {
    // Lay out the final stage's COPY instructions in a directory standing in for the image root; the build
    // stage's outputs (dist, node_modules) are this checkout's.
    const image = mkdtempSync(join(work, "image-"));
    let workdir = "/";
    for (const l of final) {
      const [op, ...rest] = l.split(/\s+/);
      if (op === "WORKDIR") workdir = rest[0] ?? "/";
      if (op !== "COPY") continue;
      const fromBuild = rest[0]?.startsWith("--from=");
      const args = fromBuild ? rest.slice(1) : rest;
      const dest = args[args.length - 1] as string;
      for (const src of args.slice(0, -1)) {
        const from = fromBuild ? join(ROOT, src.replace(/^\/src\//, "")) : join(ROOT, src);
        const absDest = dest.startsWith("/") ? dest : join(workdir, dest);
        const target = join(
          image,
          absDest.endsWith("/") ? join(absDest, src.split("/").pop() as string) : absDest,
        );
        mkdirSync(dirname(target), { recursive: true });
        if (src.endsWith("node_modules")) symlinkSync(from, target);
        else cpSync(from, target, { recursive: true });
      }
    }
    const ln = /ln -s (\S+) (\S+)/.exec(final.find((l) => l.includes("ln -s")) ?? "");
    expect(ln).not.toBeNull();
    const [, linkTarget, linkPath] = ln as RegExpExecArray;
    mkdirSync(dirname(join(image, linkPath as string)), { recursive: true });
    symlinkSync(join(image, linkTarget as string), join(image, linkPath as string));
    expect(existsSync(join(image, "home/argocd/cmp-server/config/plugin.yaml"))).toBe(true);

    // The RUN that builds the plugin's start-up snapshot with the image's Node, as the image runs it.
    const snapshotRun = final.find((l) => l.startsWith("RUN ") && l.includes("node scripts/snapshot.mjs"));
    expect(snapshotRun).toBeDefined();
    const built = spawnSync(process.execPath, [join(image, "opt/kintent/scripts/snapshot.mjs")], {
      cwd: join(image, "opt/kintent"),
      env: { PATH: process.env.PATH },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(built.status, built.stderr).toBe(0);
    expect(existsSync(join(image, "opt/kintent/dist/bundle/snapshot/cmp.blob"))).toBe(true);

    const expected = (await runCli(["build", "examples/production", "--env", "prod"])).stdout;
    const run = (args: string[]) =>
      spawnSync("sh", ["-x", join(image, linkPath as string), ...args], {
        cwd: join(EXAMPLES, "production"),
        env: argoEnv({ name: "my-service-prod", path: "examples/production", env: "prod" }),
        encoding: "utf8",
        timeout: 90_000,
      });
    // `sh -x` traces the launcher's exec: the plugin call starts from the blob, any other command from the CLI.
    const r = run(["cmp", "generate"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(r.stderr).toMatch(/exec node --snapshot-blob \S+\/dist\/bundle\/snapshot\/cmp\.blob generate/);
    const d = run(["cmp", "discover"]);
    expect(d.status, d.stderr).toBe(0);
    expect(d.stdout.trim()).toBe("kintent.yaml");
    expect(d.stderr).toContain("--snapshot-blob");
    const b = run(["build", ".", "--env", "prod"]);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toBe(expected);
    expect(b.stderr).not.toContain("--snapshot-blob");
    expect(b.stderr).toMatch(/exec node \S+\/bin\/kintent\.js build \. --env prod/);

    // The snapshot and the image's CLI are one installation to the build cache: an entry one wrote is what the
    // other serves (changed behind kintent's back, a hit shows it verbatim). An installation identity frozen
    // into the snapshot before its blob existed would key differently and rebuild instead.
    const cacheDir = mkdtempSync(join(work, "cache-"));
    const cached = (cwd: string, env: string, fromSnapshot: boolean) =>
      spawnSync(
        fromSnapshot ? join(image, linkPath as string) : process.execPath,
        [...(fromSnapshot ? [] : [join(image, "opt/kintent/bin/kintent.js")]), "cmp", "generate"],
        {
          cwd,
          env: { ...argoEnv({ name: "app", path: "app", env }), KINTENT_CACHE_DIR: cacheDir },
          encoding: "utf8",
          timeout: 90_000,
        },
      );
    const entries = () =>
      readdirSync(cacheDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json"));
    const tamper = (file: string, stdout: string) => {
      const entry = JSON.parse(readFileSync(join(cacheDir, file), "utf8")) as { value: { stdout: string } };
      entry.value.stdout = stdout;
      writeFileSync(join(cacheDir, file), JSON.stringify(entry));
    };
    const prodDir = join(EXAMPLES, "production");
    expect(cached(prodDir, "prod", false).status).toBe(0);
    const [first] = entries();
    tamper(first as string, "kind: WrittenByTheCli\n");
    expect(cached(prodDir, "prod", true).stdout).toBe("kind: WrittenByTheCli\n");
    const multi = join(EXAMPLES, "multi-env");
    expect(cached(multi, "staging", true).status).toBe(0);
    const second = entries().find((f) => f !== first);
    tamper(second as string, "kind: WrittenByTheSnapshot\n");
    expect(cached(multi, "staging", false).stdout).toBe("kind: WrittenByTheSnapshot\n");
  }, 180_000);
});

describe("repo-server-patch.yaml", () => {
  const patch = parse(readFileSync(join(DEPLOY, "repo-server-patch.yaml"), "utf8")) as {
    metadata: { name: string; namespace: string };
    spec: {
      template: {
        spec: {
          containers: {
            name: string;
            command: string[];
            securityContext: Record<string, unknown>;
            volumeMounts: { mountPath: string; name: string }[];
            env?: { name: string; value: string }[];
          }[];
          volumes: { name: string; emptyDir?: object }[];
        };
      };
    };
  };
  const sidecar = patch.spec.template.spec.containers[0];

  it("adds a uid-999 sidecar running argocd-cmp-server with the shared sockets and its own /tmp", () => {
    expect(patch.metadata.name).toBe("argocd-repo-server");
    expect(sidecar?.command).toEqual(["/var/run/argocd/argocd-cmp-server"]);
    expect(sidecar?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    const mounts = Object.fromEntries((sidecar?.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
    expect(mounts["/var/run/argocd"]).toBe("var-files");
    expect(mounts["/home/argocd/cmp-server/plugins"]).toBe("plugins");
    const tmp = mounts["/tmp"];
    expect(tmp).toBeDefined();
    expect(tmp).not.toBe("tmp"); // the repo-server's /tmp volume holds every app's checkout
    expect(patch.spec.template.spec.volumes.find((v) => v.name === tmp)?.emptyDir).toEqual({});
    // The build cache lives on that private, writable /tmp (the root filesystem is read-only).
    expect(sidecar?.securityContext).toMatchObject({ readOnlyRootFilesystem: true });
    const cacheDir = sidecar?.env?.find((e) => e.name === "KINTENT_CACHE_DIR")?.value ?? "";
    expect(cacheDir.startsWith("/tmp/")).toBe(true);
    // plugin.yaml is baked into the image, not mounted over it.
    expect(Object.keys(mounts).some((p) => p.includes("plugin.yaml"))).toBe(false);
  });

  it("passes kintent validate (schemas, checks; plugin.yaml is skipped as a non-CRD)", async () => {
    const r = await runCli(["validate", "deploy/argocd-cmp", "--format", "json"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: { severity: string; checkId: string }[] };
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });
});

describe.skipIf(skipClusterTests)("repo-server-patch.yaml on a real API server", () => {
  let env: ApiEnv | undefined;
  beforeAll(async () => {
    env = await startApiEnv();
  }, 180_000);
  afterAll(async () => {
    await env?.stop();
  });

  /** The parts of Argo CD's install that the patch meets: the repo-server with its volumes and copyutil. */
  const repoServer = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "argocd-repo-server",
      namespace: "argocd",
      labels: { "app.kubernetes.io/name": "argocd-repo-server" },
    },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": "argocd-repo-server" } },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "argocd-repo-server" } },
        spec: {
          automountServiceAccountToken: false,
          initContainers: [
            {
              name: "copyutil",
              image: "quay.io/argoproj/argocd:v3.5.1",
              command: ["sh", "-c"],
              args: [
                "cp /usr/local/bin/argocd /var/run/argocd/argocd && ln -s /var/run/argocd/argocd /var/run/argocd/argocd-cmp-server",
              ],
              volumeMounts: [{ name: "var-files", mountPath: "/var/run/argocd" }],
            },
          ],
          containers: [
            {
              name: "argocd-repo-server",
              image: "quay.io/argoproj/argocd:v3.5.1",
              args: ["/usr/local/bin/argocd-repo-server"],
              securityContext: {
                runAsNonRoot: true,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
              },
              volumeMounts: [
                { name: "tmp", mountPath: "/tmp" },
                { name: "plugins", mountPath: "/home/argocd/cmp-server/plugins" },
              ],
            },
          ],
          volumes: [
            { name: "tmp", emptyDir: {} },
            { name: "var-files", emptyDir: {} },
            { name: "plugins", emptyDir: {} },
          ],
        },
      },
    },
  };

  it("patches argocd-repo-server (strategic merge, dry run, strict field validation) into a valid Deployment", async () => {
    if (!env) throw new Error("no api env");
    await ensureNamespace(env.kubeConfig, "argocd");
    const created = await kubeRequest(env.kubeConfig, "/apis/apps/v1/namespaces/argocd/deployments", {
      method: "POST",
      body: repoServer,
    });
    expect(created.status, created.text).toBe(201);
    const patchText = readFileSync(join(DEPLOY, "repo-server-patch.yaml"), "utf8");
    const patchJson = parseAllDocuments(patchText)[0]?.toJS() as object;
    const r = await kubeRequest(
      env.kubeConfig,
      "/apis/apps/v1/namespaces/argocd/deployments/argocd-repo-server",
      {
        method: "PATCH",
        query: { dryRun: "All", fieldValidation: "Strict" },
        contentType: "application/strategic-merge-patch+json",
        body: patchJson,
      },
    );
    expect(r.status, r.text).toBe(200);
    const patched = r.body as typeof repoServer & {
      spec: {
        template: {
          spec: {
            containers: { name: string; securityContext?: { runAsUser?: number } }[];
            volumes: { name: string }[];
          };
        };
      };
    };
    const names = patched.spec.template.spec.containers.map((c) => c.name);
    expect(names).toEqual(["kintent", "argocd-repo-server"]);
    expect(patched.spec.template.spec.containers[0]?.securityContext?.runAsUser).toBe(999);
    expect(patched.spec.template.spec.volumes.map((v) => v.name).sort()).toEqual([
      "kintent-tmp",
      "plugins",
      "tmp",
      "var-files",
    ]);
    // A typo in the patch is a hard error with strict validation, so this test would catch one.
    const typo = JSON.parse(JSON.stringify(patchJson).replace('"volumeMounts"', '"volumeMount"')) as object;
    const bad = await kubeRequest(
      env.kubeConfig,
      "/apis/apps/v1/namespaces/argocd/deployments/argocd-repo-server",
      {
        method: "PATCH",
        query: { dryRun: "All", fieldValidation: "Strict" },
        contentType: "application/strategic-merge-patch+json",
        body: typo,
      },
    );
    expect(bad.status).toBeGreaterThanOrEqual(400);
  });
});
