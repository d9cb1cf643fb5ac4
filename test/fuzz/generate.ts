/**
 * The fuzz campaign's generator: seeded, so case `i` of seed `s` is the same case on every machine. Cases are
 * real intents and manifests (the examples, kintent's own output) mutated the way an attacker or a hurried
 * human would: hostile values in every field (paths, backticks, control characters, huge and non-finite
 * numbers, wrong types), YAML-level tricks (aliases, tags, CR line breaks, tabs, truncation), and random
 * byte edits.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseDoc, stringify } from "yaml";
import { EXAMPLES } from "../helpers.js";

export type CaseKind = "intent" | "score" | "extra" | "manifest";

export interface FuzzCase {
  kind: CaseKind;
  /** File name → text (relative to the case's intent directory, or the file to validate). */
  files: Record<string, string>;
}

/** mulberry32: small, fast, good enough for test generation. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type R = () => number;
const pick = <T>(r: R, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const chance = (r: R, p: number) => r() < p;

/** Values an attacker puts where a name, host, port or path is expected. */
const HOSTILE: readonly unknown[] = [
  "",
  " ",
  "a b",
  "x`) || PathPrefix(`/admin",
  "$(id)",
  "${HOME}",
  "{{ .Values.x }}",
  "../../etc/passwd",
  "/dev/zero",
  "/proc/self/environ",
  "..",
  "/",
  "\u001b]0;pwned\u0007\u001b[2J",
  "a\u0000b",
  "\ud800",
  "x".repeat(300),
  "UPPER_case",
  "https://x.io",
  "*.example.com",
  "glpat-abcdefghij0123456789",
  "-----BEGIN PGP PRIVATE KEY BLOCK-----\nabc\n-----END PGP PRIVATE KEY BLOCK-----",
  "Not_A_Port!",
  "NaN",
  0,
  -1,
  99999,
  2 ** 53 + 1,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  0.5,
  true,
  null,
  [],
  {},
  [null],
  { a: { b: [1, { c: null }] } },
  ["/healthz", 8080],
];

const YAML_TRICKS: readonly string[] = [
  "*nope",
  "&a x",
  "!!binary aGVsbG8=",
  "!!js/function 'x'",
  "!foo bar",
  "<<: *x",
  "? [a, b]\n: c",
  "---",
  "...",
  "\t- x",
  "{a: 1, a: 2}",
  "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
  '"\\u0000\\ud800"',
  "'unterminated",
  "%YAML 1.1",
  "1e400",
  ".nan",
  "-.inf",
  "0x1F",
  "~",
];

function examplesOf(pattern: RegExp): string[] {
  const out: string[] = [];
  if (!existsSync(EXAMPLES)) return out;
  for (const d of readdirSync(EXAMPLES).sort()) {
    const dir = join(EXAMPLES, d);
    for (const f of existsSync(dir) ? readdirSync(dir).sort() : [])
      if (pattern.test(f)) out.push(readFileSync(join(dir, f), "utf8"));
  }
  return out;
}

let seeds: { intents: string[]; platforms: string[]; scores: string[]; manifests: string[] } | undefined;
function material() {
  return (seeds ??= {
    intents: examplesOf(/^kintent\.yaml$/),
    platforms: examplesOf(/^platform\.yaml$/),
    scores: examplesOf(/^score\.yaml$/),
    manifests: MANIFESTS,
  });
}

/** A few real-world manifest shapes (kintent's own output covers the rest through `extra`). */
const MANIFESTS: string[] = [
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          ports: [{containerPort: 8080, name: http}]
          env:
            - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
            - {name: MODE, valueFrom: {configMapKeyRef: {name: cfg, key: mode}}}
          readinessProbe: {httpGet: {path: /healthz, port: http}}
`,
  `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`,
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 8080}]
`,
  `apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {password: hunter2-planted}
`,
  `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: shop, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - list: {elements: [{env: dev}, {env: prod}]}
          - list: {elements: [{registry: docker.io}, {registry: ghcr.io}]}
  template:
    metadata: {name: "shop-{{.env}}"}
    spec:
      project: default
      source: {repoURL: "https://git.example.com/shop.git", path: "apps/shop/{{.env}}"}
      destination: {server: https://kubernetes.default.svc, namespace: shop}
`,
  `apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old, namespace: shop}
spec:
  rules: [{host: shop.example.com, http: {paths: [{backend: {serviceName: web, servicePort: 80}}]}}]
`,
];

