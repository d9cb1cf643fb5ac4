/**
 * A Helm chart generated from the intent — the intent stays the source of truth; the chart is a rendering of
 * it for those who deploy with Helm.
 *
 * - `Chart.yaml`: name = the app; `appVersion` = the image tag; `version` = the tag's SemVer core (`v2.3.1` →
 *   `2.3.1`, `1.4` → `1.4.0`, a non-SemVer tag → `0.0.0`) plus build metadata `+k<8 hex>`, the hash of every
 *   other file of the chart: the same intent gives the same version, any change to the chart a new one.
 * - `values.yaml` renders the first environment; `values-<env>.yaml` holds only what differs for each other
 *   environment (`null` removes a default, as Helm merges values).
 * - Labels: Helm users expect `helm.sh/chart` and `app.kubernetes.io/managed-by: Helm`. The chart sets
 *   `helm.sh/chart` on each object's metadata (not on pod templates: a chart version bump must not restart
 *   pods) and `managed-by` to `{{ .Release.Service }}` wherever kintent writes `managed-by: kintent`; selectors
 *   never carry either, so moving between `kintent build` and the chart never touches an immutable selector.
 *   Object names and `app.kubernetes.io/instance` stay the app's name whatever the release is called, for the
 *   same reason.
 * - Extra manifests (`extra/`, placed into the app's objects by the build) are the objects of an environment the
 *   compiler does not produce. They are templates like any other object: their namespace reads the namespace
 *   value where the build defaulted it to the environment's namespace, their `kintent.dev/environment` label
 *   the environment value, Helm's labels replace kintent's `managed-by` as everywhere, and whatever else differs
 *   between environments becomes a value of its own (see helm-template.ts).
 */
import { describeObject, objectKey, refOf, sameObject } from "../core/object.js";
import type { KObject } from "../core/object.js";
import { createHash } from "node:crypto";
import { Document, isMap, isScalar } from "yaml";
import type { Node, Pair } from "yaml";
import type { AppEnvironment, AppEnvironments, Decision } from "../compile/types.js";
import { LABELS } from "../intent/defaults.js";
import { sortKeys } from "../intent/resolve.js";
import { compile } from "../compile/compile.js";
import { objectFileNames } from "./files.js";
import { YAML_OPTIONS } from "./yaml.js";
import type { Knob, Token } from "./helm-knobs.js";
import {
  TokenSet,
  compileTokenized,
  containsToken,
  detokenize,
  knobValue,
  planKnobs,
  splitImage,
  tokenValues,
} from "./helm-knobs.js";
import type { ChartTemplates, EnvObjects, Position } from "./helm-template.js";
import {
  ABSENT,
  environmentSlotValues,
  getPath,
  mergeTemplates,
  pointerText,
  setPath,
} from "./helm-template.js";
import {
  assertUniqueObjects,
  deepEqual,
  inEnvironmentNamespace,
  isPlainObject,
  writtenNamespaces,
} from "./_tree.js";
import type { Plain } from "./_tree.js";

export interface HelmChartInput {
  app: AppEnvironments;
  /** Files the intent came from (relative paths), for headers. */
  sources: readonly string[];
}

/** One documented value of the chart. */
export interface HelmValue {
  /** Values path segments. */
  path: string[];
  /** `knob`: a consumer may change it; `fact`: what the platform says about an environment; `flag`: an object or field is there. */
  kind: "knob" | "fact" | "flag";
  description: string;
  /** Where the value lands in the rendered objects. */
  positions: Position[];
  /** Per environment (platform order): its value, or undefined where it does not apply. */
  perEnvironment: Record<string, unknown>;
}

export interface HelmChart {
  name: string;
  version: string;
  appVersion: string;
  environments: string[];
  files: Map<string, string>;
  values: HelmValue[];
  /** Knobs the chart could not keep live (they did not survive the round trip). */
  droppedKnobs: string[];
}

const DRAFT7 = "http://json-schema.org/draft-07/schema#";

