/**
 * ApplicationSet review (issue 16): generators expanded offline like the controller, every generated
 * Application reviewed with the GitOps checklist; the seed's AI-written ApplicationSet gets all six problems
 * named, its unquoted variant a quoting hint, and kintent's own multi-env ApplicationSet stays clean.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { ROOT, runCli } from "../helpers.js";
import {
  executeFastTemplate,
  executeGoTemplate,
  TemplateError,
} from "../../src/validate/appset/gotemplate.js";
import { expandGenerators, generateApplications } from "../../src/validate/appset/expand.js";

const FIXTURES = join(ROOT, "test", "fixtures", "appset");

interface JsonFinding {
  checkId: string;
  severity: string;
  message: string;
  loc?: { line: number };
}

async function validate(file: string): Promise<{ code: number; findings: JsonFinding[] }> {
  const r = await runCli(["validate", file, "-f", "json"], { cwd: FIXTURES });
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
}

describe("the seed's AI-written ApplicationSet", () => {
  it("names all six problems, each at its template line and with the generator elements", async () => {
    const { code, findings } = await validate("seed-applicationset.yaml");
    expect(code).toBe(1);
    const has = (checkId: string, re: RegExp) =>
      findings.find((f) => f.checkId === checkId && re.test(f.message) && f.loc !== undefined);
    // 1. placeholder cluster URLs, 2. an unintended cross product
    expect(
      has("appset-placeholder", /gets destination server `https:\/\/prod\.example\.com`: a placeholder/),
    ).toBeDefined();
    const cross = has("appset-cross-product", /2 generated Applications are named `agent-runner-prod`/);
    expect(cross?.message).toMatch(/list\.elements\[2\] \(line 19\) × .*list\.elements\[0\] \(line 23\)/);
    expect(cross?.loc?.line).toBe(27);
    // 3. prod pulls from docker.io, 4. the private registry has no pull secrets
    const pub = has("appset-public-registry", /deploys production from the public registry docker\.io/);
    expect(pub?.loc?.line).toBe(36);
    expect(
      has(
        "appset-pull-secret",
        /pulls from the private registry 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com but nothing in it sets image pull secrets/,
      ),
    ).toBeDefined();
    // 5. prune in production (and one policy for every environment)
    expect(has("appset-sync-policy", /syncs automatically with prune in production/)?.loc?.line).toBe(42);
    expect(
      has(
        "appset-sync-policy",
        /every environment \(dev, staging, prod\) gets the same automated sync policy/,
      ),
    ).toBeDefined();
    // 6. one namespace for all
    expect(
      has(
        "appset-namespaces",
        /every environment \(dev, staging, prod\) deploys into namespace `agent-runner`/,
      ),
    ).toBeDefined();
  });

  it("as printed in the seed (unquoted {{ }}), the parse error says to quote it", async () => {
    const r = await runCli(["validate", "seed-applicationset-unquoted.yaml"], { cwd: FIXTURES });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\d+:\d+ +error +.*a value starting with `\{\{` must be quoted/);
  });
});

describe("kintent's own multi-env ApplicationSet", () => {
  it("is clean", async () => {
    const b = await runCli(["build", "examples/multi-env", "--format", "argocd", "--applicationset"]);
    expect(b.code).toBe(0);
    const r = await runCli(["validate", "-", "-f", "json"], { stdin: b.stdout });
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.filter((f) => f.checkId.startsWith("appset-"))).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe("Go templates and fasttemplate, as the controller renders them", () => {
  it("Go: fields, missing keys, missingkey=error, if/else, trim markers, functions", () => {
    expect(executeGoTemplate("a-{{ .env }}-{{.x.y}}", { env: "dev", x: { y: 1 } })).toBe("a-dev-1");
    expect(executeGoTemplate("{{ .nope }}", {})).toBe("<no value>");
    expect(() => executeGoTemplate("{{ .nope }}", {}, { missingKeyError: true })).toThrow(TemplateError);
    expect(executeGoTemplate("{{- if .a }}\n  yes\n{{- else }}\n  no\n{{- end }}", { a: false })).toBe(
      "\n  no",
    );
    expect(executeGoTemplate('{{ .env | upper | printf "%s!" }}', { env: "dev" })).toBe("DEV!");
    expect(executeGoTemplate("{{ toJson .m }}", { m: { b: 1 } })).toBe('{"b":1}');
    expect(executeGoTemplate('{{ default "x" .missing }}', {})).toBe("x");
    expect(executeGoTemplate('{{ index .m "a.b" }}', { m: { "a.b": "v" } })).toBe("v");
    expect(executeGoTemplate("{{ .p }}", { p: true })).toBe("true");
  });

  it("fasttemplate: known parameters replaced (tags trimmed), unknown ones left as written", () => {
    expect(executeFastTemplate("{{ env }}-{{cluster}}-{{nope}}", { env: "dev", cluster: "c" })).toBe(
      "dev-c-{{nope}}",
    );
  });

  it("matrix, merge and cluster generators; git is named as not expanded offline", () => {
    const options = {
      goTemplate: false,
      missingKeyError: false,
      clusterSecrets: [
        {
          metadata: { name: "c1", labels: { "argocd.argoproj.io/secret-type": "cluster", env: "prod" } },
          stringData: { name: "prod-eks", server: "https://prod-eks.acme.internal" },
        },
        {
          metadata: { name: "c2", labels: { "argocd.argoproj.io/secret-type": "cluster", env: "dev" } },
          data: {
            name: Buffer.from("dev-eks").toString("base64"),
            server: Buffer.from("https://dev").toString("base64"),
          },
        },
      ],
    };
    const x = expandGenerators(
      [
        {
          matrix: {
            generators: [
              { clusters: { selector: { matchLabels: { env: "prod" } } } },
              { list: { elements: [{ app: "a", url: "{{server}}/a" }, { app: "b" }] } },
            ],
          },
        },
        {
          merge: {
            mergeKeys: ["app"],
            generators: [
              {
                list: {
                  elements: [
                    { app: "a", v: 1 },
                    { app: "b", v: 1 },
                  ],
                },
              },
              { list: { elements: [{ app: "b", v: 2 }] } },
            ],
          },
        },
        { git: { repoURL: "https://x", directories: [{ path: "*" }] } },
      ],
      options,
    );
    expect(x.sets.map((s) => s.params)).toEqual([
      expect.objectContaining({ name: "prod-eks", app: "a", url: "https://prod-eks.acme.internal/a" }),
      expect.objectContaining({ name: "prod-eks", app: "b" }),
      { app: "a", v: 1 },
      { app: "b", v: 2 },
    ]);
    expect(x.skipped.map((s) => s.pointer)).toEqual(["/spec/generators/2/git"]);
    const g = generateApplications(
      { spec: { template: { metadata: { name: "{{name}}-{{app}}" } } } },
      x.sets.slice(0, 1),
      options,
    );
    expect(g.apps[0]?.app).toEqual({ metadata: { name: "prod-eks-a" } });
  });

  it("a typo in a parameter is an unrendered variable with a suggestion", async () => {
    const text = readFileSync(join(FIXTURES, "seed-applicationset.yaml"), "utf8").replace(
      "'https://{{cluster}}.example.com'",
      "'https://{{clustr}}.acme.internal'",
    );
    const r = await runCli(["validate", "-", "-f", "json"], { stdin: text });
    const f = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.find(
      (x) => x.checkId === "appset-unrendered",
    );
    expect(f?.message).toMatch(
      /keeps `https:\/\/\{\{clustr\}\}\.acme\.internal` unrendered: no generator provides `clustr` — did you mean `cluster`\?/,
    );
  });
});
