/**
 * Secrets never leave the machine: plant secrets of many kinds in everything `kintent ask` reads (intent
 * comments and env, extra manifests, a kubeconfig in a ConfigMap, the platform, the request itself), capture
 * every byte the real SDKs send to the local wire-protocol server, and find none of them — while the
 * context the model needs (images, Secret names, hosts) is still there.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers.js";
import { llmEnv, startScriptedServer } from "./llm-server.js";
import type { ScriptedServer } from "./llm-server.js";
import { auditLines, cleanupDirs, ORIGINAL_SHOP, SCALE_AND_CANARY, tempIntent } from "./fixtures.js";

/** kind → the planted value (each must not appear in any captured byte). */
const PLANTED = {
  "secret-data (base64)": "c3VwZXItc2VjcmV0LXJlZGlzLXBhc3N3b3Jk",
  "secret stringData": "plain-text-session-key-7f3a9c",
  "credential env value (intent)": "tok_live_9f8e7d6c5b4a39281706",
  "credential env value (manifest)": "hunter2-but-longer-Xq9",
  "url with password": "pgPassw0rdInUrl",
  "pem private key": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
  "kubeconfig client key": "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB",
  "kubeconfig token": "kubeconfig-bearer-token-6d1f0e9a2b",
  "github token": "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
  "anthropic api key": "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345",
  "aws access key id": "AKIAIOSFODNN7EXAMPLE",
  "aws secret access key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzaG9wLWFkbWluIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
  "slack token": "xoxb-123456789012-abcdefghijklmnop",
  "docker auth": "dXNlcjpzM2NyM3QtcmVnaXN0cnk=",
  "bearer header": "bearerTokenValue0123456789abcdef",
  "password in the request": "Tr0ub4dor&3-request",
  "configured pattern": "ACME-839201",
  // Issue 16: the kinds that slipped through before.
  "pgp private key": "lQdGBGXcaFIBEAC7plantedPgpKeyMaterial0123",
  "redis url without user": "r3dis-Only-Pw-planted",
  "url password beyond its @": "Zq-9plantedPwAfterAt",
  "!!binary secret data": "cGxhbnRlZC1iaW5hcnktc2VjcmV0LWRhdGE=",
  "numeric secret data": "739184",
  "npm _authToken": "3f2a9c1e-aaaa-bbbb-cccc-0123456789ab",
  "vault token": "hvs.CAESIPlantedVaultTokenValue0123456789",
  "google oauth client secret": "GOCSPX-PlantedGoogleClientSecret01",
  "azure AccountKey":
    "Eby8vdM02xNOcqFlqUwJPLlmPlantedAzureKeyRSZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
  "gitlab token": "glpat-PlantedGitlabToken0123",
  "fine-grained github token":
    "github_pat_11PLANTED0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
  "password in prose": "Winter2024!planted",
} as const;

const P = PLANTED;

const INTENT = ORIGINAL_SHOP.replace(
  "# The shop: storefront of acme.io. Owned by team web (#web-oncall).",
  `# The shop: storefront of acme.io. Owned by team web (#web-oncall).
# old deploy key, do not use: ${P["github token"]}
# AWS for the CDN: AWS_ACCESS_KEY_ID=${P["aws access key id"]} aws_secret_access_key=${P["aws secret access key"]}
# admin session for debugging: ${P.jwt}
# alerts go to Slack (${P["slack token"]}), ticket ${P["configured pattern"]}
# curl -H "Authorization: Bearer ${P["bearer header"]}" https://shop.acme.io/admin
# LLM fallback key: ${P["anthropic api key"]}
# cache: redis://:${P["redis url without user"]}@cache:6379/0
# mirror: https://deploy:p@ss${P["url password beyond its @"]}@git.acme.io/acme/shop.git
# vault login ${P["vault token"]}
# oauth client ${P["google oauth client secret"]}
# CI pushes with ${P["gitlab token"]} and ${P["fine-grained github token"]}`,
).replace(
  "    LOG_LEVEL: info\n",
  `    LOG_LEVEL: info\n    PAYMENT_API_TOKEN: "${P["credential env value (intent)"]}"\n    REPORTS_DB: "postgres://reports:${P["url with password"]}@reports-db:5432/reports"\n`,
);

const EXTRA = `apiVersion: v1
kind: Secret
metadata:
  name: redis-auth
type: Opaque
data:
  password: ${P["secret-data (base64)"]}
  cert: !!binary |
    ${P["!!binary secret data"]}
stringData:
  session-key: ${P["secret stringData"]}
  pin: ${P["numeric secret data"]}
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
  signing.asc: |
    -----BEGIN PGP PRIVATE KEY BLOCK-----

    ${P["pgp private key"]}
    -----END PGP PRIVATE KEY BLOCK-----
  .npmrc: |
    //registry.npmjs.org/:_authToken=${P["npm _authToken"]}
  storage: DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${P["azure AccountKey"]};EndpointSuffix=core.windows.net
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
        - name: worker
          image: ghcr.io/acme/worker:2.0.1
          env:
            - name: SMTP_PASSWORD
              value: ${P["credential env value (manifest)"]}
`;

const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  cleanupDirs();
});

describe("secret redaction before any request", () => {
  it.each(["anthropic", "openai"] as const)(
    "%s: none of the 30 planted kinds reaches the provider, in the first request or the repair rounds",
    async (protocol) => {
      const dir = tempIntent();
      writeFileSync(join(dir, "kintent.yaml"), INTENT);
      mkdirSync(join(dir, "extra"));
      writeFileSync(join(dir, "extra", "ops.yaml"), EXTRA);
      // A first answer that fails forces a repair round: findings and feedback are sent too.
      const s = await startScriptedServer([
        { answer: { explanation: "x", operations: [{ op: "replicas", replicas: 5, env: "qa" }] } },
        { answer: SCALE_AND_CANARY },
      ]);
      servers.push(s);
      const r = await runCli(
        [
          "ask",
          `scale the shop to 5 replicas in prod and canary 1.5.0 at 10%; the admin password=${P["password in the request"]}; for staging, the database password is ${P["password in prose"]} by the way`,
          ".",
          "--redact",
          "ACME-[0-9]{6}",
          "--dry-run",
        ],
        { cwd: dir, env: llmEnv(s, protocol) },
      );
      // The planted literal env values make the intent invalid, so every round is a repair round.
      expect(s.requests.length).toBe(4);
      const sent = s.allBytes();
      const leaked = Object.entries(PLANTED).filter(([, v]) => sent.includes(v));
      expect(leaked).toEqual([]);
      expect(Object.keys(PLANTED).length).toBe(30);
      // What the model needs is still there.
      for (const kept of [
        "ghcr.io/acme/shop:1.4.2",
        "secret: shop-db",
        "shop.acme.io",
        "name: redis-auth",
        "SMTP_PASSWORD",
        "PAYMENT_API_TOKEN",
      ])
        expect(sent).toContain(kept.replace(/"/g, '\\"'));
      expect(sent).toContain("[REDACTED:");
      // Nothing secret in the CLI's own output or the audit log either.
      const out = r.stdout + r.stderr + JSON.stringify(auditLines(dir));
      expect(Object.entries(PLANTED).filter(([, v]) => out.includes(v))).toEqual([]);
      const kinds = Object.keys(auditLines(dir)[0]?.redacted as Record<string, number>);
      expect(kinds.length).toBeGreaterThanOrEqual(10);
    },
  );
});