/** The chart's SemVer: the image tag's core version (or 0.0.0) with the content hash as build metadata. */
export function chartVersion(tag: string | undefined, contentHash: string): string {
  const t = (tag ?? "").replace(/^v(?=\d)/, "");
  const id = "(0|[1-9]\\d*)";
  const pre = "(?:-((?:[0-9A-Za-z-]+)(?:\\.[0-9A-Za-z-]+)*))?";
  const m = new RegExp(`^${id}\\.${id}\\.${id}${pre}`).exec(t);
  let core = "0.0.0";
  if (m) {
    const prerelease = m[4]?.split(".").every((p) => !/^\d+$/.test(p) || p === "0" || !p.startsWith("0"))
      ? m[4]
      : undefined;
    core = `${m[1]}.${m[2]}.${m[3]}${prerelease ? `-${prerelease}` : ""}`;
  } else {
    const short = new RegExp(`^${id}(?:\\.${id})?$`).exec(t);
    if (short) core = `${short[1]}.${short[2] ?? "0"}.0`;
  }
  return `${core}+k${contentHash.slice(0, 8)}`;
}

/** managed-by → the release service wherever kintent wrote its own name; helm.sh/chart on object metadata. */
function helmLabels(o: KObject, service: Token, chart: Token): KObject {
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}/${i}`));
    if (!isPlainObject(v)) return v;
    const out: Plain = {};
    for (const [k, x] of Object.entries(v)) {
      const p = `${path}/${k}`;
      if (k === "labels" && isPlainObject(x) && x[LABELS.managedBy] === "kintent") {
        out[k] = sortKeys({
          ...x,
          [LABELS.managedBy]: service.text,
          ...(p === "/metadata/labels" ? { "helm.sh/chart": chart.text } : {}),
        });
      } else out[k] = walk(x, p);
    }
    return out;
  };
  return walk(o, "") as KObject;
}

function yamlText(value: unknown, comment?: string): string {
  const doc = new Document(value, { aliasDuplicateObjects: false, version: "1.2" });
  if (comment) doc.commentBefore = comment;
  return doc.toString(YAML_OPTIONS);
}

/** Values that differ from `base`, for Helm's merge: `null` removes what the env does not have. */
function override(base: unknown, v: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(v)) {
    const out: Plain = {};
    for (const [k, x] of Object.entries(v)) {
      if (!(k in base)) out[k] = x;
      else if (!deepEqual(base[k], x)) out[k] = override(base[k], x);
    }
    for (const k of Object.keys(base)) if (!(k in v)) out[k] = null;
    return out;
  }
  return v;
}

function findPair(doc: Document, path: readonly string[]): Pair | undefined {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  for (const seg of path) {
    if (!isMap(node)) return undefined;
    pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
    if (!pair) return undefined;
    node = pair.value;
  }
  return pair;
}

function comment(doc: Document, path: readonly string[], text: string): void {
  const pair = findPair(doc, path);
  if (!pair) return;
  const key = pair.key as Node;
  key.commentBefore = key.commentBefore ? `${key.commentBefore}\n${text}` : text;
}

function schemaType(values: readonly unknown[]): string[] {
  const types = new Set<string>();
  for (const v of values) {
    if (v === null) types.add("null");
    else if (Array.isArray(v)) types.add("array");
    else if (typeof v === "object") types.add("object");
    else if (typeof v === "number") types.add(Number.isInteger(v) ? "integer" : "number");
    else types.add(typeof v);
  }
  return [...types].sort();
}

function knobSchema(k: Knob): Plain {
  if (k.type === "integer") return { type: "integer", minimum: k.id === "replicaCount" ? 0 : 1 };
  if (k.type === "resources") {
    const side = { type: "object", additionalProperties: { type: ["string", "number"] } };
    return { type: "object", additionalProperties: false, properties: { requests: side, limits: side } };
  }
  if (k.id === "image.tag") return { type: ["string", "number"] };
  if (k.id === "namespace") return { type: ["string", "null"] };
  if (k.id.startsWith("env.")) return { type: ["string", "number", "boolean"] };
  return { type: "string", minLength: 1 };
}

function schemaInsert(root: Plain, path: readonly string[], leaf: Plain): void {
  let cur = root;
  path.forEach((seg, i) => {
    const props = (cur.properties ??= {}) as Plain;
    if (i === path.length - 1) {
      props[seg] = leaf;
      return;
    }
    props[seg] ??= { type: "object", additionalProperties: false, properties: {} };
    cur = props[seg] as Plain;
  });
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** Where a value lands, compactly: a field set on many objects is named once with the count. */
function describePositions(ps: readonly Position[]): string {
  const byPointer = new Map<string, Position[]>();
  for (const p of ps) byPointer.set(p.pointer, [...(byPointer.get(p.pointer) ?? []), p]);
  const out: string[] = [];
  for (const [pointer, list] of byPointer) {
    if (list.length > 2 && pointer !== "")
      out.push(`${code(pointerText(pointer))} of ${list.length} objects`);
    else
      for (const p of list)
        out.push(`${p.object.kind} ${p.object.name}${pointer ? ` ${code(pointerText(pointer))}` : ""}`);
  }
  return out.join("; ");
}

/** A table cell; long structured values point at the values file that holds them. */
function cell(v: unknown, file: string): string {
  if (v === undefined) return "—";
  const text = typeof v === "string" ? v : JSON.stringify(v);
  if (text.length > 60) return `see ${code(file)}`;
  return code(text).replace(/\|/g, "\\|");
}

function workloadOf(objects: readonly KObject[]): KObject | undefined {
  return objects.find(
    (o) => ["Rollout", "Deployment", "StatefulSet"].includes(o.kind) && !o.metadata.name.endsWith("-canary"),
  );
}

/** One environment's objects: what the compiler produces for the app, and the extra manifests placed beside them. */
interface SplitObjects {
  generated: KObject[];
  extras: KObject[];
}

/**
 * Split an environment's objects into the app's own (those its compile produces) and the extras — among them
 * the extras that replace a generated object (`kintent.dev/replace`), templated as extras.
 */
function splitObjects(e: AppEnvironment): SplitObjects {
  assertUniqueObjects(e.result.objects, e.env, "helm");
  const replaced = new Set(e.result.replaced ?? []);
  const own = new Set(
    compile(e.app)
      .result.objects.map((o) => objectKey(o))
      .filter((k) => !replaced.has(k)),
  );
  return {
    generated: e.result.objects.filter((o) => own.has(objectKey(o))),
    extras: e.result.objects.filter((o) => !own.has(objectKey(o))),
  };
}

/**
 * An extra as the chart templates it: its namespace, where the build placed it in the environment's, and its
 * `kintent.dev/environment` label replaced by the tokens of the namespace and environment values (when the
 * chart offers them).
 */
function tokenizeExtra(
  o: KObject,
  e: AppEnvironment,
  knobs: readonly Knob[],
  written: ReadonlySet<string>,
): KObject {
  const t = structuredClone(o);
  const ns = knobs.find((k) => k.id === "namespace");
  const env = knobs.find((k) => k.id === "environment");
  if (ns && inEnvironmentNamespace(o, e.app.environment.namespace, written))
    t.metadata.namespace = ns.token.text;
  const labels = t.metadata.labels;
  if (env && labels?.[LABELS.environment] === e.app.environment.name)
    t.metadata.labels = { ...labels, [LABELS.environment]: env.token.text };
  return t;
}

export function renderHelmChart(input: HelmChartInput): HelmChart {
  const { app } = input;
  const name = app.name;
  const envs = app.environments;
  const envNames = envs.map((e) => e.env);
  if (envs.length === 0) throw new Error(`${name}: no environments to render`);

  const tokens = new TokenSet();
  const service = tokens.string(".Release.Service");
  const chartLabel = tokens.string(`include "${name}.chart" .`);
  const split = envs.map(splitObjects);
  const plan = planKnobs(
    envs.map((e, i) => ({ app: e.app, objects: split[i]?.generated ?? [] })),
    tokens,
    `include "${name}.namespace" .`,
  );
  const knobs = plan.knobs;
  const written = writtenNamespaces(
    envs.map((e, i) => ({ namespace: e.app.environment.namespace, objects: split[i]?.extras ?? [] })),
  );

  // Tokenized objects of each environment, paired with their real counterparts; then its extras.
  const extraKeys = new Map<string, KObject>();
  const generatedKeys = new Set<string>();
  const envObjects: EnvObjects[] = envs.map((e, i) => {
    const { generated, extras } = split[i] as SplitObjects;
    const values = tokenValues(e.app, knobs);
    const replaced = new Set(e.result.replaced ?? []);
    const tokenized = compileTokenized(e.app, knobs).filter(
      (t) => !replaced.has(objectKey(detokenize(t, values) as KObject)),
    );
    const real = tokenized.map((t) => {
      const key = objectKey(detokenize(t, values) as KObject);
      const r = generated.find((o) => objectKey(o) === key);
      if (!r) throw new Error(`helm: ${key} has no counterpart in ${e.env}`);
      return r;
    });
    const tokenizedExtras = extras.map((o) => {
      if (containsToken(o, tokens.tokens))
        throw new Error(
          `helm: ${e.env}: extra ${describeObject(refOf(o))} holds a value the chart uses as a placeholder (a number from 7770000 or a string like Kx7Q0001Zk)`,
        );
      const t = tokenizeExtra(o, e, knobs, written);
      if (!deepEqual(detokenize(t, values), o))
        throw new Error(`helm: ${e.env}: extra ${describeObject(refOf(o))} does not survive templating`);
      extraKeys.set(objectKey(t), o);
      return t;
    });
    for (const t of tokenized) generatedKeys.add(objectKey(t));
    return {
      tokenized: [...tokenized, ...tokenizedExtras].map((o) => helmLabels(o, service, chartLabel)),
      real: [...real, ...extras],
      values,
    };
  });
  // One template per identity: an extra cannot share one with an object the intent generates in another environment.
  for (const [key, o] of extraKeys)
    if (generatedKeys.has(key))
      throw new Error(
        `helm: extra ${describeObject(refOf(o))} has the identity of an object the intent generates in another environment`,
      );
  const union = new Map<string, KObject>();
  envObjects.forEach((e) =>
    e.tokenized.forEach((t, i) => union.has(objectKey(t)) || union.set(objectKey(t), e.real[i] as KObject)),
  );
  const unionReal = [...union.values()];
  const names = objectFileNames(unionReal);
  const nameOf = new Map(unionReal.map((o, i) => [o, names[i] as string]));
  const merged = mergeTemplates({
    envs: envObjects,
    tokens: tokens.tokens,
    fileName: (o) => nameOf.get(o) ?? `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`,
    extras: new Set(extraKeys.keys()),
  });

  // Knobs that land nowhere (e.g. replicaCount where every environment autoscales) are not offered.
  const used = knobs.filter((k) => (merged.knobPositions.get(k.id) ?? []).length > 0);
  // Values: each environment's, then values.yaml = the first environment (knobs it lacks from the others).
  const perEnv: Plain[] = envs.map((e, i) => {
    const v: Plain = {};
    for (const k of used) {
      const x = knobValue(e.app, k.id);
      if (x !== undefined) setPath(v, k.path, x);
    }
    environmentSlotValues(merged, i, v);
    return v;
  });
  const base: Plain = {};
  const ordered = [
    ...used.filter((k) => !["namespace", "environment"].includes(k.id)),
    ...used.filter((k) => ["namespace", "environment"].includes(k.id)),
  ];
  for (const k of ordered) {
    // An env var only some environments have stays out of values.yaml unless the first has it (its key is its switch).
    const x = k.id.startsWith("env.")
      ? getPath(perEnv[0], k.path)
      : perEnv.map((v) => getPath(v, k.path)).find((y) => y !== undefined);
    if (x !== undefined) setPath(base, k.path, x);
  }
  environmentSlotValues(merged, 0, base);
  for (const s of merged.slots)
    if (getPath(base, s.name) === undefined)
      setPath(
        base,
        s.name,
        s.values.find((x) => x !== ABSENT),
      );

  const docs = valueDocs(used, merged, envNames, perEnv);
  const files = new Map<string, string>();
  files.set("values.yaml", valuesYaml(base, docs, envNames, input.sources));
  envNames.forEach((env, i) => {
    const diff: Plain = {};
    for (const d of docs) {
      const v = getPath(perEnv[i], d.path);
      const b = getPath(base, d.path);
      if (v === undefined && d.path[0] === "env" && b !== undefined) setPath(diff, d.path, null);
      if (v === undefined) continue;
      if (!deepEqual(b, v)) setPath(diff, d.path, override(b, v));
    }
    const note =
      Object.keys(diff).length === 0
        ? ` ${env}: values.yaml renders ${env} as it is; nothing to override.`
        : ` ${env}: what differs from values.yaml. helm install ${name} . -f values-${env}.yaml`;
    files.set(`values-${env}.yaml`, Object.keys(diff).length === 0 ? `#${note}\n{}\n` : yamlText(diff, note));
  });
  files.set("values.schema.json", `${JSON.stringify(schema(used, merged, docs), null, 2)}\n`);
  for (const [stem, text] of merged.templates) files.set(`templates/${stem}.yaml`, text);
  files.set("templates/_helpers.tpl", helpers(name));
  files.set(
    "templates/NOTES.txt",
    notes(
      name,
      used,
      split[0]?.generated ?? [],
      app,
      merged.flags.map((f) => f.name.join(".")),
    ),
  );
  files.set(".helmignore", "# kintent's marker of a generated directory\n.kintent-generated\n");
  files.set("README.md", readme(input, docs, plan.dropped, merged));

  const first = envs[0];
  const tag = first ? splitImage(first.app.image.value).tag : undefined;
  const hash = createHash("sha256");
  for (const [p, c] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${p}\u0000${c}\u0000`);
  const version = chartVersion(tag, hash.digest("hex"));
  const appVersion = tag ?? first?.app.version ?? "latest";
  const why = first?.app.why.app;
  files.set(
    "Chart.yaml",
    yamlText(
      {
        apiVersion: "v2",
        name,
        description: why ?? `${name}, generated by kintent from its intent.`,
        type: "application",
        version,
        appVersion,
        annotations: { "kintent.dev/generated-from": input.sources.join(", ") },
      },
      ` Generated by kintent from ${input.sources.join(", ")}. Do not edit: change the intent and rebuild.\n version: ${version.split("+")[0] ?? version} from the image tag, +k<hash of the chart's files>.`,
    ),
  );
  return {
    name,
    version,
    appVersion,
    environments: envNames,
    files,
    values: docs,
    droppedKnobs: plan.dropped,
  };
}

