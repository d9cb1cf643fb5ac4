/**
 * The values of the Helm chart that a consumer legitimately changes, and where the compiler puts each.
 *
 * Nothing here re-implements the compiler. To find every place a value lands, the app is compiled once more
 * with each value replaced by a unique token (a mixed-case string, a 7-digit number, or — for `resources` — a
 * marker for the whole subtree); wherever a token comes out, the chart template reads the value instead.
 * A token that comes out transformed (lower-cased, hashed, parsed) would make the template wrong, so every
 * environment is checked by a round trip: the token build with the real values put back must equal the real
 * build. A value that fails the round trip is not offered as a knob (the chart then fixes it per environment).
 */
import type { KObject } from "../core/object.js";
import { compile } from "../compile/compile.js";
import { sortObjects } from "../compile/order.js";
import type { ResolvedApp } from "../intent/types.js";
import { deepEqual, isPlainObject } from "./_tree.js";
import { splitImage as splitRef } from "../core/image.js";

/** A placeholder the compiler carries through unchanged. */
export interface Token {
  /** How it appears in strings. */
  text: string;
  /** For number tokens, the number itself. */
  num?: number;
  /** `string`: replaced inside strings; `number`: a whole number; `whole`: stands for a whole subtree. */
  type: "string" | "number" | "whole";
  /** Go template expression (without braces) that yields the value. */
  expr: string;
  /** The knob it stands for; undefined for Helm's own values (release service, chart label). */
  knob?: string;
}

export type KnobType = "string" | "integer" | "resources";

/** A value of values.yaml a consumer may change. */
export interface Knob {
  /** Dotted values path, e.g. `image.tag` or `env.LOG_LEVEL`. */
  id: string;
  path: string[];
  type: KnobType;
  description: string;
  token: Token;
}

/** Go template expression for a values path. */
export function valuesExpr(path: readonly string[]): string {
  return path.every((s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s))
    ? `.Values.${path.join(".")}`
    : `(index .Values ${path.map((s) => JSON.stringify(s)).join(" ")})`;
}

export interface ImageParts {
  repository: string;
  tag?: string;
  digest?: string;
}

/** `registry/path:tag@digest` → its parts (the repository here includes the registry). */
export function splitImage(image: string): ImageParts {
  const p = splitRef(image);
  return {
    repository: p.registry !== undefined ? `${p.registry}/${p.repository}` : p.repository,
    ...(p.tag !== undefined ? { tag: p.tag } : {}),
    ...(p.digest !== undefined ? { digest: p.digest } : {}),
  };
}

function joinImage(p: ImageParts): string {
  return `${p.repository}${p.tag !== undefined ? `:${p.tag}` : ""}${p.digest !== undefined ? `@${p.digest}` : ""}`;
}

/** The container resources exactly as the compiler writes them. */
function resourcesOf(app: ResolvedApp): Record<string, unknown> {
  const r = app.resources.value;
  return { requests: r.requests, limits: r.limits };
}

/** A knob's value in one environment; undefined where it does not apply. */
export function knobValue(app: ResolvedApp, id: string): unknown {
  const img = splitImage(app.image.value);
  switch (id) {
    case "image.repository":
      return img.repository;
    case "image.tag":
      return img.tag;
    case "image.digest":
      return img.digest;
    case "replicaCount":
      return app.autoscaling ? undefined : app.replicas.value;
    case "autoscaling.minReplicas":
      return app.autoscaling?.value.min;
    case "autoscaling.maxReplicas":
      return app.autoscaling?.value.max;
    case "autoscaling.targetCPUUtilizationPercentage":
      return app.autoscaling?.value.cpu;
    case "autoscaling.targetMemoryUtilizationPercentage":
      return app.autoscaling?.value.memory;
    case "resources":
      return resourcesOf(app);
    case "ingress.host":
      return app.expose?.value.host;
    case "namespace":
      return app.environment.namespace;
    case "environment":
      return app.environment.name;
  }
  if (id.startsWith("env.")) {
    const name = id.slice(4);
    const v = app.env.find((e) => e.name === name);
    return v && "value" in v ? v.value : undefined;
  }
  return undefined;
}

interface KnobSpec {
  id: string;
  path: string[];
  type: KnobType;
  description: string;
}

