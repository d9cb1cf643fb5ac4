/** `kintent validate` end to end: inputs, schema errors with positions, reporters, --fix, config, exit codes. */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers.js";

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "kintent-val-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, ".."), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

const GOOD = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: shop
data:
  a: "1"
`;

const DEPLOY = (extra = "", container = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          ports: [{name: http, containerPort: 8080}]
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}
          readinessProbe: {httpGet: {path: /, port: http}}
          livenessProbe: {httpGet: {path: /, port: http}}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
${container}${extra}`;

describe("schema validation with positions", () => {
  it("reports unknown fields with did-you-mean, wrong types, enums, required fields and bad quantities at file:line:column", async () => {
    const d = dir({
      "bad.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replica: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      restartPolicy: Sometimes
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          ports: [{containerPort: "8080"}]
          resources: {limits: {memory: 1GB}}
        - image: ghcr.io/acme/side:1.0.0
`,
    });
    const r = await runCli(["validate", "bad.yaml", "--format", "json"], { cwd: d });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as {
      findings: { checkId: string; message: string; loc?: { file: string; line: number; column: number } }[];
    };
    const schema = j.findings
      .filter((f) => f.checkId === "schema")
      .map((f) => `${f.loc?.line}:${f.loc?.column} ${f.message}`);
    expect(schema).toEqual(
      expect.arrayContaining([
        "7:3 unknown field `replica` in `spec` — did you mean `replicas`?",
        '14:7 `spec.template.spec.restartPolicy` must be one of `Always`, `Never`, `OnFailure`; got "Sometimes"',
        '18:20 `spec.template.spec.containers.0.ports.0.containerPort` must be an integer, got string "8080"',
        expect.stringMatching(
          /^19:32 `spec.template.spec.containers.0.resources.limits.memory`: "1GB" is not a valid quantity .* did you mean `1Gi`\?$/,
        ),
        "20:11 missing required field `spec.template.spec.containers.1.name`",
      ]),
    );
    rmSync(d, { recursive: true, force: true });
  });

  it("explains removed API versions and misspelt kinds, and skips unknown kinds (error with --strict)", async () => {
    const d = dir({
      "a.yaml":
        "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: b}\n---\napiVersion: example.io/v1\nkind: Widget\nmetadata: {name: c}\n",
    });
    const r = await runCli(["validate", "a.yaml", "--format", "json"], { cwd: d });
    const msgs = (JSON.parse(r.stdout) as { findings: { message: string; severity: string }[] }).findings.map(
      (f) => `${f.severity} ${f.message}`,
    );
    expect(msgs).toContain(
      "error Deployment apps/v1beta1 was removed in Kubernetes 1.16 and is refused by the API server — use apiVersion `apps/v1`",
    );
    expect(msgs).toContain("error unknown kind `Deploymnet` in apps/v1 — did you mean `Deployment`?");
    expect(msgs).toContain(
      "info no schema for example.io/v1 Widget: not validated (add its CRD with --schemas)",
    );
    const strict = await runCli(["validate", "a.yaml", "--strict", "--format", "json"], { cwd: d });
    expect(
      (JSON.parse(strict.stdout) as { findings: { severity: string; message: string }[] }).findings.some(
        (f: { severity: string; message: string }) =>
          f.severity === "error" && f.message.startsWith("no schema for example.io/v1 Widget"),
      ),
    ).toBe(true);
    rmSync(d, { recursive: true, force: true });
  });

  it("--schemas adds the user's CRDs, which then catch unknown fields", async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.io}
spec:
  group: example.io
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1}
`;
    const d = dir({
      "crds/widget.yaml": crd,
      "w.yaml":
        "apiVersion: example.io/v1\nkind: Widget\nmetadata: {name: w, namespace: x}\nspec:\n  sise: 3\n",
    });
    const r = await runCli(["validate", "w.yaml", "--schemas", "crds", "--format", "json"], { cwd: d });
    expect(r.code).toBe(1);
    const msgs = (JSON.parse(r.stdout) as { findings: { message: string }[] }).findings.map((f) => f.message);
    expect(msgs).toContain("unknown field `sise` in `spec` — did you mean `size`?");
    expect(msgs).toContain("missing required field `spec.size`");
    rmSync(d, { recursive: true, force: true });
  });
});

describe("inputs", () => {
  it("reads directories recursively, multi-document streams, List kinds and stdin", async () => {
    const list = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a, namespace: shop}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: b, namespace: shop}
    bogus: 1
`;
    const d = dir({
      "m/x.yaml": `${GOOD}---\n${GOOD.replace("web-config", "other")}`,
      "m/sub/list.yml": list,
      "m/notes.txt": "ignored",
    });
    const r = await runCli(["validate", "m", "--format", "json"], { cwd: d });
    const j = JSON.parse(r.stdout) as {
      summary: { objects: number; files: number };
      findings: { message: string; loc: { file: string; line: number } }[];
    };
    expect(j.summary).toMatchObject({ objects: 4, files: 2 });
    const bogus = j.findings.find((f) => f.message.startsWith("unknown field `bogus`"));
    expect(bogus?.loc).toMatchObject({ file: "m/sub/list.yml", line: 10 });
    const s = await runCli(["validate", "-", "--format", "json"], { cwd: d, stdin: GOOD });
    expect(s.code).toBe(0);
    expect((JSON.parse(s.stdout) as { summary: unknown }).summary).toMatchObject({ objects: 1, valid: 1 });
    rmSync(d, { recursive: true, force: true });
  });

  it("compiles intent directories per environment and validates their output", async () => {
    const r = await runCli(["validate", "examples/multi-env", "--format", "json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { summary: { objects: number } }).summary.objects).toBe(5 + 7 + 7);
  });

  it("tells a Helm chart directory from manifests", async () => {
    const d = dir({
      "chart/Chart.yaml": "apiVersion: v2\nname: x\nversion: 0.1.0\n",
      "chart/templates/d.yaml": "{{ .Values.x }}",
    });
    const r = await runCli(["validate", "chart"], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "is a Helm chart, not manifests: render it first — `helm template <release> chart | kintent validate -`",
    );
    rmSync(d, { recursive: true, force: true });
  });

  it("counts each object's status, also when two files hold objects of the same name", async () => {
    const bad = DEPLOY().replace("ghcr.io/acme/web:1.0.0", "nginx:latest");
    const d = dir({ "a/d.yaml": bad, "b/d.yaml": bad, "c/ok.yaml": GOOD });
    const r = await runCli(["validate", ".", "-f", "json"], { cwd: d });
    expect((JSON.parse(r.stdout) as { summary: unknown }).summary).toMatchObject({
      objects: 3,
      valid: 1,
      invalid: 2,
      skipped: 0,
    });
    rmSync(d, { recursive: true, force: true });
  });

  it("warns when there is nothing to validate", async () => {
    const d = dir({ "empty.yaml": "# rendered nothing\n" });
    const r = await runCli(["validate", "empty.yaml"], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^\(input\)\n\s+warning\s+no Kubernetes objects in empty\.yaml: nothing was validated/,
    );
    rmSync(d, { recursive: true, force: true });
  });

  it("keeps tool failures (exit 2) apart from invalid manifests (exit 1)", async () => {
    const d = dir({ "ok.yaml": GOOD, "broken.yaml": "a: [1, 2\n" });
    expect((await runCli(["validate", "ok.yaml"], { cwd: d })).code).toBe(0);
    const yamlErr = await runCli(["validate", "broken.yaml"], { cwd: d });
    expect(yamlErr.code).toBe(1);
    expect(yamlErr.stdout).toMatch(/broken\.yaml\n\s+2:1\s+error/);
    const missing = await runCli(["validate", "nope.yaml"], { cwd: d });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file or directory: nope.yaml");
    const badSchemas = await runCli(["validate", "ok.yaml", "--schemas", "no-such-dir"], { cwd: d });
    expect(badSchemas.code).toBe(2);
    expect(badSchemas.stderr).toContain("--schemas: no such file or directory");
    rmSync(d, { recursive: true, force: true });
  });

  it("checks an Argo CD Application's destination against the resources under its source path", async () => {
    const app = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: shop}
  source: {repoURL: https://github.com/acme/gitops.git, path: apps/web/prod, targetRevision: main}
`;
    const d = dir({
      "argocd/web.yaml": app,
      "apps/web/prod/cm.yaml": GOOD.replace("namespace: shop", "namespace: shop-prod"),
    });
    const r = await runCli(["validate", ".", "--format", "json"], { cwd: d });
    const f = (JSON.parse(r.stdout) as { findings: { checkId: string; message: string }[] }).findings.find(
      (x) => x.checkId === "argocd-destination-namespace",
    );
    expect(f?.message).toBe(
      "destination namespace shop disagrees with ConfigMap `web-config` in namespace shop-prod (apps/web/prod/cm.yaml)",
    );
    rmSync(d, { recursive: true, force: true });
  });
});

