/**
 * The table of secret shapes: what a credential looks like when it has no telling name around it. One table
 * for both users — the {@link Redactor} (masks every match on every way out) and `looksLikeSecret` (an intent
 * env value of this shape is refused, whatever its name) — with positive and negative examples that the
 * tests run (src/core/secret-shapes.test.ts).
 *
 * Modelled on gitleaks' rule set (rule ids in `gitleaks`), written here rather than taken from npm: the
 * maintained JavaScript rule set (secretlint's preset-recommend) needs Node 22 from its current major (13)
 * and runs asynchronously, while the redactor is synchronous in every reporter, diff and log line. Only
 * prefix-anchored, low-false-positive rules are here; generic "high entropy" detection is not (it would mask
 * image digests and checksums the model and the reviewer need).
 */
export interface SecretShape {
  /** The kind in `[REDACTED:<kind>]`. */
  kind: string;
  /** The gitleaks rule this follows, where one exists. */
  gitleaks?: string;
  /** Global regular expression; the whole match is the secret unless `secretGroup` says otherwise. */
  re: RegExp;
  /** Replace only this capture group (keeping e.g. `AccountKey=`), by number. */
  secretGroup?: number;
  /** Matches that are secrets. */
  examples: readonly string[];
  /** Look-alikes that are not. */
  notSecrets?: readonly string[];
}

export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    kind: "private-key",
    gitleaks: "private-key",
    // PEM (RSA, EC, OPENSSH, ENCRYPTED, plain) and PGP armour (`PRIVATE KEY BLOCK`); unterminated blocks to the end.
    re: /-{3,}BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-{3,}[\s\S]*?(?:-{3,}END\s+\1PRIVATE KEY\2-{3,}|$)/g,
    examples: [
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQdGBGXcaFIBEAC7\n-----END PGP PRIVATE KEY BLOCK-----",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA",
      "---BEGIN OPENSSH PRIVATE KEY---\nxxxxx\n---END  OPENSSH PRIVATE KEY---",
    ],
    notSecrets: ["-----BEGIN CERTIFICATE-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----"],
  },
  {
    kind: "aws-access-key-id",
    gitleaks: "aws-access-token",
    re: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[0-9A-Z]{16}\b/g,
    examples: ["AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A"],
    notSecrets: ["AKIA-not-a-key", "ASIAN_FOOD"],
  },
  {
    kind: "github-token",
    gitleaks: "github-pat, github-fine-grained-pat, github-oauth, github-app-token",
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})\b/g,
    examples: [
      "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
      "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
    ],
    notSecrets: ["ghp_short", "github_pat_"],
  },
  {
    kind: "gitlab-token",
    gitleaks: "gitlab-pat",
    re: /\bgl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}\b/g,
    examples: ["glpat-abcdefghij0123456789", "glpat-xYz_12-ABCDEFGHIJKLMNOP"],
    notSecrets: ["glpat-short"],
  },
  {
    kind: "api-key",
    gitleaks: "anthropic-api-key, openai-api-key",
    re: /\bsk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_-]{20,}\b/g,
    examples: ["sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345", "sk-proj-abcdefghijklmnopqrstuvwx"],
    notSecrets: ["sk-learn", "task-runner"],
  },
  {
    kind: "stripe-key",
    gitleaks: "stripe-access-token",
    re: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
    examples: ["sk_live_abcdefghijklmnop1234"],
  },
  {
    kind: "google-api-key",
    gitleaks: "gcp-api-key",
    re: /\bAIza[0-9A-Za-z_-]{35}\b/g,
    examples: ["AIzaSyA-abcdefghijklmnopqrstuvwxyz01234"],
    notSecrets: ["AIzaShort"],
  },
  {
    kind: "google-oauth-client-secret",
    gitleaks: "gcp-client-secret (GOCSPX-)",
    re: /\bGOCSPX-[A-Za-z0-9_-]{20,}/g,
    examples: ["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"],
  },
  {
    kind: "slack-token",
    gitleaks: "slack-bot-token, slack-user-token",
    re: /\bxox[abprse]-[A-Za-z0-9-]{10,}\b/g,
    examples: ["xoxb-123456789012-abcdefghijklmnop"],
  },
  {
    kind: "vault-token",
    gitleaks: "hashicorp-vault-service-token (hvs., hvb., hvr.)",
    re: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}\b/g,
    examples: ["hvs.CAESIJlWh7tBsu7XxA3RuZ0t5dWg2WmZsNWZGR2Zj", "hvb.AAAAAQJh7vBQFDr6pVmW0WrVjJ0Rr3QNp8"],
    notSecrets: ["hvs.short"],
  },
  {
    kind: "npm-token",
    gitleaks: "npm-access-token",
    re: /\bnpm_[A-Za-z0-9]{36}\b/g,
    examples: ["npm_abcdefghijklmnopqrstuvwxyz0123456789"],
  },
  {
    kind: "npm-auth-token",
    // .npmrc: `//registry.npmjs.org/:_authToken=…` (and `_auth`, `_password`), whatever the token's shape.
    re: /(:_(?:authToken|auth|password)\s*=\s*)("[^"\n]*"|'[^'\n]*'|[^\s"']+)/g,
    secretGroup: 2,
    examples: ["//registry.npmjs.org/:_authToken=3f2a9c1e-aaaa-bbbb-cccc-0123456789ab"],
  },
  {
    kind: "azure-storage-key",
    gitleaks: "azure-storage-account-key (connection strings)",
    re: /\b((?:AccountKey|SharedAccessKey|SharedSecretValue)\s*=\s*)([A-Za-z0-9+/]{20,}={0,2})/g,
    secretGroup: 2,
    examples: [
      "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net",
    ],
  },
  {
    kind: "jwt",
    gitleaks: "jwt",
    re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    examples: ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLWJ5dGVz"],
    notSecrets: ["eyJhbGciOiJIUzI1NiJ9"],
  },
  {
    kind: "url-password",
    gitleaks: "generic URL credentials",
    // `scheme://user:password@host` — an empty user (`redis://:pw@host`) and a password holding `@` included: the
    // userinfo runs to the last `@` before the path.
    re: /\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@?#]*:)([^/\s?#]+)(@[^/\s@?#]+)/gi,
    secretGroup: 2,
    examples: [
      "postgres://app:s3cr3t@db:5432/app",
      "redis://:pw-only-Secret9@redis:6379",
      "https://u:p@ss-w0rd@host.example.com/x",
    ],
    notSecrets: ["https://example.com:8443/x", "git@github.com:acme/repo.git"],
  },
];
