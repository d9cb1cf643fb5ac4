/**
 * The one redactor for every way out of kintent: model requests, reports, diffs, pull-request bodies, logs, git
 * and forge error messages, MCP answers. Three kinds of knowledge:
 *
 * 0. known values: tokens kintent holds (forge tokens, API keys) — masked wherever they appear, also in their
 *    base64 (HTTP Basic auth) and URL-encoded forms;
 *
 * 1. structure-aware, on YAML (intent files, manifests, kubeconfigs): every value of a Secret's `data` and
 *    `stringData`, env values that look like credentials by name or shape (intent `env:` maps and Kubernetes
 *    `env: [{name, value}]` lists), and fields whose key names a credential (`password`, `token`,
 *    `client-key-data`, `auth`, …);
 * 2. textual, on every string (requests, comments, findings, prose): PEM private keys, URLs with passwords,
 *    cloud/forge/LLM tokens, JWTs, bearer headers, `password=…` assignments, Docker `auth`, and the
 *    project's configured patterns.
 *
 * Redacted values become `[REDACTED:<kind>]`; a model that echoes one back is refused (see answer.ts).
 * Pure: no I/O. The Redactor counts what it removed (kinds and counts only, never values).
 */
import { isMap, isScalar, isSeq, parseAllDocuments, visit } from "yaml";
import type { Node, Pair } from "yaml";
import { looksLikeSecret } from "./secrets.js";
import { SECRET_SHAPES } from "./secret-shapes.js";

export const REDACTED_PREFIX = "[REDACTED:";

export function marker(kind: string): string {
  return `${REDACTED_PREFIX}${kind}]`;
}

interface TextRule {
  kind: string;
  re: RegExp;
  /** Replacement: the whole match by default; a function keeps the non-secret parts. */
  replace?: (m: string, ...groups: string[]) => string;
}

/** Keys whose scalar value is a credential wherever they appear (kubeconfig, docker config, app configs). */
const CREDENTIAL_KEY =
  /^(password|passwd|pwd|passphrase|token|id-token|refresh-token|access[-_]?token|refresh[-_]?token|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|secret[-_]?access[-_]?key|client[-_]?secret|private[-_]?key|client-key-data|client-certificate-data|auth|authorization|credentials?|connection[-_]?string|dsn)$/i;

/** UPPER_CASE names of env vars holding credentials, as in `DB_PASSWORD=…` in prose or shell. */
const ENV_ASSIGNMENT =
  /\b([A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?))(\s*[:=]\s*|\s+(?:to|is|=)\s+)("[^"\n]*"|'[^'\n]*'|[^\s,;{}[\]]+)/g;

/** The table of secret shapes as text rules (the secret group alone where the shape says so). */
const SHAPE_RULES: TextRule[] = SECRET_SHAPES.map((shape) => {
  const n = shape.secretGroup;
  if (n === undefined) return { kind: shape.kind, re: shape.re };
  return {
    kind: shape.kind,
    re: shape.re,
    replace: (_m: string, ...groups: string[]) =>
      groups.map((g, i) => (i === n - 1 ? marker(shape.kind) : g)).join(""),
  };
});

/**
 * A password in prose: "the staging password is hunter2", "db passphrase: 'x y z'". Only values that look like
 * one (quoted, or a word of 5+ characters with a digit or a symbol), so "the password is stored in a Secret"
 * stays readable.
 */