/** Replace, delete or retype one random node of a parsed value. */
function mutateValue(r: R, v: unknown, depth = 0): unknown {
  if (depth > 0 && chance(r, 0.15)) return pick(r, HOSTILE);
  if (Array.isArray(v)) {
    const list = v as unknown[];
    if (list.length === 0 || chance(r, 0.1)) return [...list, pick(r, HOSTILE)];
    const i = Math.floor(r() * list.length);
    const copy = [...list];
    if (chance(r, 0.15)) copy.splice(i, 1);
    else copy[i] = mutateValue(r, copy[i], depth + 1);
    return copy;
  }
  if (typeof v === "object" && v !== null) {
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    if (keys.length === 0 || chance(r, 0.08)) {
      o[
        pick(r, [
          "metadata",
          "name",
          "kind",
          "spec",
          "x`y",
          "../k",
          "env",
          "ports",
          "__proto__",
          "constructor",
        ])
      ] = pick(r, HOSTILE);
      return o;
    }
    const k = pick(r, keys);
    if (chance(r, 0.1)) delete o[k];
    else o[k] = mutateValue(r, o[k], depth + 1);
    return o;
  }
  return pick(r, HOSTILE);
}

function parseLoose(text: string): unknown[] {
  try {
    return text.split(/^---\s*$/m).map((t) => (JSON.parse(JSON.stringify(parseDoc(t))) as unknown) ?? null);
  } catch {
    return [];
  }
}

/** A structural mutation (1–3 edits) of a YAML stream, or a textual one. */
function mutateText(r: R, text: string): string {
  const mode = r();
  if (mode < 0.55) {
    const docs = parseLoose(text);
    if (docs.length > 0) {
      const n = 1 + Math.floor(r() * 3);
      let out = docs;
      for (let i = 0; i < n; i++) {
        const j = Math.floor(r() * out.length);
        out = out.map((d, k) => (k === j ? mutateValue(r, d) : d));
      }
      return out.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
    }
  }
  const lines = text.split("\n");
  const i = Math.floor(r() * (lines.length + 1));
  if (mode < 0.7) {
    // A YAML trick as a value on a random line.
    const line = lines[i] ?? "";
    const m = /^(\s*(?:- )?[^:#]+:)\s*(.*)$/.exec(line);
    if (m) lines[i] = `${m[1]} ${pick(r, YAML_TRICKS)}`;
    else lines.splice(i, 0, pick(r, YAML_TRICKS));
    return lines.join("\n");
  }
  if (mode < 0.8) return text.slice(0, Math.floor(r() * text.length)); // truncation
  if (mode < 0.85) return text.replace(/\n/g, "\r"); // CR-only
  if (mode < 0.9) return text.replace(/\n/g, "\r\n").replace(/ {2}/g, chance(r, 0.5) ? "\t" : "  ");
  // Random byte edits.
  const chars = [...text];
  for (let k = 0; k < 1 + Math.floor(r() * 4); k++) {
    const at = Math.floor(r() * (chars.length + 1));
    chars.splice(
      at,
      chance(r, 0.5) ? 1 : 0,
      pick(r, [
        "`",
        "\u0000",
        "\u001b",
        "*",
        "&",
        "!",
        "{",
        "[",
        ":",
        "-",
        "'",
        '"',
        "\\",
        "\ud800",
        "%",
        "|",
        ">",
      ]),
    );
  }
  return chars.join("");
}

/** Case `index` of campaign `seed`. */
export function generateCase(seed: number, index: number): FuzzCase {
  const r = rng((seed * 1_000_003 + index * 7919) >>> 0);
  const m = material();
  const k = r();
  if (k < 0.38) {
    const files: Record<string, string> = { "kintent.yaml": mutateText(r, pick(r, m.intents)) };
    if (chance(r, 0.6))
      files["platform.yaml"] = chance(r, 0.3) ? mutateText(r, pick(r, m.platforms)) : pick(r, m.platforms);
    return { kind: "intent", files };
  }
  if (k < 0.48) return { kind: "score", files: { "score.yaml": mutateText(r, pick(r, m.scores)) } };
  if (k < 0.63) {
    return {
      kind: "extra",
      files: {
        "kintent.yaml": pick(r, m.intents),
        ...(chance(r, 0.5) ? { "platform.yaml": pick(r, m.platforms) } : {}),
        "extra/x.yaml": mutateText(r, pick(r, [...m.manifests, ...m.intents.slice(0, 1)])),
      },
    };
  }
  return { kind: "manifest", files: { "input.yaml": mutateText(r, pick(r, m.manifests)) } };
}
