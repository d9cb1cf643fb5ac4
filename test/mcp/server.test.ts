/**
 * `kintent mcp` driven by the SDK's own client over both transports (stdio: the real bin as a child process;
 * Streamable HTTP: the real server on loopback) in both protocol eras: the tools are listed annotated and
 * typed, a privileged pod gets structured findings, the quickstart builds to its objects, a change request
 * returns the diffs and writes nothing, the resources and prompts answer.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningHttpServer } from "../../src/mcp/index.js";
import { MAX_ANSWER_BYTES, MAX_TOOLS_LIST_BYTES } from "../../src/mcp/index.js";
import {
  connectHttp,
  connectStdio,
  exampleRoot,
  removeRoot,
  startHttp,
  structured,
  textOf,
} from "./helpers.js";
import type { Connected, Era } from "./helpers.js";

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: priv
spec:
  containers:
    - name: c
      image: nginx:1.25
      securityContext:
        privileged: true
`;

const TOOL_NAMES = [
  "describe_project",
  "build",
  "explain",
  "validate",
  "policy_test",
  "change_intent",
  "propose",
];
/** Offered with --cluster (or --kubeconfig / --context). */
const CLUSTER_TOOL_NAMES = [
  "status",
  "diagnose",
  "rollout_status",
  "rollout_step",
  "rollout_abort",
  "rollout_promote",
];
/** The tools that write somewhere (a branch, a commit): left out with --read-only. */
const WRITE_TOOLS = ["propose", "rollout_step", "rollout_abort", "rollout_promote"];
/** The tools that read the cluster (and Prometheus): read-only, but the world outside the repository. */
const CLUSTER_READ_TOOLS = ["status", "diagnose", "rollout_status"];

interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
}

const combos: [string, Era][] = [
  ["stdio", "legacy"],
  ["stdio", "modern"],
  ["http", "legacy"],
  ["http", "modern"],
];

