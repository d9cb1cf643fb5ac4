import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { containsRedacted, Redactor } from "../core/redact.js";
import { parseLlmSpec, resolveProviderConfig } from "./provider-config.js";
import { createProvider, estimateTokens, LlmError, toLlmError } from "./provider.js";
import { diffObjects, formatChanges, summarizeChanges } from "../core/diff.js";

describe("Redactor.text: one rule per kind", () => {
  it.each<[string, string, string, string]>([
    [
      "private-key",
      "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
      "MIIEpAIBAAKCAQEA",
      "[REDACTED:private-key]",
    ],
    [
      "url-password",
      "DB=postgres://app:s3cr3t@db:5432/app",
      "s3cr3t",
      "postgres://app:[REDACTED:url-password]@db",
    ],
    [
      "aws-access-key-id",
      "id AKIAIOSFODNN7EXAMPLE here",
      "AKIAIOSFODNN7EXAMPLE",
      "[REDACTED:aws-access-key-id]",
    ],
    [
      "aws-secret-access-key",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "wJalrXUtnFEMI",
      "aws_secret_access_key = [REDACTED:aws-secret-access-key]",
    ],
    ["github-token", "token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "ghp_A1b2", "[REDACTED:github-token]"],
    ["gitlab-token", "glpat-abcdefghij0123456789", "glpat-abc", "[REDACTED:gitlab-token]"],
    ["api-key", "use sk-ant-api03-AbCdEfGhIjKlMnOpQrSt", "sk-ant-api03", "[REDACTED:api-key]"],
    ["stripe-key", "sk_live_abcdefghijklmnop1234", "sk_live_abc", "[REDACTED:stripe-key]"],
    ["google-api-key", "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234", "AIzaSyA", "[REDACTED:google-api-key]"],
    ["slack-token", "xoxb-123456789012-abcdefghij", "xoxb-1234", "[REDACTED:slack-token]"],
    ["jwt", "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLWJ5dGVz", "eyJzdWIi", "[REDACTED:jwt]"],
    [
      "bearer-token",
      "Authorization: Bearer abcdef0123456789abcdef",
      "abcdef0123456789",
      "Bearer [REDACTED:bearer-token]",
    ],
    [
      "docker-auth",
      '{"auths":{"r":{"auth":"dXNlcjpwYXNzd29yZA=="}}}',
      "dXNlcjpw",
      '"auth":"[REDACTED:docker-auth]"',
    ],
    [
      "kubeconfig-credential",
      "client-key-data: LS0tLS1CRUdJTiBSU0E=",
      "LS0tLS1CRUdJ",
      "client-key-data: [REDACTED:kubeconfig-credential]",
    ],
    [
      "credential (assignment)",
      "the admin password=hunter2hunter2 works",
      "hunter2hunter2",
      "password=[REDACTED:credential]",
    ],
    [
      "credential-env",
      "export SMTP_PASSWORD=ZmFsc2Vob29k",
      "ZmFsc2Vob29k",
      "SMTP_PASSWORD=[REDACTED:credential-env]",
    ],
  ])("%s", (_kind, input, secret, expected) => {
    const r = new Redactor();
    const out = r.text(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(expected);
    expect(r.total).toBeGreaterThan(0);
  });

  it("leaves references, booleans and ordinary text alone", () => {
    const text =
      "DB_PASSWORD: {secret: shop-db, key: password}\nserviceAccountToken: false\ntoken: true\nimage: ghcr.io/acme/shop:1.4.2 # sha256:abc";
    const r = new Redactor();
    expect(r.text(text)).toBe(text);
    expect(r.total).toBe(0);
  });

  it("redacts the project's configured patterns", () => {
    const r = new Redactor({ patterns: ["ACME-[0-9]{6}"] });
    expect(r.text("ticket ACME-123456")).toBe("ticket [REDACTED:configured-pattern]");
    expect(r.summary()).toBe("1 value(s) (1 configured-pattern)");
  });
});

describe("Redactor.yaml: structure-aware", () => {
  it("Secret data and stringData, env values by name, credential keys, embedded kubeconfigs; comments kept", () => {
    const r = new Redactor();
    const out = r.yaml(`# keep this comment
apiVersion: v1
kind: Secret
metadata: {name: s}
data:
  password: aHVudGVyMg==
stringData:
  note: plain-words-but-secret
---
apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: a}
spec:
  env:
    API_TOKEN: "abc123def456"
    LOG_LEVEL: debug
    DB: {secret: a-db, key: url}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: k}
data:
  config: |
    users:
      - name: u
        user:
          password: kubeconfig-password-1
`);
    for (const s of ["aHVudGVyMg==", "plain-words-but-secret", "abc123def456", "kubeconfig-password-1"])
      expect(out).not.toContain(s);
    for (const kept of ["# keep this comment", "LOG_LEVEL: debug", "secret: a-db", "name: s"])
      expect(out).toContain(kept);
    expect(Object.fromEntries(r.counts)).toMatchObject({
      "secret-data": 2,
      "credential-env": 1,
      "credential-field": 1,
    });
  });

  it("falls back to the text pass for invalid YAML, and marks what a model must not echo", () => {
    const r = new Redactor();
    expect(r.yaml("a: [\npassword=hunter2hunter2")).not.toContain("hunter2hunter2");
    expect(containsRedacted({ a: ["[REDACTED:x]"] })).toBe(true);
    expect(containsRedacted({ a: "ok" })).toBe(false);
  });
});

describe("Redactor.value: structure-aware on plain values", () => {
  it("redacts inside multi-line strings and quoted values without breaking the value", () => {
    const r = new Redactor();
    const out = r.value({
      files: { "/etc/app/db.ini": "[db]\nuser = app\npassword = hunter2hunter2\n" },
      note: 'connect with password: "quoted-hunter2"',
      env: [{ name: "API_TOKEN", value: "tok-0123456789abcdef" }],
      count: 3,
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|tok-0123/);
    expect(out.files["/etc/app/db.ini"]).toBe("[db]\nuser = app\npassword = [REDACTED:credential]\n");
    expect(out.note).toBe("connect with password: [REDACTED:credential]");
    expect(out.env[0]).toEqual({ name: "API_TOKEN", value: "[REDACTED:credential-env]" });
    expect(out.count).toBe(3);
  });
});

describe("provider configuration", () => {
  it.each<[string, unknown]>([
    ["anthropic:claude-sonnet-4-5", { kind: "anthropic", model: "claude-sonnet-4-5" }],
    [
      "openai:llama3.1@http://localhost:11434/v1",
      { kind: "openai", model: "llama3.1", baseURL: "http://localhost:11434/v1" },
    ],
    ["gemini:pro", expect.stringContaining("must be anthropic:<model>")],
    ["openai:x@ftp://h", expect.stringContaining("must be an http(s) URL")],
  ])("parses %s", (spec, expected) => {
    expect(parseLlmSpec(spec)).toEqual(expected);
  });

  it("resolves keys, defaults and limits from the given environment only", () => {
    expect(resolveProviderConfig({ KINTENT_LLM: "anthropic:m", ANTHROPIC_API_KEY: "k" })).toMatchObject({
      baseURL: "https://api.anthropic.com",
      apiKey: "k",
      keySource: "ANTHROPIC_API_KEY",
      timeoutMs: 120_000,
      maxRetries: 2,
      maxTokens: 4096,
    });
    expect(resolveProviderConfig({ KINTENT_LLM: "openai:llama3@http://127.0.0.1:8080/v1" })).toMatchObject({
      apiKey: "unused",
      keySource: "none",
    });
    expect(resolveProviderConfig({ KINTENT_LLM: "openai:gpt-4o" })).toBe(
      "no API key for openai: set OPENAI_API_KEY (or KINTENT_LLM_API_KEY)",
    );
    expect(
      resolveProviderConfig({ KINTENT_LLM: "anthropic:m", ANTHROPIC_API_KEY: "k", KINTENT_LLM_TIMEOUT: "x" }),
    ).toContain("KINTENT_LLM_TIMEOUT must be a number");
    expect(resolveProviderConfig({}, "anthropic:m@http://127.0.0.1:9")).toContain("no API key");
  });

  describe("base URL: @<baseURL> > ANTHROPIC_BASE_URL / OPENAI_BASE_URL > the vendor's", () => {
    const anthropic = { KINTENT_LLM: "anthropic:m", ANTHROPIC_API_KEY: "k" };
    const openai = { KINTENT_LLM: "openai:m", OPENAI_API_KEY: "k" };

    it("the @<baseURL> of KINTENT_LLM or --llm wins over the vendor variable", () => {
      expect(
        resolveProviderConfig({
          ...anthropic,
          KINTENT_LLM: "anthropic:m@http://127.0.0.1:9",
          ANTHROPIC_BASE_URL: "https://gw.example",
        }),
      ).toMatchObject({ baseURL: "http://127.0.0.1:9", baseURLSource: "KINTENT_LLM" });
      expect(
        resolveProviderConfig(
          { ...openai, OPENAI_BASE_URL: "https://gw.example/v1" },
          "openai:m@http://127.0.0.1:9/v1",
        ),
      ).toMatchObject({ baseURL: "http://127.0.0.1:9/v1", baseURLSource: "KINTENT_LLM" });
      // Not read at all then, as the SDKs do not read it when given a baseURL: a bad value is no error.
      expect(
        resolveProviderConfig({
          ...openai,
          KINTENT_LLM: "openai:m@http://127.0.0.1:9/v1",
          OPENAI_BASE_URL: "nonsense",
        }),
      ).toMatchObject({ baseURL: "http://127.0.0.1:9/v1" });
    });

    it("the vendor variable wins over the default, read like the SDKs read it (trimmed)", () => {
      expect(
        resolveProviderConfig({ ...anthropic, ANTHROPIC_BASE_URL: " https://gw.example/anthropic \n" }),
      ).toMatchObject({
        baseURL: "https://gw.example/anthropic",
        baseURLSource: "ANTHROPIC_BASE_URL",
      });
      expect(
        resolveProviderConfig({ ...openai, OPENAI_BASE_URL: "https://gw.example/openai/v1" }),
      ).toMatchObject({
        baseURL: "https://gw.example/openai/v1",
        baseURLSource: "OPENAI_BASE_URL",
      });
      expect(resolveProviderConfig({ ...anthropic, KINTENT_LLM: "" }, "anthropic:m")).toMatchObject({
        baseURLSource: "default",
      });
    });

    it("each provider reads only its own vendor's variable", () => {
      expect(resolveProviderConfig({ ...anthropic, OPENAI_BASE_URL: "https://gw.example/v1" })).toMatchObject(
        {
          baseURL: "https://api.anthropic.com",
          baseURLSource: "default",
        },
      );
      expect(resolveProviderConfig({ ...openai, ANTHROPIC_BASE_URL: "https://gw.example" })).toMatchObject({
        baseURL: "https://api.openai.com/v1",
        baseURLSource: "default",
      });
    });

    it("the default when the variable is unset, empty or blank", () => {
      for (const value of [undefined, "", "   "])
        expect(resolveProviderConfig({ ...anthropic, ANTHROPIC_BASE_URL: value })).toMatchObject({
          baseURL: "https://api.anthropic.com",
          baseURLSource: "default",
        });
      expect(resolveProviderConfig({ ...openai, OPENAI_BASE_URL: "" })).toMatchObject({
        baseURL: "https://api.openai.com/v1",
        baseURLSource: "default",
      });
    });

    it("validates the variable like the @ form", () => {
      expect(resolveProviderConfig({ ...anthropic, ANTHROPIC_BASE_URL: "gw.example" })).toBe(
        "ANTHROPIC_BASE_URL must be an http(s) URL (got `gw.example`)",
      );
      expect(resolveProviderConfig({ ...openai, OPENAI_BASE_URL: "ftp://h/v1" })).toBe(
        "OPENAI_BASE_URL must be an http(s) URL (got `ftp://h/v1`)",
      );
    });

    it("a local OPENAI_BASE_URL needs no key, like a local @<baseURL>", () => {
      expect(
        resolveProviderConfig({ KINTENT_LLM: "openai:llama3", OPENAI_BASE_URL: "http://localhost:11434/v1" }),
      ).toMatchObject({ baseURL: "http://localhost:11434/v1", apiKey: "unused", keySource: "none" });
    });

    it("the SDKs are sent to the variable's URL, and errors name the variable", async () => {
      const paths: string[] = [];
      const server = createServer((req, res) => {
        paths.push(req.url ?? "");
        res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"message":"no"}}');
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        for (const [env, path] of [
          [{ ...anthropic, ANTHROPIC_BASE_URL: `${url}/anthropic` }, "/anthropic/v1/messages"],
          [{ ...openai, OPENAI_BASE_URL: `${url}/openai/v1` }, "/openai/v1/chat/completions"],
        ] as const) {
          const config = resolveProviderConfig({ ...env, KINTENT_LLM_RETRIES: "0" });
          if (typeof config === "string") throw new Error(config);
          const request = {
            system: "s",
            turns: [],
            toolName: "t",
            toolDescription: "d",
            schema: { type: "object" },
          };
          const error = await createProvider(config)
            .complete(request)
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(LlmError);
          expect((error as LlmError).message).toContain(`at ${config.baseURL} (${config.baseURLSource})`);
          expect(paths.pop()).toBe(path);
        }
      } finally {
        server.close();
      }
    });
  });

  it("maps SDK errors to kinds without echoing anything secret", () => {
    const config = resolveProviderConfig({ KINTENT_LLM: "anthropic:m", KINTENT_LLM_API_KEY: "sk-secret" });
    if (typeof config === "string") throw new Error(config);
    const e = (status: number) => toLlmError(Object.assign(new Error("boom sk-secret"), { status }), config);
    expect(e(401).reason).toBe("auth");
    expect(e(401).message).toContain("check KINTENT_LLM_API_KEY");
    expect(e(401).message).not.toContain("sk-secret");
    expect(e(429).reason).toBe("rate-limit");
    expect(e(503).reason).toBe("server");
    expect(e(404).reason).toBe("not-found");
    expect(toLlmError(new LlmError("bad-answer", "x"), config).reason).toBe("bad-answer");
    expect(estimateTokens("12345678")).toBe(2);
  });
});

describe("manifest diffs", () => {
  it("object-level manifest diff: added, removed, changed fields with named list items", () => {
    const dep = (image: string, replicas: number) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "shop", namespace: "shop" },
      spec: { replicas, template: { spec: { containers: [{ name: "shop", image }] } } },
    });
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "shop", namespace: "shop" } };
    const hpa = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "shop", namespace: "shop" },
    };
    const changes = diffObjects([dep("a:1", 3), svc], [dep("a:2", 5), hpa]);
    expect(summarizeChanges(changes)).toBe("1 added, 1 changed, 1 removed");
    expect(formatChanges(changes)).toBe(
      "~ Deployment shop/shop\n    spec.replicas: 3 → 5\n    spec.template.spec.containers[shop].image: a:1 → a:2\n+ HorizontalPodAutoscaler shop/shop\n- Service shop/shop\n",
    );
  });
});
