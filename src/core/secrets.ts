/** Telling credentials from configuration, for intents (never hold values) and manifests (literal-secret-env). */

const SECRET_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;
const SECRET_VALUE = [
  /-{3,}BEGIN [A-Z ]*PRIVATE KEY-{3,}/,
  /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // scheme://user:password@host
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/, // GitHub tokens
  /\bsk-[A-Za-z0-9_-]{20,}\b/, // OpenAI/Anthropic-style API keys
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/, // Slack tokens
];

/** True when a literal env value looks like a credential (name or shape). Exported for the AI redactor. */
export function looksLikeSecret(name: string, value: string): boolean {
  if (value === "") return false;
  if (SECRET_NAME.test(name) && !/^\$\(.+\)$/.test(value)) return true;
  return SECRET_VALUE.some((re) => re.test(value));
}
