/** Telling credentials from configuration, for intents (never hold values) and manifests (literal-secret-env). */
import { SECRET_SHAPES } from "./secret-shapes.js";

/** Words that make an env var name a credential wherever they stand in it: `SECRET_KEY`, `JWT_SECRET_KEY`, `dbPassword`. */
const SECRET_WORD =
  /(?:^|[_.-])(PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|CLIENT_?SECRET)(?=$|[_.-])/;

/** Names ending in a credential word without a separator: `DBPASSWORD`, `GITHUBTOKEN`. */
const SECRET_SUFFIX =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/;

/**
 * Endings that make such a name configuration about a credential, not the credential: `TOKEN_TTL`,
 * `SECRET_NAME`, `PASSWORD_MIN_LENGTH`, `TOKEN_URL`, `SECRET_FILE` (a path to it), `ACCESS_KEY_ID`.
 */
const NOT_A_SECRET_SUFFIX =
  /[_.-](TTL|NAME|FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|PORT|LENGTH|MIN_LENGTH|MAX_LENGTH|EXPIRY|EXPIRES|EXPIRATION|TIMEOUT|LIFETIME|HEADER|ISSUER|AUDIENCE|ALGORITHM|ALG|TYPE|ENABLED|DISABLED|REQUIRED|ID|REF|VERSION|ROTATION|POLICY|MOUNT|KEY_ID)$/;

/** `dbPassword` → `DB_PASSWORD`. */
function normalizeName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** True when an env var name says it holds a credential (anywhere in the name, not as configuration about one). */
export function secretLookingName(name: string): boolean {
  const n = normalizeName(name);
  if (n === "PWD" || n === "OLDPWD") return false; // the shell's working directory
  return (SECRET_WORD.test(n) || SECRET_SUFFIX.test(n)) && !NOT_A_SECRET_SUFFIX.test(n);
}

/** The secret shapes as non-global expressions (a global one's `test` keeps state between calls). */
const SHAPES = SECRET_SHAPES.map((s) => new RegExp(s.re.source, s.re.flags.replace("g", "")));

/** True when `value` holds something of a known secret shape (a private key, a token, a URL password, …). */
export function hasSecretShape(value: string): boolean {
  return SHAPES.some((re) => re.test(value));
}

/** True when a literal env value looks like a credential (name or shape). Exported for the AI redactor. */
export function looksLikeSecret(name: string, value: string): boolean {
  if (value === "") return false;
  if (secretLookingName(name) && !/^\$\(.+\)$/.test(value)) return true;
  return hasSecretShape(value);
}
