/**
 * Secrets never leave through MCP: plant secrets of many kinds in everything the server reads (intent comments
 * and files, extra/ manifests — a Secret, a kubeconfig in a ConfigMap, a literal credential env —, the
 * platform's notes, the request arguments, the forge token in its environment) and call every tool, read every
 * resource and get every prompt; not one planted value appears in any byte the server sent, while the context
 * a model needs (object names, images, the Secret's name) is still there.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningHttpServer } from "../../src/mcp/index.js";
import { EXAMPLES } from "../helpers.js";
import { createBareRepo } from "../gitops/servers.js";
import { connectHttp, exampleRoot, removeRoot, startHttp, structured } from "./helpers.js";
import type { Connected, Era, ToolResult } from "./helpers.js";

/** kind → the planted value (none may appear in any answer). */
const P = {
  "secret data (base64)": "c3VwZXItc2VjcmV0LXJlZGlzLXBhc3N3b3Jk",
  "secret stringData": "plain-text-session-key-7f3a9c",
  "credential env (manifest)": "hunter2-but-longer-Xq9",
  "credential env (intent)": "tok_live_9f8e7d6c5b4a39281706",
  "password in a config file": "cfgPassw0rd-91ab",
  "url with password": "pgPassw0rdInUrl",
  "pem private key": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
  "kubeconfig client key": "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB",
  "kubeconfig token": "kubeconfig-bearer-token-6d1f0e9a2b",
  "github token": "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
  "anthropic api key": "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345",
  "aws secret access key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzaG9wLWFkbWluIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
  "docker auth": "dXNlcjpzM2NyM3QtcmVnaXN0cnk=",
  "configured pattern": "ACME-839201",
  "forge token (environment)": "gitea-token-0a1b2c3d4e5f60718293",
  "password in a request": "Tr0ub4dor&3-request",
} as const;

const INTENT = readFileSync(join(EXAMPLES, "production", "kintent.yaml"), "utf8")
  .replace(
    "# a metric-gated canary, restricted security and the organisation's labels.",
    `# a metric-gated canary, restricted security and the organisation's labels.
# old deploy key, do not use: ${P["github token"]}
# AWS for the CDN: aws_secret_access_key=${P["aws secret access key"]}
# admin session for debugging: ${P.jwt}
# ticket ${P["configured pattern"]}; CI pushes with ${P["forge token (environment)"]}
# LLM fallback key: ${P["anthropic api key"]}`,
  )
  .replace(
    "  port: 8080\n",
    `  port: 8080\n  files:\n    /etc/my-service/db.ini: |\n      [db]\n      user = payments\n      password = ${P["password in a config file"]}\n      url = postgres://payments:${P["url with password"]}@db:5432/payments\n`,
  );

const EXTRA = `apiVersion: v1
kind: Secret
metadata:
  name: redis-auth
type: Opaque
data:
  password: ${P["secret data (base64)"]}
stringData:
  session-key: ${P["secret stringData"]}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ops-kubeconfig
data:
  kubeconfig: |
    apiVersion: v1
    kind: Config
    users:
      - name: ops
        user:
          client-key-data: ${P["kubeconfig client key"]}
          token: ${P["kubeconfig token"]}
  tls.key: |
    -----BEGIN PRIVATE KEY-----
    ${P["pem private key"]}
    -----END PRIVATE KEY-----
  docker.json: '{"auths":{"registry.acme.io":{"auth":"${P["docker auth"]}"}}}'
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  annotations:
    ignore-check.kintent.dev/literal-secret-env: "a test fixture: the value must still never leave"
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: worker
          image: ghcr.io/acme/worker:2.0.1
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
          env:
            - name: SMTP_PASSWORD
              value: ${P["credential env (manifest)"]}
`;

function plant(root: string): void {
  const dir = join(root, "shop");
  cpSync(join(EXAMPLES, "production"), dir, { recursive: true });
  writeFileSync(join(dir, "kintent.yaml"), INTENT);
  mkdirSync(join(dir, "extra"));
  writeFileSync(join(dir, "extra", "ops.yaml"), EXTRA);
  const platform = readFileSync(join(dir, "platform.yaml"), "utf8").replace(
    "  notes:\n",
    `  notes:\n    - title: The reports database\n      why: "Reports read postgres://reports:${P["url with password"]}@reports-db:5432/reports directly."\n`,
  );
  writeFileSync(join(dir, "platform.yaml"), platform);
  // An intent holding a literal credential: invalid, and its errors must not echo the value.
  const broken = join(root, "broken");
  cpSync(join(EXAMPLES, "production"), broken, { recursive: true });
  writeFileSync(
    join(broken, "kintent.yaml"),
    readFileSync(join(EXAMPLES, "production", "kintent.yaml"), "utf8").replace(
      "    LOG_LEVEL: info\n",
      `    LOG_LEVEL: info\n    PAYMENT_API_TOKEN: "${P["credential env (intent)"]}"\n`,
    ),
  );
}

