/**
 * `kintent import` end to end through the CLI: what it writes, what it refuses (exit 2, nothing written), that a
 * Secret's data and literal credentials never reach a file or the report, and that an import directory is only
 * ever replaced by another import of kintent's — never over someone's edits.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT, runCli } from "../helpers.js";
import { helmBinary } from "../render/tools.js";
import { skipClusterTests } from "../harness/index.js";
import { openProject } from "../../src/project/index.js";

const MANIFESTS = join(ROOT, "test", "fixtures", "import", "manifests");
const CHARTS = join(ROOT, "..", "shared", "corpora", "helm-charts");
const PLANTED = [
  "planted-literal-credential-Zq81",
  "planted-configmap-credential-Kp42",
  "planted-secret-value-Xy77",
];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "kintent-import-cli-"));
  dirs.push(d);
  return d;
}

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

const manifestArgs = (out: string, ...more: string[]) => [
  "import",
  "manifests",
  join(MANIFESTS, "shared"),
  `prod=${join(MANIFESTS, "prod")}`,
  "--env",
  "dev",
  "--env",
  "prod",
  "-o",
  out,
  ...more,
];

describe("kintent import manifests", () => {
  it("writes an intent directory that builds, with the report, and never a planted secret", async () => {
    const out = join(tmp(), "shop");
    const r = await runCli(manifestArgs(out));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /imported shop into .* \(default\): 5 object\(s\) expressed as intent, 4 carried in extra\/, 2 Secret\(s\) referenced, 0 dropped, over 2 environment\(s\) — parity holds/,
    );
    const written = files(out);
    expect(Object.keys(written).sort()).toEqual([
      ".kintent-import",
      ".kintent.yaml",
      "IMPORT.md",
      "extra/configmap-shop-config.yaml",
      "extra/cronjob-shop-report.yaml",
      "kintent.yaml",
      "platform.yaml",
    ]);
    for (const [file, text] of Object.entries(written))
      for (const secret of PLANTED) expect(text, `${file} holds ${secret}`).not.toContain(secret);
    for (const secret of PLANTED) expect(r.stdout + r.stderr).not.toContain(secret);
    // The credential became a reference; the Secret is declared external; the report says what to create.
    expect(written["kintent.yaml"]).toMatch(/DB_PASSWORD:\n\s+secret: shop-env\n\s+key: DB_PASSWORD/);
    expect(written[".kintent.yaml"]).toMatch(/external:\n\s+secrets:\n\s+- "shop-api"\n\s+- "shop-env"/);
    expect(written["IMPORT.md"]).toContain("`default/shop-env` (Opaque; keys DB_PASSWORD");
    expect(written["IMPORT.md"]).toContain("`data.smtp_password` — looks like a credential: not copied");
    // prod's HPA is an environment override; the CronJob is carried with its reason.
    expect(written["kintent.yaml"]).toMatch(
      /environments:\n\s+prod:\n\s+autoscaling:\n\s+min: 2\n\s+max: 6\n\s+cpu: 75%/,
    );
    expect(written["extra/cronjob-shop-report.yaml"]).toContain(
      "kintent.dev/why: kintent generates no CronJob for this app",
    );
    // Built by the engine, every environment, no errors.
    const project = await openProject(out, { cwd: out });
    for (const env of ["dev", "prod"]) {
      const b = project.build(env);
      expect(b.errors).toEqual([]);
      expect(b.findings.filter((f) => f.severity === "error")).toEqual([]);
    }
    expect(project.build("prod").objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain(
      "HorizontalPodAutoscaler/shop",
    );
  });

  it("--exact reproduces every object; --output json is the report, redacted", async () => {
    const out = join(tmp(), "shop");
    const r = await runCli(manifestArgs(out, "--exact", "--output", "json"));
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      mode: string;
      parity: boolean;
      environments: {
        name: string;
        added: unknown[];
        objects: { object: { kind: string }; status: string }[];
      }[];
      secrets: { name: string }[];
    };
    expect(report.mode).toBe("exact");
    expect(report.parity).toBe(true);
    for (const e of report.environments) {
      expect(e.added).toEqual([]);
      expect(e.objects.map((o) => o.status).sort()).not.toContain("changed");
    }
    expect(report.secrets.map((s) => s.name)).toEqual(["shop-api", "shop-env"]);
    for (const secret of PLANTED) expect(r.stdout).not.toContain(secret);
  });

  it("refuses a directory kintent did not write, and leaves it as it was", async () => {
    const out = join(tmp(), "mine");
    mkdirSync(out);
    writeFileSync(join(out, "notes.txt"), "mine\n");
    const r = await runCli(manifestArgs(out));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not empty and was not written by kintent (no .kintent-import)");
    expect(readdirSync(out)).toEqual(["notes.txt"]);
  });

  it("replaces an earlier import only while its files are as written (--force replaces edits)", async () => {
    const out = join(tmp(), "shop");
    expect((await runCli(manifestArgs(out))).code).toBe(0);
    expect((await runCli(manifestArgs(out, "--exact"))).code).toBe(0);
    expect(readFileSync(join(out, "kintent.yaml"), "utf8")).toContain("profile: none");
    writeFileSync(
      join(out, "kintent.yaml"),
      readFileSync(join(out, "kintent.yaml"), "utf8") + "# my change\n",
    );
    const again = await runCli(manifestArgs(out));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("holds an earlier import with changes since (kintent.yaml)");
    expect(readFileSync(join(out, "kintent.yaml"), "utf8")).toContain("# my change");
    const forced = await runCli(manifestArgs(out, "--force"));
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(out, "kintent.yaml"), "utf8")).not.toContain("# my change");
  });

  it("usage errors: no workload, an unknown environment, no such path — exit 2, nothing written", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: only}\ndata: {a: b}\n",
    );
    const cases: [string[], RegExp][] = [
      [
        ["import", "manifests", join(dir, "cm.yaml"), "-o", join(dir, "a")],
        /no Deployment, StatefulSet or Argo Rollouts Rollout among the objects/,
      ],
      [
        [
          "import",
          "manifests",
          `prdo=${join(MANIFESTS, "prod")}`,
          join(MANIFESTS, "shared"),
          "--env",
          "prod",
          "-o",
          join(dir, "b"),
        ],
        /paths name environment\(s\) prdo that no --env declares/,
      ],
      [["import", "manifests", join(dir, "missing"), "-o", join(dir, "c")], /no such file or directory/],
      [
        ["import", "manifests", join(MANIFESTS, "shared"), "--env", "Prod", "-o", join(dir, "d")],
        /--env: `Prod` is not an environment name/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    for (const d of ["a", "b", "c", "d"]) expect(existsSync(join(dir, d))).toBe(false);
  });
});

describe("kintent import helm: finding helm, usage errors", () => {
  it("no helm anywhere: a usage error that says how to get one", async () => {
    const dir = tmp();
    const r = await runCli(["import", "helm", join(CHARTS, "podinfo"), "-o", join(dir, "out")], {
      env: { PATH: dir, KINTENT_TOOLS_DIR: dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no helm was found: install Helm 3");
    expect(r.stderr).toContain("KINTENT_HELM=/path/to/helm");
    const missing = await runCli(["import", "helm", join(CHARTS, "podinfo"), "-o", join(dir, "out")], {
      env: { KINTENT_HELM: join(dir, "nope") },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`KINTENT_HELM=${join(dir, "nope")}: no such file`);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it.skipIf(skipClusterTests)("bad values flags and a directory that is not a chart", async () => {
    const env = { KINTENT_HELM: helmBinary() };
    const dir = tmp();
    const cases: [string[], RegExp][] = [
      [
        ["import", "helm", join(CHARTS, "podinfo"), "-f", "prod", "-o", join(dir, "a")],
        /--values wants ENV=FILE, got `prod`/,
      ],
      [
        [
          "import",
          "helm",
          join(CHARTS, "podinfo"),
          "-f",
          `prod=${join(dir, "none.yaml")}`,
          "-o",
          join(dir, "a"),
        ],
        /--values prod=.*: no such file/,
      ],
      [["import", "helm", MANIFESTS, "-o", join(dir, "a")], /is not a chart directory \(no Chart.yaml\)/],
      [
        ["import", "helm", join(CHARTS, "podinfo"), "--release", "Bad_Name", "-o", join(dir, "a")],
        /--release `Bad_Name` must be a DNS-1123 label/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, "a"))).toBe(false);
  });

  it.skipIf(skipClusterTests)(
    "podinfo, two environments, --exact: the CLI writes what the library proves",
    async () => {
      const out = join(tmp(), "podinfo");
      const r = await runCli(
        [
          "import",
          "helm",
          join(CHARTS, "podinfo"),
          "-f",
          `dev=${join(CHARTS, "podinfo", "values.yaml")}`,
          "-f",
          `prod=${join(CHARTS, "podinfo", "values-prod.yaml")}`,
          "--exact",
          "-o",
          out,
        ],
        { env: { KINTENT_HELM: helmBinary() } },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("imported podinfo into");
      expect(r.stdout).toContain("parity holds");
      const report = readFileSync(join(out, "IMPORT.md"), "utf8");
      expect(report).toContain("**Parity: holds.**");
      expect(report).toMatch(/Helm test hook \(helm\.sh\/hook: test-success\)/);
      expect(report).toMatch(
        /\| Deployment default\/podinfo \| podinfo \| podinfo\/templates\/deployment\.yaml \| equal \|/,
      );
      // The redis the prod values add is carried for prod only.
      expect(readFileSync(join(out, "extra", "prod", "deployment-podinfo-redis.yaml"), "utf8")).toContain(
        "kintent.dev/environments: prod",
      );
      const build = await runCli(["build", out, "--env", "prod"]);
      expect(build.code, build.stderr).toBe(0);
    },
  );
});

describe.skipIf(skipClusterTests)("kintent import helm: values that change per render and lookup", () => {
  it("reports randAlphaNum values and lookup templates, and copies neither the random value nor a guess", async () => {
    const chart = join(tmp(), "rolling");
    mkdirSync(join(chart, "templates"), { recursive: true });
    writeFileSync(
      join(chart, "Chart.yaml"),
      "apiVersion: v2\nname: rolling\nversion: 0.1.0\nappVersion: 1.27.3\n",
    );
    writeFileSync(join(chart, "values.yaml"), "image: nginx:1.27.3\n");
    writeFileSync(
      join(chart, "templates", "deployment.yaml"),
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: {{ .Release.Name }}",
        "spec:",
        "  replicas: 1",
        "  selector:",
        "    matchLabels: {app: {{ .Release.Name }}}",
        "  template:",
        "    metadata:",
        "      labels: {app: {{ .Release.Name }}}",
        "      annotations:",
        "        rollme: {{ randAlphaNum 12 | quote }}",
        "    spec:",
        "      containers:",
        "        - name: app",
        "          image: {{ .Values.image }}",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(chart, "templates", "settings.yaml"),
      [
        '{{- $existing := lookup "v1" "ConfigMap" .Release.Namespace "settings" }}',
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: settings",
        "data:",
        '  mode: {{ if $existing }}{{ index $existing.data "mode" | quote }}{{ else }}"fresh"{{ end }}',
        "",
      ].join("\n"),
    );
    const out = join(tmp(), "imported");
    const r = await runCli(
      ["import", "helm", chart, "--release", "web", "-o", out, "--exact", "--output", "json"],
      {
        env: { KINTENT_HELM: helmBinary() },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      parity: boolean;
      random: { object: { kind: string; name: string }; paths: string[] }[];
      lookups: string[];
    };
    expect(report.parity).toBe(true);
    expect(report.random).toContainEqual(
      expect.objectContaining({
        object: expect.objectContaining({ kind: "Deployment", name: "web" }) as unknown,
        paths: ["spec.template.metadata.annotations.rollme"],
      }),
    );
    expect(report.lookups).toEqual(["templates/settings.yaml"]);
    const written = files(out);
    const md = written["IMPORT.md"] ?? "";
    expect(md).toContain("## Values not copied");
    expect(md).toContain("`spec.template.metadata.annotations.rollme`");
    expect(md).toContain("## `lookup`");
    expect(md).toContain("`templates/settings.yaml`");
    // Neither render's random value is anywhere in the import.
    expect(Object.values(written).join("\n")).not.toMatch(/rollme: "?[A-Za-z0-9]{12}"?/);
  });
});
