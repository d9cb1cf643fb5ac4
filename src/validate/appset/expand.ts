/**
 * ApplicationSet generators expanded offline, the way the ApplicationSet controller expands them
 * (applicationset/generators, applicationset/utils in argo-cd):
 *
 * - `list`: one parameter set per element;
 * - `clusters`: one per Argo CD cluster Secret given in the inputs (`argocd.argoproj.io/secret-type: cluster`),
 *   filtered by `selector.matchLabels`; parameters `name`, `nameNormalized`, `server`, `project`,
 *   `metadata.labels.*`, `metadata.annotations.*`, `values.*`;
 * - `matrix`: the product of two generators, the second one rendered with each parameter set of the first;
 * - `merge`: the first generator's sets, overridden by every later set whose `mergeKeys` values match;
 * - `git`, `scmProvider`, `pullRequest`, `clusterDecisionResource`, `plugin`: need a live repository or
 *   cluster — reported as skipped offline, never guessed.
 *
 * Parameters are nested maps for `goTemplate: true`, and flattened with dots for the default fasttemplate (as
 * the controller flattens them). Templates render field by field (the controller renders every string of the
 * template), then `templatePatch` (goTemplate) is rendered as a whole and merged.
 */
import { parse as parseYaml } from "yaml";
import { executeFastTemplate, executeGoTemplate, TemplateError } from "./gotemplate.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Where a parameter set came from: JSON Pointers of generator elements inside the ApplicationSet. */
export interface ParamSet {
  params: Obj;
  origins: string[];
}

export interface Expansion {
  sets: ParamSet[];
  /** Generators that cannot be expanded offline (pointer, why). */
  skipped: { pointer: string; why: string }[];
  /** Errors while expanding (pointer, message). */
  errors: { pointer: string; message: string }[];
}

/** The controller's limit on nesting (a matrix or merge inside a matrix or merge, no deeper). */
const MAX_DEPTH = 2;
/** A bound on the product, so a hostile matrix cannot exhaust memory. */
export const MAX_SETS = 1000;

export interface ExpandOptions {
  goTemplate: boolean;
  missingKeyError: boolean;
  /** Argo CD cluster Secrets (objects) from the inputs. */
  clusterSecrets: readonly Obj[];
}

/** Flatten nested maps to `a.b.c` keys, as the controller does for fasttemplate. */
export function flatten(o: Obj, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObj(v)) flatten(v, key, out);
    else if (Array.isArray(v)) out[key] = JSON.stringify(v);
    else out[key] = typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : "";
  }
  return out;
}

/** Render every string of `value` (map keys too) with one parameter set. */
export function renderValue(value: unknown, set: Obj, options: ExpandOptions): unknown {
  const flat = options.goTemplate ? {} : flatten(set);
  const render = (s: string): string =>
    !s.includes("{{")
      ? s
      : options.goTemplate
        ? executeGoTemplate(s, set, { missingKeyError: options.missingKeyError })
        : executeFastTemplate(s, flat);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return render(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [render(k), walk(x)]));
    return v;
  };
  return walk(value);
}

function decode(v: unknown, base64: boolean): string | undefined {
  if (typeof v !== "string") return undefined;
  return base64 ? Buffer.from(v, "base64").toString("utf8") : v;
}

function clusterParams(secret: Obj): Obj {
  const md = isObj(secret.metadata) ? secret.metadata : {};
  const field = (k: string) =>
    decode(isObj(secret.stringData) ? secret.stringData[k] : undefined, false) ??
    decode(isObj(secret.data) ? secret.data[k] : undefined, true);
  const name = field("name") ?? "";
  return {
    name,
    nameNormalized: name.toLowerCase().replace(/[^a-z0-9.-]/g, "-"),
    server: field("server") ?? "",
    project: field("project") ?? "",
    metadata: {
      labels: isObj(md.labels) ? md.labels : {},
      annotations: isObj(md.annotations) ? md.annotations : {},
    },
  };
}

