import { describe, expect, it } from "vitest";
import { SECRET_SHAPES } from "./secret-shapes.js";
import { Redactor } from "./redact.js";
import { hasSecretShape, looksLikeSecret, secretLookingName } from "./secrets.js";

describe("the table of secret shapes", () => {
  const examples = SECRET_SHAPES.flatMap((s) => s.examples.map((e) => [s.kind, e] as const));
  const lookalikes = SECRET_SHAPES.flatMap((s) => (s.notSecrets ?? []).map((e) => [s.kind, e] as const));

  it.each(examples)("%s: %s is masked by the redactor and refused as an env value", (kind, example) => {
    const r = new Redactor();
    const out = r.text(`value: ${example} end`);
    // The secret part is gone (what stays is the non-secret prefix of shapes that keep one).
    expect(out).toContain(`[REDACTED:`);
    const secretPart = example.replace(/^.*?(:_authToken=|AccountKey=|:\/\/[^:]*:)/s, "");
    expect(out).not.toContain(secretPart.slice(0, 40));
    expect(r.counts.get(kind) ?? 0).toBeGreaterThan(0);
    expect(hasSecretShape(example)).toBe(true);
    expect(looksLikeSecret("INNOCENT_NAME", example)).toBe(true);
  });

  it.each(lookalikes)("%s: %s is left alone", (_kind, text) => {
    expect(new Redactor().text(text)).toBe(text);
    expect(hasSecretShape(text)).toBe(false);
  });

  it("every shape has examples, and kinds are unique", () => {
    for (const s of SECRET_SHAPES) expect(s.examples.length).toBeGreaterThan(0);
    expect(new Set(SECRET_SHAPES.map((s) => s.kind)).size).toBe(SECRET_SHAPES.length);
  });
});

describe("secret-looking env names, anywhere in the name", () => {
  it.each([
    "SECRET_KEY",
    "JWT_SECRET_KEY",
    "DB_PASSWORD",
    "dbPassword",
    "GITHUBTOKEN",
    "API_KEY",
    "STRIPE_API_KEY_LIVE",
    "OAUTH_CLIENT_SECRET",
    "PASSWORD",
    "AWS_SECRET_ACCESS_KEY",
    "SIGNING_KEY",
  ])("%s holds a credential", (name) => expect(secretLookingName(name)).toBe(true));
  it.each([
    "TOKEN_TTL",
    "SECRET_NAME",
    "PASSWORD_MIN_LENGTH",
    "TOKEN_URL",
    "SECRET_FILE",
    "AWS_ACCESS_KEY_ID",
    "PWD",
    "LOG_LEVEL",
    "TOKENIZER_MODEL",
  ])("%s is configuration", (name) => expect(secretLookingName(name)).toBe(false));
});

describe("the issue's planted secrets, one by one", () => {
  it.each<[string, string, string]>([
    [
      "PGP private key",
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQdGBGXcaFIBEAC7xyz\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----",
      "lQdGBGXcaFIBEAC7xyz",
    ],
    ["redis URL without user", "REDIS_URL=redis://:r3dis-Pw-only@cache:6379/0", "r3dis-Pw-only"],
    ["password holding @", "see https://deploy:p@ss@w0rd-X@git.acme.io/repo.git", "ss@w0rd-X"],
    [
      "npm _authToken",
      "//registry.npmjs.org/:_authToken=3f2a9c1e-aaaa-bbbb-cccc-0123456789ab",
      "3f2a9c1e-aaaa",
    ],
    ["Vault token", "vault login hvs.CAESIJlWh7tBsu7XxA3RuZ0t5dWg2WmZsNWZG", "CAESIJlWh7tBsu7"],
    ["Google OAuth client secret", "client secret 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", "1a2B3c4D5e6F7g8H"],
    [
      "Azure AccountKey",
      "AccountName=acme;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
      "Eby8vdM02xNOcqFl",
    ],
    ["password in prose", "for staging, the database password is Winter2024!xx — thanks", "Winter2024!xx"],
    ["pin in prose", "the door pin is 739184.", "739184"],
    [
      "quoted passphrase in prose",
      "our gpg passphrase: 'correct horse battery staple'",
      "correct horse battery",
    ],
  ])("%s", (_name, text, secret) => {
    const out = new Redactor().text(text);
    expect(out).not.toContain(secret);
    expect(out).toContain("[REDACTED:");
  });

  it("prose about passwords stays readable", () => {
    for (const t of [
      "the password is stored in a Secret",
      "rotate the token every week",
      "the secret is shop-db",
      "password: ${DB_PASSWORD}",
    ])
      expect(new Redactor().text(t)).toBe(t);
  });
});

describe("Secret data of any type, structure-aware", () => {
  it("numbers, !!binary, booleans and binaryData are masked; the YAML still parses", () => {
    const r = new Redactor();
    const out = r.yaml(
      [
        "apiVersion: v1",
        "kind: Secret",
        "metadata: {name: s}",
        "stringData:",
        "  pin: 739184",
        "  flag: true",
        "data:",
        "  cert: !!binary |",
        "    c2VjcmV0LWJpbmFyeS12YWx1ZQ==",
        "binaryData:",
        "  blob: c2VjcmV0LWJsb2I=",
        "",
      ].join("\n"),
    );
    for (const v of ["739184", "c2VjcmV0LWJpbmFyeS12YWx1ZQ", "c2VjcmV0LWJsb2I", "true"])
      expect(out).not.toContain(v);
    expect(out).not.toContain("!!binary");
    expect(r.counts.get("secret-data")).toBe(4);
    expect(new Redactor().yaml(out)).toBe(out); // parses, nothing more to mask
    expect(out).toContain("name: s");
  });

  it("value(): numeric Secret data in plain objects", () => {
    const v = new Redactor().value({ kind: "Secret", stringData: { pin: 739184 } });
    expect(JSON.stringify(v)).not.toContain("739184");
  });
});