describe.each(combos)("kintent mcp over %s (%s era)", (transport, era) => {
  let root: string;
  let c: Connected;
  let http: RunningHttpServer | undefined;

  beforeAll(async () => {
    root = exampleRoot(["quickstart", "traefik-canary", "production"]);
    if (transport === "stdio") c = await connectStdio([root], era);
    else {
      const started = await startHttp({ root, env: {} });
      http = started.server;
      c = await connectHttp(http.url, era, { logs: started.logs });
    }
  });
  afterAll(async () => {
    await c?.close();
    await http?.close();
    removeRoot(root);
  });

  it("negotiated the era asked for", () => {
    expect(c.client.getProtocolEra()).toBe(era);
  });

  it("lists every tool with all four annotations, an output schema, and a description on every input field", async () => {
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    expect(Buffer.byteLength(JSON.stringify({ tools }))).toBeLessThan(MAX_ANSWER_BYTES);
    for (const t of tools) {
      expect(t.description?.length, t.name).toBeGreaterThan(80);
      const a = t.annotations ?? {};
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const)
        expect(typeof a[hint], `${t.name}.${hint}`).toBe("boolean");
      const out = t.outputSchema as JsonSchema | undefined;
      expect(out?.type, t.name).toBe("object");
      expect(Object.keys(out?.properties ?? {}).length, t.name).toBeGreaterThan(2);
      const inputs = (t.inputSchema as JsonSchema).properties ?? {};
      for (const [field, schema] of Object.entries(inputs))
        expect(schema.description, `${t.name}.${field}`).toMatch(/\w/);
    }
    const byName = new Map(tools.map((t) => [t.name, t.annotations]));
    for (const n of TOOL_NAMES.filter((x) => x !== "propose"))
      expect(byName.get(n)?.readOnlyHint, n).toBe(true);
    // Without --allow-write, change_intent only previews: read-only, and it has no `write` argument.
    expect(Object.keys((tools[5]?.inputSchema as JsonSchema).properties ?? {})).not.toContain("write");
    expect(byName.get("propose")).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: true,
    });
    // The operations schema travels in change_intent's input: the assistant is the model.
    expect(JSON.stringify(tools[5]?.inputSchema)).toContain("canary-weight");
  });

  it("validate: a privileged pod gets structured, located findings", async () => {
    const r = await c.call("validate", { manifests: PRIVILEGED_POD });
    const s = structured(r);
    expect(s.status).toBe("invalid");
    expect(s.summary).toMatchObject({ objects: 1, invalid: 1 });
    const findings = s.findings as {
      checkId: string;
      severity: string;
      object?: { kind: string; name: string };
      location?: string;
    }[];
    expect(findings[0]).toMatchObject({
      checkId: "privileged-container",
      severity: "error",
      object: { apiVersion: "v1", kind: "Pod", name: "priv" },
      path: "/spec/containers/0/securityContext/privileged",
      location: "<input>:10:9",
    });
    const rank = { error: 0, warning: 1, info: 2 } as Record<string, number>;
    const ranks = findings.map((f) => rank[f.severity] ?? 9);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b)); // errors first
    expect(ranks[ranks.length - 1]).toBeGreaterThan(0);
    expect(s.byCheck).toContainEqual({ checkId: "privileged-container", severity: "error", count: 1 });
    expect(textOf(r)).toContain("error privileged-container Pod priv");
  });

  it("build: the quickstart compiles to its three objects, valid; YAML on request with why comments", async () => {
    const s = structured(await c.call("build", { path: "quickstart" }));
    expect(s.status).toBe("valid");
    expect(s.environment).toBe("default");
    expect(s.objects).toEqual([
      { apiVersion: "v1", kind: "ServiceAccount", name: "hello", namespace: "hello", app: "hello" },
      { apiVersion: "v1", kind: "Service", name: "hello", namespace: "hello", app: "hello" },
      { apiVersion: "apps/v1", kind: "Deployment", name: "hello", namespace: "hello", app: "hello" },
    ]);
    expect(s).not.toHaveProperty("yaml");
    expect(s).not.toHaveProperty("nextCursor");
    const y = structured(await c.call("build", { path: "quickstart", yaml: true, kind: "deployment" }));
    expect(y.objects).toHaveLength(1);
    expect(y.yaml).toMatch(/^---\n# why: .*\napiVersion: apps\/v1\nkind: Deployment\n/);
    expect(y.yaml).toContain("image: ghcr.io/acme/hello:1.0.0");
  });

  it("change_intent: the canary step 90/10 → 50/50 as diffs and findings; nothing written", async () => {
    const file = join(root, "traefik-canary", "kintent.yaml");
    const before = readFileSync(file);
    const r = await c.call("change_intent", {
      path: "traefik-canary",
      operations: [{ op: "canary-weight", weight: 50 }],
      why: "1.27.4 held 10% for an hour without errors",
    });
    const s = structured(r);
    expect(s).toMatchObject({
      status: "preview",
      app: "web",
      written: false,
      file: "traefik-canary/kintent.yaml",
    });
    expect(s.intentDiff).toContain("-      weight: 10\n+      weight: 50");
    expect(s.environments).toEqual([
      {
        env: "prod",
        changes: { added: 0, changed: 1, removed: 0 },
        findings: { error: 0, warning: 0, info: 0 },
        errors: [],
      },
    ]);
    expect(s.changes).toEqual([
      {
        env: "prod",
        change: "changed",
        object: {
          apiVersion: "traefik.io/v1alpha1",
          kind: "TraefikService",
          name: "web-wrr",
          namespace: "web",
        },
        fields: [
          { path: "spec.weighted.services[web].weight", before: "90", after: "50" },
          { path: "spec.weighted.services[web-canary-proxy].weight", before: "10", after: "50" },
        ],
      },
    ]);
    expect(String(s.next)).toContain("propose");
    expect(readFileSync(file).equals(before)).toBe(true);
    // Asking to write on a server without --allow-write is refused by the input schema.
    const refused = await c.call("change_intent", {
      path: "traefik-canary",
      operations: [{ op: "canary-weight", weight: 50 }],
      write: true,
    });
    expect(refused.isError).toBe(true);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("a domain failure is an error result the model can act on, not a protocol error", async () => {
    const outside = await c.call("build", { path: "../.." });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toContain("outside the directory this server serves");
    const env = await c.call("build", { path: "production", env: "staging" });
    expect(env.isError).toBe(true);
    expect(textOf(env)).toBe("env: no environment `staging` (the platform defines prod)");
  });

  it("resources: the schemas and the checks catalogue; prompts: the three conversations", async () => {
    const { resources } = await c.client.listResources();
    expect(resources.map((x) => x.uri)).toEqual([
      "kintent://schema/intent",
      "kintent://schema/operations",
      "kintent://checks",
    ]);
    const { resourceTemplates } = await c.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["kintent://runbook/{app}/{env}"]);
    const schema = await c.client.readResource({ uri: "kintent://schema/intent" });
    const text = (schema.contents[0] as { text: string }).text;
    expect(Object.keys((JSON.parse(text) as { $defs: object }).$defs).slice(0, 2)).toEqual([
      "App",
      "Platform",
    ]);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_ANSWER_BYTES);
    const checks = await c.client.readResource({ uri: "kintent://checks" });
    expect((checks.contents[0] as { text: string }).text).toContain("`privileged-container`");
    const { prompts } = await c.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual([
      "step_canary",
      "review_applicationset",
      "why_is_my_app_down",
    ]);
    const step = await c.client.getPrompt({ name: "step_canary", arguments: { app: "web", to: "50" } });
    const message = (step.messages[0]?.content as { text: string }).text;
    expect(message).toContain("Step the canary of `web` to 50");
    expect(message).toContain("change_intent");
    expect(message).toContain("propose");
  });
});