function valueDocs(
  knobs: readonly Knob[],
  merged: ChartTemplates,
  envNames: readonly string[],
  perEnv: readonly Plain[],
): HelmValue[] {
  const per = (path: readonly string[]) =>
    Object.fromEntries(envNames.map((env, i) => [env, getPath(perEnv[i], path)]));
  const docs: HelmValue[] = [];
  for (const k of knobs) {
    const positions = merged.knobPositions.get(k.id) ?? [];
    if (positions.length === 0) continue;
    const fact = k.id === "namespace" || k.id === "environment";
    docs.push({
      path: k.path,
      kind: fact ? "fact" : "knob",
      description: k.description,
      positions,
      perEnvironment: per(k.path),
    });
  }
  const seen = new Set<string>();
  for (const s of merged.slots) {
    const id = JSON.stringify(s.name);
    if (seen.has(id)) continue;
    seen.add(id);
    docs.push({
      path: s.name,
      kind: "fact",
      description: s.description,
      positions: s.positions,
      perEnvironment: per(s.name),
    });
  }
  for (const f of merged.flags) {
    const id = JSON.stringify(f.name);
    if (seen.has(id)) continue;
    seen.add(id);
    docs.push({
      path: f.name,
      kind: "flag",
      description: f.description,
      positions: f.positions,
      perEnvironment: per(f.name),
    });
  }
  return docs;
}