/** Every knob that applies to the app in at least one environment, in values.yaml order. */
function knobSpecs(apps: readonly ResolvedApp[]): KnobSpec[] {
  const any = (id: string) => apps.some((a) => knobValue(a, id) !== undefined);
  const specs: KnobSpec[] = [];
  const add = (id: string, type: KnobType, description: string) => {
    if (any(id)) specs.push({ id, path: id.split("."), type, description });
  };
  add("image.repository", "string", "Image repository (registry and path) of the app's container.");
  add("image.tag", "string", "Image tag of the app's container; also the `app.kubernetes.io/version` label.");
  add("image.digest", "string", "Image digest of the app's container.");
  add("replicaCount", "integer", "Number of pods.");
  add("autoscaling.minReplicas", "integer", "Fewest pods the HorizontalPodAutoscaler keeps.");
  add("autoscaling.maxReplicas", "integer", "Most pods the HorizontalPodAutoscaler starts.");
  add(
    "autoscaling.targetCPUUtilizationPercentage",
    "integer",
    "Average CPU utilisation (% of requests) the autoscaler aims for.",
  );
  add(
    "autoscaling.targetMemoryUtilizationPercentage",
    "integer",
    "Average memory utilisation (% of requests) the autoscaler aims for.",
  );
  add("resources", "resources", "CPU and memory requests and limits of the app's container.");
  add("ingress.host", "string", "Host name the app is served at.");
  const envNames: string[] = [];
  for (const a of apps)
    for (const e of a.env) if ("value" in e && !envNames.includes(e.name)) envNames.push(e.name);
  for (const name of envNames)
    specs.push({
      id: `env.${name}`,
      path: ["env", name],
      type: "string",
      description: `Value of the environment variable ${name}.`,
    });
  add("namespace", "string", "Namespace of the app's objects; null uses the release namespace.");
  add("environment", "string", "Environment name, in the `kintent.dev/environment` label.");
  return specs;
}

/** Tokens for knobs and for Helm's own values, numbered in a fixed order (deterministic output). */
export class TokenSet {
  readonly tokens: Token[] = [];
  private n = 0;

  string(expr: string, knob?: string): Token {
    return this.push({
      text: `Kx7Q${String(++this.n).padStart(4, "0")}Zk`,
      type: "string",
      expr,
      ...(knob ? { knob } : {}),
    });
  }
  number(expr: string, knob?: string): Token {
    const num = 7770000 + ++this.n;
    return this.push({ text: String(num), num, type: "number", expr, ...(knob ? { knob } : {}) });
  }
  whole(expr: string, knob?: string): Token {
    return this.push({
      text: `Kx7W${String(++this.n).padStart(4, "0")}Zk`,
      type: "whole",
      expr,
      ...(knob ? { knob } : {}),
    });
  }
  private push(t: Token): Token {
    this.tokens.push(t);
    return t;
  }
}

function makeKnobs(specs: readonly KnobSpec[], tokens: TokenSet, namespaceExpr: string): Knob[] {
  return specs.map((s) => {
    const expr = s.id === "namespace" ? namespaceExpr : valuesExpr(s.path);
    const token =
      s.type === "integer"
        ? tokens.number(expr, s.id)
        : s.type === "resources"
          ? tokens.whole(expr, s.id)
          : tokens.string(expr, s.id);
    return { ...s, token };
  });
}

/** Internal per-field tokens that make the `resources` subtree recognisable. */
function resourceSentinel(app: ResolvedApp, knob: Knob): Record<string, Record<string, string>> {
  const r = app.resources.value;
  const mark = (side: string, values: Record<string, string | undefined>) =>
    Object.fromEntries(
      Object.keys(values)
        .filter((k) => values[k] !== undefined)
        .map((k) => [k, `${knob.token.text}-${side}-${k}`]),
    );
  return { requests: mark("requests", { ...r.requests }), limits: mark("limits", { ...r.limits }) };
}

/** The app with the given knobs' tokens in place of their values. */
export function tokenizeApp(app: ResolvedApp, knobs: readonly Knob[]): ResolvedApp {
  const a = structuredClone(app);
  const k = (id: string) => knobs.find((x) => x.id === id && knobValue(app, id) !== undefined);
  const img = splitImage(app.image.value);
  const repo = k("image.repository");
  const tag = k("image.tag");
  const digest = k("image.digest");
  if (repo || tag || digest) {
    a.image.value = joinImage({
      repository: repo ? repo.token.text : img.repository,
      ...(img.tag !== undefined ? { tag: tag ? tag.token.text : img.tag } : {}),
      ...(img.digest !== undefined ? { digest: digest ? digest.token.text : img.digest } : {}),
    });
    if (tag && app.version === img.tag) a.version = tag.token.text;
  }
  const replicas = k("replicaCount");
  if (replicas?.token.num !== undefined) a.replicas = { ...a.replicas, value: replicas.token.num };
  if (a.autoscaling) {
    const s = { ...a.autoscaling.value };
    const min = k("autoscaling.minReplicas")?.token.num;
    const max = k("autoscaling.maxReplicas")?.token.num;
    const cpu = k("autoscaling.targetCPUUtilizationPercentage")?.token.num;
    const mem = k("autoscaling.targetMemoryUtilizationPercentage")?.token.num;
    if (min !== undefined) s.min = min;
    if (max !== undefined) s.max = max;
    if (cpu !== undefined && s.cpu !== undefined) s.cpu = cpu;
    if (mem !== undefined && s.memory !== undefined) s.memory = mem;
    a.autoscaling = { ...a.autoscaling, value: s };
  }
  const res = k("resources");
  if (res) a.resources = { ...a.resources, value: { ...a.resources.value, ...resourceSentinel(app, res) } };
  const host = k("ingress.host");
  if (host && a.expose) a.expose = { ...a.expose, value: { ...a.expose.value, host: host.token.text } };
  a.env = a.env.map((e) => {
    const t = "value" in e ? k(`env.${e.name}`) : undefined;
    return t && "value" in e ? { ...e, value: t.token.text } : e;
  });
  const ns = k("namespace");
  if (ns) {
    const real = app.environment.namespace;
    a.environment = { ...a.environment, namespace: ns.token.text };
    const w = a.rollout.value.weighted;
    if (w && w.namespace === real)
      a.rollout = {
        ...a.rollout,
        value: { ...a.rollout.value, weighted: { ...w, namespace: ns.token.text } },
      };
  }
  const env = k("environment");
  if (env) a.environment = { ...a.environment, name: env.token.text };
  return a;
}