describe("kintent mcp: runbook resources of the directory served, and explain in pages", () => {
  let root: string;
  let c: Connected;
  let http: RunningHttpServer;
  beforeAll(async () => {
    root = exampleRoot(["traefik-canary"]);
    http = (await startHttp({ root: join(root, "traefik-canary"), env: {} })).server;
    c = await connectHttp(http.url, "modern");
  });
  afterAll(async () => {
    await c.close();
    await http.close();
    removeRoot(root);
  });

  it("lists and reads the runbook of each app and environment; explain pages through the same markdown", async () => {
    const { resources } = await c.client.listResources();
    expect(resources.map((r) => r.uri)).toContain("kintent://runbook/web/prod");
    const read = await c.client.readResource({ uri: "kintent://runbook/web/prod" });
    const markdown = (read.contents[0] as { text: string }).text;
    expect(markdown).toMatch(/^# web — prod\n/);
    let all = "";
    let cursor: string | undefined;
    let pages = 0;
    do {
      const s = structured(await c.call("explain", cursor ? { cursor } : {}));
      all += String(s.markdown);
      cursor = s.nextCursor as string | undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(all).toBe(markdown);
    await expect(c.client.readResource({ uri: "kintent://runbook/web/staging" })).rejects.toThrow();
  });

  it("describe_project: apps, the running canary, environments, platform facts and notes", async () => {
    const s = structured(await c.call("describe_project"));
    expect(s).toMatchObject({
      path: ".",
      status: "ok",
      inputs: ["kintent.yaml", "platform.yaml"],
      platform: {
        name: "k3s-home",
        builtIn: false,
        ingress: "traefik",
        progressiveDelivery: "traefik-weighted",
      },
      environments: [
        {
          name: "prod",
          cluster: "https://kubernetes.default.svc",
          namespace: "web",
          sync: "auto+prune+selfHeal",
        },
      ],
      apps: [
        {
          name: "web",
          environment: "prod",
          image: "docker.io/nginxinc/nginx-unprivileged:1.27.3",
          replicas: "3",
          host: "web.k3s.acme.io",
          canary: {
            image: "docker.io/nginxinc/nginx-unprivileged:1.27.4",
            weight: 10,
            replicas: 2,
            namespace: "web-canary",
          },
        },
      ],
      projects: [],
    });
    expect((s.notes as { title: string }[]).map((n) => n.title)).toEqual([
      "k3s ships Traefik, which fights the host's Caddy for 80/443",
      "Traefik v3 blocks cross-namespace references by default",
      "A ConfigMap name mismatch leaves pods in ContainerCreating",
    ]);
    expect(String(s.intentHash)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("kintent mcp: policy_test runs Kyverno test suites", () => {
  const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: disallow-latest}
spec:
  validationFailureAction: Enforce
  rules:
    - name: no-latest
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: "The :latest tag is not allowed."
        pattern:
          spec:
            containers:
              - image: "!*:latest"
`;
  const RESOURCES = `apiVersion: v1
kind: Pod
metadata: {name: good}
spec: {containers: [{name: c, image: "nginx:1.25"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec: {containers: [{name: c, image: "nginx:latest"}]}
`;
  let root: string;
  let c: Connected;
  let http: RunningHttpServer;
  beforeAll(async () => {
    root = exampleRoot([]);
    const dir = join(root, "policies", "disallow-latest");
    mkdirSync(join(dir, ".kyverno-test"), { recursive: true });
    writeFileSync(join(dir, "policy.yaml"), POLICY);
    writeFileSync(join(dir, ".kyverno-test", "resources.yaml"), RESOURCES);
    writeFileSync(
      join(dir, ".kyverno-test", "kyverno-test.yaml"),
      `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: {name: disallow-latest}
policies: [../policy.yaml]
resources: [resources.yaml]
results:
  - {policy: disallow-latest, rule: no-latest, kind: Pod, resources: [good], result: pass}
  - {policy: disallow-latest, rule: no-latest, kind: Pod, resources: [bad], result: pass}
`,
    );
    http = (await startHttp({ root, env: {} })).server;
    c = await connectHttp(http.url, "legacy");
  });
  afterAll(async () => {
    await c.close();
    await http.close();
    removeRoot(root);
  });

  it("answers kyverno test's summary and rows; an expectation that does not hold fails", async () => {
    const s = structured(await c.call("policy_test", { path: "policies" }));
    expect(s.status).toBe("failed");
    expect(s.summary).toEqual({ tests: 1, passed: 1, failed: 1, unsupported: 0 });
    expect(s.rows).toEqual([
      expect.objectContaining({
        policy: "disallow-latest",
        rule: "no-latest",
        resource: "v1/Pod/default/good",
        ok: true,
        expected: "pass",
        actual: "pass",
      }),
      expect.objectContaining({
        policy: "disallow-latest",
        rule: "no-latest",
        resource: "v1/Pod/default/bad",
        ok: false,
        expected: "pass",
        actual: "fail",
        reason: "Want pass, got fail",
      }),
    ]);
    const failedOnly = structured(await c.call("policy_test", { path: "policies", failedOnly: true }));
    expect((failedOnly.rows as { resource: string }[]).map((r) => r.resource)).toEqual([
      "v1/Pod/default/bad",
    ]);
    const none = await c.call("policy_test", { path: ".", failedOnly: true });
    expect(none.isError).toBeFalsy();
  });
});

describe("kintent mcp --allow-write and --read-only", () => {
  let root: string;
  beforeAll(() => {
    root = exampleRoot(["traefik-canary"]);
  });
  afterAll(() => removeRoot(root));

  it("--allow-write: change_intent writes a valid result when asked, and only then", async () => {
    const { server } = await startHttp({ root, env: {}, allowWrite: true });
    const c = await connectHttp(server.url, "legacy");
    try {
      const tool = (await c.client.listTools()).tools.find((t) => t.name === "change_intent");
      expect(tool?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
      expect(Object.keys((tool?.inputSchema as JsonSchema).properties ?? {})).toContain("write");
      const file = join(root, "traefik-canary", "kintent.yaml");
      const before = readFileSync(file, "utf8");
      const preview = structured(
        await c.call("change_intent", {
          path: "traefik-canary",
          operations: [{ op: "canary-weight", weight: 50 }],
        }),
      );
      expect(preview.status).toBe("preview");
      expect(readFileSync(file, "utf8")).toBe(before);
      const invalid = structured(
        await c.call("change_intent", {
          path: "traefik-canary",
          operations: [{ op: "image", image: "docker.io/nginxinc/nginx-unprivileged:latest" }],
          write: true,
        }),
      );
      expect(invalid.status).toBe("invalid");
      expect(readFileSync(file, "utf8")).toBe(before);
      const written = structured(
        await c.call("change_intent", {
          path: "traefik-canary",
          operations: [{ op: "canary-weight", weight: 50 }],
          write: true,
        }),
      );
      expect(written).toMatchObject({ status: "written", written: true });
      expect(readFileSync(file, "utf8")).toBe(before.replace("      weight: 10\n", "      weight: 50\n"));
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("--read-only: no propose, change_intent previews", async () => {
    const { server } = await startHttp({ root, env: {}, readOnly: true });
    const c = await connectHttp(server.url, "modern");
    try {
      const { tools } = await c.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES.filter((n) => n !== "propose"));
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      await expect(c.call("propose", { message: "x" })).rejects.toThrow(/Tool propose not found/);
      await expect(c.call("diagnose", {})).rejects.toThrow(/Tool diagnose not found/);
    } finally {
      await c.close();
      await server.close();
    }
  });

  it("--cluster adds the cluster tools (typed, annotated, tools/list under its bound); --read-only keeps only the reading ones", async () => {
    for (const readOnly of [false, true]) {
      // HOME is the temporary root: no ~/.kube/config, so no cluster of the machine's is ever reached.
      const { server } = await startHttp({
        root,
        env: { HOME: root },
        cluster: {},
        ...(readOnly ? { readOnly } : {}),
      });
      const c = await connectHttp(server.url, "modern");
      try {
        const { tools } = await c.client.listTools();
        const all = [...TOOL_NAMES, ...CLUSTER_TOOL_NAMES];
        expect(tools.map((t) => t.name)).toEqual(
          readOnly ? all.filter((n) => !WRITE_TOOLS.includes(n)) : all,
        );
        expect(Buffer.byteLength(JSON.stringify({ tools }))).toBeLessThan(MAX_TOOLS_LIST_BYTES);
        const byName = new Map(tools.map((t) => [t.name, t]));
        for (const n of CLUSTER_READ_TOOLS)
          expect(byName.get(n)?.annotations, n).toMatchObject({
            readOnlyHint: true,
            destructiveHint: false,
            openWorldHint: true,
          });
        for (const n of readOnly ? [] : WRITE_TOOLS)
          expect(byName.get(n)?.annotations, n).toMatchObject({
            readOnlyHint: false,
            destructiveHint: true,
            openWorldHint: true,
          });
        for (const n of CLUSTER_TOOL_NAMES.filter((x) => byName.has(x))) {
          const t = byName.get(n);
          expect((t?.outputSchema as JsonSchema | undefined)?.type, n).toBe("object");
          for (const [field, schema] of Object.entries((t?.inputSchema as JsonSchema).properties ?? {}))
            expect(schema.description, `${n}.${field}`).toMatch(/\w/);
        }
        // No cluster behind it: a tool failure the assistant can read, not a crash.
        const r = await c.call("diagnose", { namespace: "default" });
        expect(r.isError).toBe(true);
        expect(r.content[0]?.text).toMatch(/kubeconfig/);
        if (!readOnly) {
          const step = await c.call("rollout_step", { path: "traefik-canary", env: "prod", mode: "commit" });
          expect(step.isError).toBe(true);
          expect(step.content[0]?.text).toContain("--allow-write");
        }
      } finally {
        await c.close();
        await server.close();
      }
    }
  });
});