const PROSE_PASSWORD =
  /\b(pass(?:word|wd|phrase)|pwd|pin|secret|api key|token)((?: for [\w .@/-]{1,40}?)?(?:\s+(?:is|was|are|to|=|:)|\s*[:=])\s+)("[^"\n]{3,}"|'[^'\n]{3,}'|`[^`\n]{3,}`|(?=[^\s"'`]*[\d!#$%&*+=?@^~_])[^\s"'`]{5,})/gi;

const TEXT_RULES: TextRule[] = [
  ...SHAPE_RULES,
  {
    kind: "aws-secret-access-key",
    re: /\b(aws_secret_access_key|AWS_SECRET_ACCESS_KEY|SecretAccessKey)(["']?\s*[:=]\s*["']?)([A-Za-z0-9/+=]{40})\b/g,
    replace: (_m, k, sep) => `${k}${sep}${marker("aws-secret-access-key")}`,
  },
  {
    kind: "bearer-token",
    re: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{12,}=*/g,
    replace: (_m, scheme) => `${scheme} ${marker("bearer-token")}`,
  },
  {
    kind: "docker-auth",
    re: /("auth"\s*:\s*")([A-Za-z0-9+/=]{8,})(")/g,
    replace: (_m, a, _v, c) => `${a}${marker("docker-auth")}${c}`,
  },
  {
    kind: "kubeconfig-credential",
    re: /\b(client-key-data|client-certificate-data|id-token|refresh-token)(["']?\s*:\s*["']?)([A-Za-z0-9+/=._-]{8,})/g,
    replace: (_m, k, sep) => `${k}${sep}${marker("kubeconfig-credential")}`,
  },
  {
    kind: "credential-assignment",
    re: /\b(password|passwd|pwd|passphrase|client[-_]?secret|secret[-_]?key|api[-_]?key|access[-_]?token|auth[-_]?token|token)(\s*[:=]\s*)("[^"\n]*"|'[^'\n]*'|\$\{[^}\n]*\}|\$\([^)\n]*\)|[^\s,;{}[\]]+)/gi,
    replace: (m, k, sep, v) =>
      /^["']?(\[REDACTED:|\{|\$\(|\$\{)/.test(v) || /^(true|false|null|~)$/i.test(v)
        ? m
        : `${k}${sep}${marker("credential")}`,
  },
  {
    kind: "password-in-prose",
    re: PROSE_PASSWORD,
    replace: (m, k, sep, v) =>
      /^["'`]?(\[REDACTED:|\$\{|\$\(|\{)/.test(v) ? m : `${k}${sep}${marker("password-in-prose")}`,
  },
  {
    kind: "credential-env",
    re: ENV_ASSIGNMENT,
    replace: (m, k, sep, v) => (/^["']?\[REDACTED:/.test(v) ? m : `${k}${sep}${marker("credential-env")}`),
  },
];

/** `scheme://userinfo@` in free text (a token alone as the user name, as forges accept). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@]+)@/gi;

/** `https://user:secret@host/x` → `https://[REDACTED:url-credential]@host/x` in free text. */
export function stripUrlCredentials(text: string): string {
  return new Redactor().text(text);
}

export interface RedactOptions {
  /** The project's own patterns (regular expression sources); every match is redacted. */
  patterns?: readonly string[];
  /** Values known to be secret (tokens kintent was given); `undefined` and values under 4 characters are ignored. */
  known?: Iterable<string | undefined>;
}

/** Counts redactions by kind; holds no values. */
export class Redactor {
  private readonly custom: RegExp[];
  private readonly known = new Set<string>();
  readonly counts = new Map<string, number>();

  constructor(options: RedactOptions = {}) {
    this.custom = (options.patterns ?? []).map((p) => new RegExp(p, "g"));
    for (const k of options.known ?? []) this.add(k);
  }

  /** Remember a secret value; very short values are ignored (masking "a" would mangle every message). */
  add(secret: string | undefined): this {
    if (secret === undefined || secret.length < 4) return this;
    this.known.add(secret);
    // The Basic-auth header git sends carries it base64-encoded; a URL carries it percent-encoded.
    this.known.add(Buffer.from(secret).toString("base64"));
    this.known.add(encodeURIComponent(secret));
    return this;
  }

  /** The textual pass (an alias of {@link text}, for log lines and error messages). */
  redact(input: string): string {
    return this.text(input);
  }

  private count(kind: string, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  /** Total number of values redacted so far. */
  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  /** The textual pass: known values, every rule, credentials in URLs, then the configured patterns. */
  text(input: string): string {
    let out = input;
    // Longest first, so a secret containing another is masked whole.
    for (const k of [...this.known].sort((a, b) => b.length - a.length)) {
      const parts = out.split(k);
      if (parts.length > 1) {
        this.count("token", parts.length - 1);
        out = parts.join(marker("token"));
      }
    }
    for (const rule of TEXT_RULES) {
      out = out.replace(rule.re, (m: string, ...rest: unknown[]) => {
        const groups = rest.slice(0, -2).map((g) => (typeof g === "string" ? g : ""));
        const r = rule.replace ? rule.replace(m, ...groups) : marker(rule.kind);
        if (r !== m) this.count(rule.kind);
        return r;
      });
    }
    out = out.replace(URL_USERINFO, (m: string, scheme: string, userinfo: string) => {
      if (userinfo.includes(REDACTED_PREFIX) || userinfo === "git") return m;
      this.count("url-credential");
      return `${scheme}${marker("url-credential")}@`;
    });
    for (const re of this.custom) {
      out = out.replace(re, (m: string) => {
        if (m === "") return m;
        this.count("configured-pattern");
        return marker("configured-pattern");
      });
    }
    return out;
  }

  /**
   * The structure-aware pass on a YAML text (comments kept), then the textual pass. Text that is not
   * valid YAML gets the textual pass only.
   */
  yaml(input: string): string {
    const docs = parseAllDocuments(input);
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return this.text(input);
    let changed = false;
    for (const doc of docs) {
      if (this.redactDocument(doc.contents)) changed = true;
    }
    const structured = changed ? docs.map((d) => d.toString({ lineWidth: 0 })).join("") : input;
    return this.text(structured);
  }

  /**
   * Redact a plain value (JSON-like): Secret data, credential keys, env values, then the textual pass on every
   * string value (keys are kept). Returns a copy.
   */
  value<T>(input: T): T {
    const text = JSON.stringify(input);
    if (text === undefined) return input;
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || !docs[0]) return input;
    this.redactDocument(docs[0].contents);
    // String by string, not over the JSON text: there a multi-line value's escaped newlines hide `password = …`
    // from the word-boundary rules, and a rule's match could swallow a closing quote and break the JSON.
    visit(docs[0], {
      Scalar: (key, node) => {
        if (key !== "key" && typeof node.value === "string") node.value = this.text(node.value);
      },
    });
    return docs[0].toJS() as T;
  }

  private redactDocument(root: Node | null): boolean {
    if (!root) return false;
    let changed = false;
    const redactScalar = (node: unknown, kind: string): void => {
      if (
        isScalar(node) &&
        // Secret data is secret whatever its type: numbers (`pin: 739184`), `!!binary`, booleans.
        (kind === "secret-data"
          ? node.value !== null &&
            node.value !== "" &&
            !(typeof node.value === "string" && node.value.startsWith(REDACTED_PREFIX))
          : typeof node.value === "string" && node.value !== "" && !node.value.startsWith(REDACTED_PREFIX))
      ) {
        node.value = marker(kind);
        delete node.tag; // `!!binary [REDACTED]` would not parse back
        node.type = "PLAIN";
        this.count(kind);
        changed = true;
      } else if (isMap(node) || isSeq(node)) {
        visit(node, {
          Scalar: (k, s) => {
            if (
              k === "key" ||
              s.value === null ||
              s.value === "" ||
              (typeof s.value === "string" && s.value.startsWith(REDACTED_PREFIX)) ||
              (kind !== "secret-data" && typeof s.value !== "string")
            )
              return;
            s.value = marker(kind);
            delete s.tag;
            s.type = "PLAIN";
            this.count(kind);
            changed = true;
          },
        });
      }
    };
    visit(root, {
      Map: (_key, map) => {
        const get = (k: string) => map.items.find((p: Pair) => isScalar(p.key) && p.key.value === k);
        const kind = get("kind");
        // A Secret: every value under data / stringData.
        if (kind && isScalar(kind.value) && kind.value.value === "Secret") {
          for (const field of ["data", "stringData", "binaryData"]) {
            const p = get(field);
            if (p && isMap(p.value))
              for (const item of p.value.items) redactScalar(item.value, "secret-data");
            else if (p && p.value && !(isScalar(p.value) && p.value.value === null))
              redactScalar(p.value, "secret-data"); // a malformed `data` (a list, a scalar) is still secret
          }
        }
        // A Kubernetes env entry: {name, value}.
        const name = get("name");
        const value = get("value");
        if (
          name &&
          value &&
          isScalar(name.value) &&
          isScalar(value.value) &&
          typeof name.value.value === "string" &&
          typeof value.value.value === "string" &&
          looksLikeSecret(name.value.value, value.value.value)
        )
          redactScalar(value.value, "credential-env");
        for (const pair of map.items) {
          if (!isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          // A YAML or JSON document inside a string (a kubeconfig or config file in a ConfigMap).
          if (
            isScalar(pair.value) &&
            typeof pair.value.value === "string" &&
            /\n|^\s*[{[]/.test(pair.value.value)
          ) {
            const inner = this.embedded(pair.value.value);
            if (inner !== pair.value.value) {
              pair.value.value = inner;
              changed = true;
            }
          }
          // An intent env map: NAME: literal.
          if (key === "env" && isMap(pair.value)) {
            for (const item of pair.value.items) {
              if (
                isScalar(item.key) &&
                isScalar(item.value) &&
                typeof item.value.value === "string" &&
                looksLikeSecret(String(item.key.value), item.value.value)
              )
                redactScalar(item.value, "credential-env");
            }
          }
          if (CREDENTIAL_KEY.test(key) && isScalar(pair.value)) redactScalar(pair.value, "credential-field");
        }
      },
    });
    return changed;
  }

  /** Structure-aware redaction of a string that is itself a YAML/JSON mapping; other strings are returned as they are. */
  private embedded(text: string): string {
    const docs = parseAllDocuments(text);
    if (
      !Array.isArray(docs) ||
      docs.length === 0 ||
      docs.some((d) => d.errors.length > 0 || !isMap(d.contents))
    )
      return text;
    let changed = false;
    for (const d of docs) if (this.redactDocument(d.contents)) changed = true;
    if (!changed) return text;
    const json = /^\s*\{/.test(text);
    return json ? JSON.stringify(docs[0]?.toJS()) : docs.map((d) => d.toString({ lineWidth: 0 })).join("");
  }

  /** `3 values (2 secret-data, 1 private-key)` — for the audit log and the user. */
  summary(): string {
    const parts = [...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${n} ${k}`);
    return `${this.total} value(s)${parts.length ? ` (${parts.join(", ")})` : ""}`;
  }
}

/** True when a model's output contains a redaction marker (it must never be written back). */
export function containsRedacted(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(REDACTED_PREFIX);
}