/** Replace every subtree equal to `needle` with `replacement`. */
function replaceSubtrees(v: unknown, needle: unknown, replacement: string): unknown {
  if (deepEqual(v, needle)) return replacement;
  if (Array.isArray(v)) return v.map((x) => replaceSubtrees(x, needle, replacement));
  if (isPlainObject(v))
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, replaceSubtrees(x, needle, replacement)]),
    );
  return v;
}

/** Compile the app with tokens; `resources` subtrees become their whole-marker string. */
export function compileTokenized(app: ResolvedApp, knobs: readonly Knob[]): KObject[] {
  const t = tokenizeApp(app, knobs);
  let objects: unknown[] = compile(t).result.objects;
  const res = knobs.find((x) => x.id === "resources");
  if (res && knobValue(app, "resources") !== undefined) {
    const needle = { requests: t.resources.value.requests, limits: t.resources.value.limits };
    objects = objects.map((o) => replaceSubtrees(o, needle, res.token.text));
  }
  return objects as KObject[];
}

/** Put real values back in place of tokens. */
export function detokenize(v: unknown, values: ReadonlyMap<Token, unknown>): unknown {
  if (typeof v === "number") {
    for (const [t, val] of values) if (t.type === "number" && t.num === v) return val;
    return v;
  }
  if (typeof v === "string") {
    for (const [t, val] of values) if (t.type === "whole" && v === t.text) return val;
    let s = v;
    for (const [t, val] of values)
      if (t.type !== "whole" && s.includes(t.text)) s = s.split(t.text).join(String(val));
    return s;
  }
  if (Array.isArray(v)) return v.map((x) => detokenize(x, values));
  if (isPlainObject(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, detokenize(x, values)]));
  return v;
}

/** True when any token of the set occurs in the value (strings, numbers; keys excluded). */
export function containsToken(v: unknown, tokens: readonly Token[]): boolean {
  if (typeof v === "number") return tokens.some((t) => t.type === "number" && t.num === v);
  if (typeof v === "string") return tokens.some((t) => v.includes(t.text));
  if (Array.isArray(v)) return v.some((x) => containsToken(x, tokens));
  if (isPlainObject(v)) return Object.values(v).some((x) => containsToken(x, tokens));
  return false;
}

function tokenInKeys(v: unknown, tokens: readonly Token[]): boolean {
  if (Array.isArray(v)) return v.some((x) => tokenInKeys(x, tokens));
  if (isPlainObject(v))
    return Object.entries(v).some(
      ([k, x]) => tokens.some((t) => k.includes(t.text)) || tokenInKeys(x, tokens),
    );
  return false;
}

/** The token → value map of one environment. */
export function tokenValues(app: ResolvedApp, knobs: readonly Knob[]): Map<Token, unknown> {
  const m = new Map<Token, unknown>();
  for (const k of knobs) {
    const v = knobValue(app, k.id);
    if (v !== undefined) m.set(k.token, v);
  }
  return m;
}

function roundTrips(app: ResolvedApp, real: readonly KObject[], knobs: readonly Knob[]): boolean {
  const tokenized = compileTokenized(app, knobs);
  const tokens = knobs.map((k) => k.token);
  if (tokenInKeys(tokenized, tokens)) return false;
  const back = detokenize(tokenized, tokenValues(app, knobs)) as KObject[];
  return deepEqual(sortObjects(back), sortObjects([...real]));
}

export interface KnobPlan {
  knobs: Knob[];
  /** Knobs that did not survive the round trip (reported in the chart README). */
  dropped: string[];
}

/**
 * The knobs of an app across its environments: every candidate that round-trips in every environment.
 * `envs` pairs each environment's resolved app with the objects of its real build.
 */
export function planKnobs(
  envs: readonly { app: ResolvedApp; objects: readonly KObject[] }[],
  tokens: TokenSet,
  namespaceExpr: string,
): KnobPlan {
  const all = makeKnobs(knobSpecs(envs.map((e) => e.app)), tokens, namespaceExpr);
  const ok = (knobs: readonly Knob[]) => envs.every((e) => roundTrips(e.app, e.objects, knobs));
  if (ok(all)) return { knobs: all, dropped: [] };
  const single = all.filter((k) => ok([k]));
  const knobs = ok(single) ? single : [];
  return { knobs, dropped: all.filter((k) => !knobs.includes(k)).map((k) => k.id) };
}