function valuesYaml(
  base: Plain,
  docs: readonly HelmValue[],
  envNames: readonly string[],
  sources: readonly string[],
): string {
  const knobKeys = docs.filter((d) => d.kind === "knob").map((d) => d.path[0] as string);
  const ordered: Plain = {};
  for (const k of Object.keys(base)) if (knobKeys.includes(k)) ordered[k] = base[k];
  for (const k of Object.keys(base)) if (!knobKeys.includes(k)) ordered[k] = base[k];
  const doc = new Document(ordered, { aliasDuplicateObjects: false, version: "1.2" });
  doc.commentBefore = [
    ` Generated by kintent from ${sources.join(", ")}. Do not edit: change the intent and rebuild.`,
    ` These defaults render the ${envNames[0] ?? ""} environment; values-<env>.yaml holds what differs (${envNames.join(", ")}).`,
  ].join("\n");
  const firstFact = docs.find((d) => d.kind !== "knob" && !knobKeys.includes(d.path[0] as string));
  const firstKnob = docs.find((d) => d.kind === "knob");
  for (const d of docs) {
    comment(
      doc,
      d.path,
      ` -- ${d.description}${d.positions.length > 0 ? ` Sets: ${describePositions(d.positions).replace(/`/g, "")}.` : ""}`,
    );
  }
  if (firstKnob)
    comment(doc, [firstKnob.path[0] as string], "\n === What a consumer of this chart may change ===");
  if (firstFact) {
    const pair = findPair(doc, [firstFact.path[0] as string]);
    const key = pair?.key as Node | undefined;
    if (key)
      key.commentBefore = `\n === Environment facts: platform.yaml decides these, values-<env>.yaml sets them ===\n${key.commentBefore ?? ""}`;
  }
  return doc.toString(YAML_OPTIONS);
}

function schema(knobs: readonly Knob[], merged: ChartTemplates, docs: readonly HelmValue[]): Plain {
  const root: Plain = {
    $schema: DRAFT7,
    title: "values",
    type: "object",
    additionalProperties: false,
    properties: { global: { type: "object", description: "Helm's global values (unused)." } },
  };
  for (const d of docs) {
    const k = knobs.find((x) => x.id === d.path.join("."));
    let leaf: Plain;
    if (k && d.kind !== "flag") leaf = knobSchema(k);
    else if (d.kind === "flag") leaf = { type: "boolean" };
    else {
      const slot = merged.slots.find((s) => deepEqual(s.name, d.path));
      const present = (slot?.values ?? []).filter((v) => v !== ABSENT);
      const types = schemaType(present);
      if (slot?.style === "nil") types.push("null");
      if (slot?.style === "with" && !types.includes("object") && !types.includes("array"))
        types.push("object");
      leaf = { type: types.length === 1 ? types[0] : [...new Set(types)].sort() };
    }
    schemaInsert(root, d.path, { ...leaf, description: d.description });
  }
  return root;
}

function helpers(name: string): string {
  return [
    `{{/* Generated by kintent. Object names and selectors come from the intent, not from the release name. */}}`,
    "",
    `{{/* The chart's name. */}}`,
    `{{- define "${name}.name" -}}`,
    `{{- .Chart.Name | trunc 63 | trimSuffix "-" }}`,
    "{{- end }}",
    "",
    `{{/* helm.sh/chart: name-version, "+" replaced (not allowed in label values). */}}`,
    `{{- define "${name}.chart" -}}`,
    `{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}`,
    "{{- end }}",
    "",
    `{{/* The namespace: values' namespace, or the release namespace when it is null. */}}`,
    `{{- define "${name}.namespace" -}}`,
    `{{- default .Release.Namespace .Values.namespace }}`,
    "{{- end }}",
    "",
  ].join("\n");
}

function notes(
  name: string,
  knobs: readonly Knob[],
  objects: readonly KObject[],
  app: AppEnvironments,
  flags: readonly string[],
): string {
  const has = (id: string) => knobs.some((k) => k.id === id);
  const ns = has("namespace")
    ? `{{ include "${name}.namespace" . }}`
    : (objects[0]?.metadata.namespace ?? "default");
  const w = workloadOf(objects);
  const lines = [
    `{{ .Chart.Name }} {{ .Chart.AppVersion }}${has("environment") ? " ({{ .Values.environment }})" : ""} is installed in namespace ${ns}.`,
    "",
    "Verify it:",
  ];
  if (w?.kind === "Rollout")
    lines.push(`  kubectl argo rollouts get rollout ${w.metadata.name} -n ${ns} --watch`);
  else if (w)
    lines.push(`  kubectl -n ${ns} rollout status ${w.kind.toLowerCase()}/${w.metadata.name} --timeout=5m`);
  lines.push(`  kubectl -n ${ns} get pods -l app.kubernetes.io/name=${name}`);
  const exposed = app.environments.find((e) => e.app.expose)?.app;
  if (has("ingress.host") && exposed?.expose) {
    const probe = exposed.probes.readiness?.value;
    const path = probe?.kind === "http" ? probe.path : exposed.expose.value.path;
    const curl = `  curl -fsS ${exposed.expose.value.tls ? "https" : "http"}://{{ .Values.ingress.host }}${path}`;
    if (flags.includes("ingress.enabled"))
      lines.push("{{- if .Values.ingress.enabled }}", curl, "{{- end }}");
    else lines.push(curl);
  }
  lines.push(
    "",
    "This chart is generated by kintent from the service's intent (kintent.yaml, platform.yaml): change the",
    "intent and regenerate the chart rather than editing it; the README lists what every value sets and why.",
    "",
  );
  return lines.join("\n");
}

function readme(
  input: HelmChartInput,
  docs: readonly HelmValue[],
  dropped: readonly string[],
  merged: ChartTemplates,
): string {
  const { app } = input;
  const envNames = app.environments.map((e) => e.env);
  const first = app.environments[0];
  const out: string[] = [];
  out.push(`# ${app.name} Helm chart`, "");
  out.push(
    `> Generated by kintent from ${input.sources.map(code).join(", ")}. Do not edit: change the intent and rebuild (\`kintent build --format helm\`).`,
    "",
  );
  if (first?.app.why.app) out.push(first.app.why.app, "");
  out.push("## Install", "", "```sh");
  for (const env of envNames) out.push(`helm install ${app.name} . -f values-${env}.yaml   # ${env}`);
  out.push("```", "");
  out.push(
    `\`values.yaml\` renders ${code(envNames[0] ?? "")}; each \`values-<env>.yaml\` holds only what differs. ` +
      "The chart version is the image tag's SemVer with `+k<hash>` of the chart's files: same intent, same version.",
    "",
  );
  const knobs = docs.filter((d) => d.kind === "knob");
  if (knobs.length > 0) {
    out.push("## Values you may change", "", "| value | default | what it sets |", "|---|---|---|");
    for (const d of knobs)
      out.push(
        `| ${code(d.path.join("."))} | ${cell(getPath(d.perEnvironment, [envNames[0] ?? ""]), "values.yaml")} | ${d.description} ${describePositions(d.positions)} |`,
      );
    out.push("");
  }
  const facts = docs.filter((d) => d.kind !== "knob");
  if (facts.length > 0) {
    out.push(
      "## Environment facts",
      "",
      "What platform.yaml says about each environment; the values files set them. Change them in platform.yaml.",
      "",
      `| value | ${envNames.join(" | ")} | what it sets |`,
      `|---|${envNames.map(() => "---|").join("")}---|`,
    );
    for (const d of facts)
      out.push(
        `| ${code(d.path.join("."))} | ${envNames.map((e, i) => cell(d.perEnvironment[e], i === 0 ? "values.yaml" : `values-${e}.yaml`)).join(" | ")} | ${d.description} ${describePositions(d.positions)} |`,
      );
    out.push("");
  }
  if (dropped.length > 0 || merged.frozen.length > 0) {
    out.push("## Limits", "");
    if (dropped.length > 0)
      out.push(
        `Not offered as values, because the compiler transforms them: ${dropped.map(code).join(", ")}; they are fixed per environment.`,
      );
    if (merged.frozen.length > 0)
      out.push(
        `Fixed per environment (their structure differs between environments): ${describePositions(merged.frozen)}.`,
      );
    out.push("");
  }
  out.push("## What the chart deploys, and why", "");
  // An object is the same across environments by kind and name, and by namespace where it is not the
  // environment's (a canary namespace, an extra manifest's own); the heading names that namespace when
  // another object has the same kind and name.
  const written = writtenNamespaces(
    app.environments.map((e) => ({ namespace: e.app.environment.namespace, objects: e.result.objects })),
  );
  const nsOf = (o: KObject, x: AppEnvironment) =>
    o.metadata.namespace === undefined || inEnvironmentNamespace(o, x.app.environment.namespace, written)
      ? ""
      : o.metadata.namespace;
  const idOf = (o: KObject, x: AppEnvironment) => `${o.kind}/${o.metadata.name}/${nsOf(o, x)}`;
  const ids = new Map<string, { o: KObject; ns: string }>();
  for (const e of app.environments)
    for (const o of e.result.objects) if (!ids.has(idOf(o, e))) ids.set(idOf(o, e), { o, ns: nsOf(o, e) });
  const sameName = (o: KObject) =>
    [...ids.values()].filter((x) => x.o.kind === o.kind && x.o.metadata.name === o.metadata.name).length;
  for (const [id, { o, ns }] of ids) {
    const inEnvs = app.environments
      .filter((x) => x.result.objects.some((y) => idOf(y, x) === id))
      .map((x) => x.env);
    out.push(
      `### ${o.kind} ${code(o.metadata.name)}${ns && sameName(o) > 1 ? ` in namespace ${code(ns)}` : ""}${inEnvs.length < envNames.length ? ` (${inEnvs.join(", ")} only)` : ""}`,
      "",
    );
    const lines: { text: string; envs: string[] }[] = [];
    for (const x of app.environments) {
      const obj = x.result.objects.find((y) => idOf(y, x) === id);
      if (!obj) continue;
      const ref = refOf(obj);
      for (const d of x.result.decisions.filter((dd: Decision) => sameObject(dd.object, ref))) {
        const text = d.path === "" ? d.why : `- ${code(pointerText(d.path))}: ${d.why}`;
        const existing = lines.find((l) => l.text === text);
        if (existing) existing.envs.push(x.env);
        else lines.push({ text, envs: [x.env] });
      }
    }
    const suffix = (l: { envs: string[] }) =>
      l.envs.length < inEnvs.length ? ` _(${l.envs.join(", ")})_` : "";
    const whole = lines.filter((l) => !l.text.startsWith("- "));
    const fields = lines.filter((l) => l.text.startsWith("- "));
    for (const l of whole) out.push(`${l.text}${suffix(l)}`);
    if (whole.length > 0) out.push("");
    for (const l of fields) out.push(`${l.text}${suffix(l)}`);
    if (fields.length > 0) out.push("");
  }
  const notesList = first?.app.platform.notes ?? [];
  if (notesList.length > 0) {
    out.push("## Platform notes", "");
    for (const n of notesList)
      out.push(`- **${n.title}**${n.why ? ` — ${n.why}` : ""}${n.fix ? ` Fix: ${n.fix}` : ""}`);
    out.push("");
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