function matchLabels(labels: unknown, selector: unknown): boolean {
  const want = isObj(selector) && isObj(selector.matchLabels) ? selector.matchLabels : {};
  const have = isObj(labels) ? labels : {};
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

export function expandGenerators(
  generators: unknown,
  options: ExpandOptions,
  base = "/spec/generators",
): Expansion {
  const out: Expansion = { sets: [], skipped: [], errors: [] };
  const list = Array.isArray(generators) ? generators : [];
  list.forEach((g, i) => {
    const r = expandOne(g, `${base}/${i}`, options, 0);
    out.sets.push(...r.sets);
    out.skipped.push(...r.skipped);
    out.errors.push(...r.errors);
  });
  if (out.sets.length > MAX_SETS) {
    out.errors.push({
      pointer: base,
      message: `the generators yield ${out.sets.length} parameter sets; kintent reviews at most ${MAX_SETS}`,
    });
    out.sets.length = MAX_SETS;
  }
  return out;
}

function expandOne(g: unknown, at: string, options: ExpandOptions, depth: number): Expansion {
  const out: Expansion = { sets: [], skipped: [], errors: [] };
  if (!isObj(g)) {
    out.errors.push({ pointer: at, message: "a generator must be a mapping" });
    return out;
  }
  const values = isObj(g.values) ? g.values : undefined;
  if (isObj(g.list)) {
    const elements = g.list.elements;
    if (!Array.isArray(elements)) {
      if (g.list.elementsYaml !== undefined)
        out.skipped.push({
          pointer: `${at}/list/elementsYaml`,
          why: "elementsYaml is rendered from other parameters",
        });
      return out;
    }
    elements.forEach((e, i) => {
      if (isObj(e)) out.sets.push({ params: e, origins: [`${at}/list/elements/${i}`] });
      else
        out.errors.push({ pointer: `${at}/list/elements/${i}`, message: "a list element must be a mapping" });
    });
    return out;
  }
  if (isObj(g.clusters) || g.clusters === null) {
    const sel = isObj(g.clusters) ? g.clusters.selector : undefined;
    const secrets = options.clusterSecrets.filter((s) =>
      matchLabels(isObj(s.metadata) ? s.metadata.labels : {}, sel),
    );
    if (options.clusterSecrets.length === 0) {
      out.skipped.push({
        pointer: `${at}/clusters`,
        why: "the cluster generator reads Argo CD's cluster Secrets; none are among the inputs (add them to validate it offline)",
      });
      return out;
    }
    const extra = isObj(g.clusters) && isObj(g.clusters.values) ? g.clusters.values : undefined;
    for (const s of secrets) {
      const p = clusterParams(s);
      if (extra) p.values = renderValue(extra, p, options);
      const name = isObj(s.metadata) ? String(s.metadata.name) : "?";
      out.sets.push({ params: p, origins: [`${at}/clusters#${name}`] });
    }
    return out;
  }
  for (const kind of ["git", "scmProvider", "pullRequest", "clusterDecisionResource", "plugin"]) {
    if (kind in g) {
      out.skipped.push({
        pointer: `${at}/${kind}`,
        why: `the ${kind} generator needs a live ${kind === "git" ? "repository" : "service"}; it is not expanded offline`,
      });
      return out;
    }
  }
  for (const kind of ["matrix", "merge"] as const) {
    const m = g[kind];
    if (!isObj(m)) continue;
    if (depth >= MAX_DEPTH) {
      out.errors.push({
        pointer: `${at}/${kind}`,
        message: `${kind} generators nest at most ${MAX_DEPTH} levels`,
      });
      return out;
    }
    const children = Array.isArray(m.generators) ? m.generators : [];
    if (kind === "matrix") {
      if (children.length !== 2) {
        out.errors.push({
          pointer: `${at}/matrix/generators`,
          message: "a matrix generator combines exactly two generators",
        });
        return out;
      }
      const first = expandOne(children[0], `${at}/matrix/generators/0`, options, depth + 1);
      out.skipped.push(...first.skipped);
      out.errors.push(...first.errors);
      for (const a of first.sets) {
        let second: unknown = children[1];
        try {
          // The second generator sees the first one's parameters.
          second = renderValue(children[1], a.params, { ...options, missingKeyError: false });
        } catch (e) {
          out.errors.push({ pointer: `${at}/matrix/generators/1`, message: (e as Error).message });
        }
        const b = expandOne(second, `${at}/matrix/generators/1`, options, depth + 1);
        if (a === first.sets[0]) {
          out.skipped.push(...b.skipped);
          out.errors.push(...b.errors);
        }
        for (const s of b.sets) {
          out.sets.push({ params: deepMerge(a.params, s.params), origins: [...a.origins, ...s.origins] });
          if (out.sets.length > MAX_SETS) return out;
        }
      }
      return out;
    }
    const keys = Array.isArray(m.mergeKeys) ? m.mergeKeys.map(String) : [];
    const parts = children.map((c, i) => expandOne(c, `${at}/merge/generators/${i}`, options, depth + 1));
    for (const p of parts) {
      out.skipped.push(...p.skipped);
      out.errors.push(...p.errors);
    }
    const flatKey = (s: Obj) => keys.map((k) => flatten(s)[k] ?? "").join("\u0000");
    const baseSets = (parts[0]?.sets ?? []).map((s) => ({ ...s }));
    for (const p of parts.slice(1))
      for (const s of p.sets)
        for (const b of baseSets)
          if (keys.length > 0 && flatKey(b.params) === flatKey(s.params)) {
            b.params = deepMerge(b.params, s.params);
            b.origins = [...b.origins, ...s.origins];
          }
    out.sets.push(...baseSets);
    return out;
  }
  if (values) return out;
  out.errors.push({ pointer: at, message: `unknown generator (${Object.keys(g).join(", ") || "empty"})` });
  return out;
}

export function deepMerge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

/** One Application as the controller would generate it. */
export interface GeneratedApp {
  set: ParamSet;
  app: Obj;
}

/** Render the template for every parameter set (and `templatePatch` for goTemplate). */
export function generateApplications(
  appset: Obj,
  sets: readonly ParamSet[],
  options: ExpandOptions,
): { apps: GeneratedApp[]; errors: { set: ParamSet; pointer: string; message: string }[] } {
  const spec = isObj(appset.spec) ? appset.spec : {};
  const template = isObj(spec.template) ? spec.template : {};
  const apps: GeneratedApp[] = [];
  const errors: { set: ParamSet; pointer: string; message: string }[] = [];
  for (const set of sets) {
    let app: Obj;
    try {
      app = renderValue(template, set.params, options) as Obj;
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      errors.push({ set, pointer: "/spec/template", message: e.message });
      continue;
    }
    if (options.goTemplate && typeof spec.templatePatch === "string") {
      try {
        const text = executeGoTemplate(spec.templatePatch, set.params, {
          missingKeyError: options.missingKeyError,
        });
        const patch: unknown = parseYaml(text, { maxAliasCount: 100 });
        if (isObj(patch)) app = deepMerge(app, patch);
      } catch (e) {
        errors.push({ set, pointer: "/spec/templatePatch", message: (e as Error).message });
        continue;
      }
    }
    apps.push({ set, app });
  }
  return { apps, errors };
}