/** Every page of a paginated tool. */
async function allPages(c: Connected, tool: string, args: Record<string, unknown>): Promise<ToolResult[]> {
  const out: ToolResult[] = [];
  let cursor: string | undefined;
  do {
    const r = await c.call(tool, cursor ? { ...args, cursor } : args);
    out.push(r);
    cursor = r.structuredContent?.nextCursor as string | undefined;
  } while (cursor && out.length < 50);
  return out;
}

describe.each(["legacy", "modern"] as Era[])("no planted secret in any answer (%s era)", (era) => {
  let root: string;
  let server: RunningHttpServer;
  let c: Connected;
  beforeAll(async () => {
    root = exampleRoot([]);
    plant(root);
    const bare = createBareRepo(root, "acme", "gitops");
    const started = await startHttp({
      root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: root,
        TMPDIR: root,
        GITEA_TOKEN: P["forge token (environment)"],
      },
      propose: { repo: bare, intentPath: "intents/shop" },
      redact: { patterns: ["ACME-\\d{6}"] },
    });
    server = started.server;
    c = await connectHttp(server.url, era);
  });
  afterAll(async () => {
    await c.close();
    await server.close();
    removeRoot(root);
  });

  it("through every tool, resource and prompt", async () => {
    const results: ToolResult[] = [];
    results.push(await c.call("describe_project", { path: "shop" }));
    results.push(await c.call("describe_project", { path: "broken" }));
    results.push(await c.call("describe_project", {}));
    const build = await allPages(c, "build", { path: "shop", yaml: true });
    results.push(...build);
    results.push(await c.call("build", { path: "broken" }));
    results.push(...(await allPages(c, "explain", { path: "shop", allowInvalid: true })));
    results.push(...(await allPages(c, "validate", { path: "shop" })));
    results.push(...(await allPages(c, "validate", { path: "." })));
    results.push(...(await allPages(c, "validate", { manifests: EXTRA })));
    results.push(
      await c.call("change_intent", {
        path: "shop",
        operations: [
          { op: "replicas", replicas: 4 },
          { op: "label", key: "team", value: "payments-core" },
        ],
        why: `rotate the password ${P["password in a request"]} next week`,
      }),
    );
    results.push(
      await c.call("change_intent", {
        path: "shop",
        operations: [{ op: "env", name: "API_TOKEN", value: P["credential env (intent)"] }],
      }),
    );
    results.push(
      await c.call("propose", {
        path: "shop",
        message: `Ship it; the DB password is password=${P["password in a request"]}`,
        operations: [{ op: "label", key: "team", value: "payments-core" }],
      }),
    );
    results.push(await c.call("propose", { path: "broken", message: "x" }));
    const reads = [];
    for (const uri of ["kintent://schema/intent", "kintent://schema/operations", "kintent://checks"])
      reads.push(await c.client.readResource({ uri }));
    const prompts = [
      await c.client.getPrompt({ name: "review_applicationset", arguments: { manifest: EXTRA } }),
      await c.client.getPrompt({
        name: "why_is_my_app_down",
        arguments: { symptom: `502s since I set password=${P["password in a request"]}` },
      }),
      await c.client.getPrompt({ name: "step_canary", arguments: { to: "50" } }),
    ];

    // The calls did their job (so the check below is not vacuous).
    const listed = build.flatMap((r) => structured(r).objects as unknown[]);
    expect(listed.length).toBe((structured(build[0] as ToolResult).counts as { objects: number }).objects);
    const yaml = build.map((r) => String(structured(r).yaml)).join("");
    expect(yaml).toContain("name: redis-auth");
    expect(yaml).toContain("image: ghcr.io/acme/worker:2.0.1");
    expect(yaml).toContain("[REDACTED:");
    expect(structured(results[1] as ToolResult).status).toBe("intent-error");
    await c.settled();
    const wire = c.wire.join("\n");
    expect(wire).toContain("kintent://checks");
    expect(wire).toContain("[REDACTED:secret-data]");
    expect(reads).toHaveLength(3);
    expect(prompts).toHaveLength(3);
    const proposed = results.find(
      (r) =>
        r.structuredContent?.results !== undefined && (r.structuredContent.results as unknown[]).length > 0,
    );
    expect(proposed?.structuredContent?.status).toBe("proposed");

    for (const [kind, value] of Object.entries(P)) {
      expect(wire.includes(value), `${kind} leaked`).toBe(false);
      expect(wire.includes(JSON.stringify(value).slice(1, -1)), `${kind} leaked (escaped)`).toBe(false);
    }
  });
});
