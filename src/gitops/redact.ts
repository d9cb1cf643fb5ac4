/**
 * Keeps secrets out of everything kintent prints, logs or sends: forge tokens and credentials embedded in
 * remote URLs are replaced by `***` in any text that might carry them (git's stderr, API error bodies).
 */

/** Forge token variables kintent reads. Their values are never printed. */
export const TOKEN_ENV_VARS = ["GITHUB_TOKEN", "GITEA_TOKEN", "FORGEJO_TOKEN", "GITLAB_TOKEN"] as const;

const MASK = "***";

/** Replaces every known secret (and URL userinfo) in text. */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Remember a secret; very short values are ignored (masking "a" would mangle every message). */
  add(secret: string | undefined): this {
    if (secret === undefined || secret.length < 4) return this;
    this.secrets.add(secret);
    // The Basic-auth header git sends carries it base64-encoded; hide that form too.
    this.secrets.add(Buffer.from(secret).toString("base64"));
    this.secrets.add(encodeURIComponent(secret));
    return this;
  }

  redact(text: string): string {
    let out = stripUrlCredentials(text);
    // Longest first, so a secret containing another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
    return out;
  }
}

/** `https://user:secret@host/x` → `https://***@host/x` in free text. */
export function stripUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, `$1${MASK}@`);
}