describe("reporters", () => {
  const d = dir({
    "d.yaml":
      DEPLOY("", "          env: [{name: A, value: '1'}, {name: A, value: '2'}]\n") +
      "---\n" +
      GOOD.replace("web-config", "web-config").replace('a: "1"', 'a: "1"\n  # end'),
  });

  it("json: summary and findings", async () => {
    const r = await runCli(["validate", "d.yaml", "-f", "json"], { cwd: d });
    const j = JSON.parse(r.stdout) as {
      summary: { objects: number; warnings: number };
      findings: { checkId: string }[];
    };
    expect(j.summary.objects).toBe(2);
    expect(j.findings.map((f) => f.checkId)).toContain("duplicate-env");
  });

  it("sarif: version 2.1.0 with rules and physical locations", async () => {
    const r = await runCli(["validate", "d.yaml", "-f", "sarif"], { cwd: d });
    const s = JSON.parse(r.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; helpUri?: string }[] } };
        results: {
          ruleId: string;
          level: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    expect(s.version).toBe("2.1.0");
    const run = s.runs[0];
    expect(run?.tool.driver.name).toBe("kintent");
    const res = run?.results.find((x) => x.ruleId === "duplicate-env");
    expect(res?.level).toBe("warning");
    expect(res?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("d.yaml");
    expect(res?.locations[0]?.physicalLocation.region.startLine).toBe(24);
    expect(run?.tool.driver.rules.find((x) => x.id === "duplicate-env")?.helpUri).toMatch(/^https:\/\//);
  });

  it("junit: a testsuite per file and a testcase per object", async () => {
    const r = await runCli(["validate", "d.yaml", "-f", "junit"], { cwd: d });
    expect(r.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="kintent validate" tests="2" failures="0">/,
    );
    expect(r.stdout).toContain('<testcase classname="d.yaml" name="Deployment/shop/web">');
    expect(r.stdout).toContain("warning: container `web` defines A more than once");
  });

  it("markdown: a PR-comment summary and table", async () => {
    const r = await runCli(["validate", "d.yaml", "-f", "markdown"], { cwd: d });
    expect(r.stdout).toMatch(/^### ⚠️ kintent validate: 0 error\(s\), 1 warning\(s\)/);
    expect(r.stdout).toContain("| ⚠️ | `duplicate-env` | Deployment `shop/web` | `d.yaml:24` |");
  });

  it("stylish: grouped by file, with a summary line", async () => {
    const r = await runCli(["validate", "d.yaml"], { cwd: d });
    expect(r.stdout).toMatch(/^d\.yaml\n\s+24:17\s+warning\s+container `web` defines A more than once/);
    expect(r.stdout).toContain("2 object(s) in 1 file(s): 2 valid, 0 invalid, 0 skipped");
  });
});

describe("--fix, suppression and configuration", () => {
  it("--fix applies only safe fixes and keeps comments", async () => {
    const text = `# the web app
${DEPLOY("", "          env:\n            - {name: A, value: '1'}  # old\n            - {name: A, value: '2'}  # in effect\n")}`;
    const d = dir({ "d.yaml": text });
    const r = await runCli(["validate", "d.yaml", "--fix", "-f", "json"], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("applied 1 fix(es) in d.yaml");
    const after = readFileSync(join(d, "d.yaml"), "utf8");
    expect(after).toContain("# the web app");
    expect(after).toContain("# in effect");
    expect(after).not.toContain("value: '1'");
    expect(
      (JSON.parse(r.stdout) as { findings: { checkId: string }[] }).findings.filter(
        (f) => f.checkId === "duplicate-env",
      ),
    ).toEqual([]);
    rmSync(d, { recursive: true, force: true });
  });

  it("suppression needs a reason; with one, the check is silenced for that object only", async () => {
    const obj = (ann: string) =>
      DEPLOY()
        .replace("  namespace: shop\nspec:", `  namespace: shop\n  annotations:\n${ann}\nspec:`)
        .replace("ghcr.io/acme/web:1.0.0", "nginx:latest");
    const d = dir({
      "with.yaml": obj(
        '    ignore-check.kintent.dev/latest-tag: "upstream ships only latest; pinned by digest in prod"',
      ),
      "empty.yaml": obj('    ignore-check.kintent.dev/latest-tag: ""'),
    });
    const a = JSON.parse((await runCli(["validate", "with.yaml", "-f", "json"], { cwd: d })).stdout) as {
      findings: { checkId: string }[];
    };
    expect(a.findings.filter((f) => f.checkId === "latest-tag")).toEqual([]);
    const b = JSON.parse((await runCli(["validate", "empty.yaml", "-f", "json"], { cwd: d })).stdout) as {
      findings: { checkId: string; messageId: string }[];
    };
    expect(b.findings.filter((f) => f.checkId === "latest-tag").map((f) => f.messageId)).toEqual([
      "suppression-without-reason",
    ]);
    rmSync(d, { recursive: true, force: true });
  });

  it(".kintent.yaml turns checks off, changes severity, adds checks from templates, and rejects unknown ids", async () => {
    const d = dir({
      ".kintent.yaml": `checks:
  latest-tag: warning
  liveness-probe: off
customChecks:
  - id: three-replicas
    template: minimum-replicas
    params: {min: 3, productionOnly: false}
    severity: error
    kinds: [Deployment]
`,
      "d.yaml": DEPLOY()
        .replace("ghcr.io/acme/web:1.0.0", "nginx:latest")
        .replace("          livenessProbe: {httpGet: {path: /, port: http}}\n", ""),
    });
    const r = await runCli(["validate", "d.yaml", "-f", "json"], { cwd: d });
    const f = (JSON.parse(r.stdout) as { findings: { checkId: string; severity: string; message: string }[] })
      .findings;
    expect(f.find((x) => x.checkId === "latest-tag")?.severity).toBe("warning");
    expect(f.some((x) => x.checkId === "liveness-probe")).toBe(false);
    expect(f.find((x) => x.checkId === "three-replicas")).toMatchObject({
      severity: "error",
      message: "Deployment runs 2 replica(s): one node failure or rollout makes it unavailable",
    });
    expect(r.code).toBe(1);
    writeFileSync(join(d, ".kintent.yaml"), "checks:\n  latest-tags: off\n");
    const bad = await runCli(["validate", "d.yaml"], { cwd: d });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown check `latest-tags` — did you mean `latest-tag`?");
    rmSync(d, { recursive: true, force: true });
  });
});

describe("kintent checks list", () => {
  it("docs/checks.md is generated from the check definitions", async () => {
    const r = await runCli(["checks", "list", "--format", "markdown"]);
    expect(r.stdout).toContain("| `cert-manager-ingressroute` *fix* | error |");
    await expect(r.stdout).toMatchFileSnapshot(join(__dirname, "..", "..", "docs", "checks.md"));
  });
});

describe("--policy", () => {
  it("evaluates the team's Kyverno policies as findings, with the policy's message and position", async () => {
    const good = await runCli(["build", "examples/quickstart"]);
    const d = dir({
      "good.yaml": good.stdout,
      "bad.yaml": good.stdout.replace(/runAsNonRoot: true/g, "runAsNonRoot: false"),
    });
    const ok = await runCli(
      [
        "validate",
        "good.yaml",
        "--policy",
        join(__dirname, "..", "..", "examples", "policies"),
        "-f",
        "json",
      ],
      { cwd: d },
    );
    expect(
      (JSON.parse(ok.stdout) as { findings: { checkId: string; severity: string }[] }).findings.filter(
        (f) => f.checkId.startsWith("policy:") && f.severity !== "info",
      ),
    ).toEqual([]);
    // The quickstart has no Rollout: the Rollout policy says it matched nothing.
    expect(ok.stdout).toContain("baseline-rollouts (baseline-rollouts.yaml) matched no object");
    const bad = await runCli(
      [
        "validate",
        "bad.yaml",
        "--policy",
        join(__dirname, "..", "..", "examples", "policies", "baseline.yaml"),
        "-f",
        "json",
      ],
      { cwd: d },
    );
    expect(bad.code).toBe(1);
    const f = (
      JSON.parse(bad.stdout) as {
        findings: { checkId: string; severity: string; message: string; loc?: { line: number } }[];
      }
    ).findings.filter((x) => x.checkId.startsWith("policy:"));
    expect(f.map((x) => x.checkId)).toEqual(["policy:baseline/autogen-run-as-non-root"]);
    expect(f[0]?.severity).toBe("error");
    expect(f[0]?.message).toMatch(/^validation error: Running as root is not allowed/);
    expect(f[0]?.loc?.line).toBeGreaterThan(1);
    const missing = await runCli(["validate", "good.yaml", "--policy", "nope/"], { cwd: d });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--policy: no such file or directory: nope");
    rmSync(d, { recursive: true, force: true });
  });

  it("says once, at the end of the run, which policies and rules matched no object", async () => {
    const policy = (name: string, kinds: string, rules = ["only"]) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ${name}}
spec:
  validationFailureAction: Enforce
  rules:
${rules
  .map(
    (r) => `    - name: ${r}
      match: {any: [{resources: {kinds: [${r === "cm" ? "ConfigMap" : kinds}]}}]}
      validate: {message: "must be labelled", pattern: {metadata: {labels: {team: "?*"}}}}
`,
  )
  .join("")}`;
    const d = dir({
      "cm.yaml": GOOD.replace("namespace: shop", "namespace: shop\n  labels: {team: a}"),
      "p/stateful.yaml": policy("stateful-only", "StatefulSet"),
      "p/mixed.yaml": policy("mixed", "StatefulSet", ["cm", "sts"]),
    });
    const r = await runCli(["validate", "cm.yaml", "--policy", "p", "-f", "json"], { cwd: d });
    const f = (
      JSON.parse(r.stdout) as { findings: { checkId: string; severity: string; message: string }[] }
    ).findings.filter((x) => x.checkId.startsWith("policy:"));
    expect(f.map((x) => [x.checkId, x.severity]).sort()).toEqual([
      ["policy:mixed/sts", "info"],
      ["policy:stateful-only", "info"],
    ]);
    expect(f.find((x) => x.checkId === "policy:stateful-only")?.message).toContain("matched no object");
    expect(r.code).toBe(0);
    // Without --policy nothing is said about policies.
    const plain = await runCli(["validate", "cm.yaml", "-f", "json"], { cwd: d });
    expect(plain.stdout).not.toContain("matched no object");
    rmSync(d, { recursive: true, force: true });
  });
});

describe("positions in multi-document files", () => {
  it("points at the right line and column in any document (each document is located on its own)", async () => {
    const cm = (name: string, extra = "") =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\n${extra}data: {a: "1"}\n`;
    const text = `# header comment\n${cm("one")}---\n# second\n${cm("two")}---\n\n---\n${cm("three", "  labels: {ok: yes}\nbogus: true\n")}...\n---\n${cm("four", "  wrong: 1\n")}`;
    const d = dir({ "multi.yaml": text });
    const r = await runCli(["validate", "multi.yaml", "-f", "json"], { cwd: d });
    const f = (
      JSON.parse(r.stdout) as { findings: { message: string; loc: { line: number; column: number } }[] }
    ).findings;
    const lines = text.split("\n");
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    const bogus = f.find((x) => x.message.startsWith("unknown field `bogus`"));
    expect(bogus?.loc).toEqual({ file: "multi.yaml", line: at("bogus: true"), column: 1 });
    const wrong = f.find((x) => x.message.startsWith("unknown field `wrong`"));
    expect(wrong?.loc).toEqual({ file: "multi.yaml", line: at("wrong: 1"), column: 3 });
    rmSync(d, { recursive: true, force: true });
  });
});
