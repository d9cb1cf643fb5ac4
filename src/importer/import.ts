/**
 * `kintent import`: the objects of every environment (a chart's `helm template` per values file, or manifest
 * files) → intent files (an App per app, one Platform, extra/ for what the intent cannot express, a
 * `.kintent.yaml` when the import needs one), proved by building them with the engine (`openProject` →
 * `build(env)`, the one path every command takes) and comparing every source object with the build's after
 * Kubernetes defaulting, per environment. Nothing is written here: the caller writes the files atomically.
 *
 * The loop: infer the intent, build, compare; carry (verbatim, per environment where they differ) the objects the
 * build does not reproduce — exact mode: every difference; default mode: differences kintent's defaults do not
 * explain — build again and compare again; the second comparison is the parity report. Secrets are never
 * imported (their names become references), Helm test hooks are dropped, values that change from one render to
 * the next (randAlphaNum, genCA) are reported and not copied, credential-looking literals are not copied.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fieldChanges } from "../core/diff.js";
import type { Finding, ObjectRef } from "../core/finding.js";
import { isClusterScoped } from "../core/k8s-resources.js";
import type { KObject } from "../core/object.js";
import { describeObject, objectKey, refOf } from "../core/object.js";
import { looksLikeSecret } from "../core/secrets.js";
import { Redactor } from "../core/redact.js";
import { UsageError } from "../core/errors.js";
import { ENVIRONMENTS_ANNOTATION, REPLACE_ANNOTATION, WHY_ANNOTATION } from "../compile/extras.js";
import { API_VERSION } from "../intent/schema.js";
import { LABELS } from "../intent/defaults.js";
import { objectToYaml, YAML_OPTIONS } from "../render/yaml.js";
import { openProject } from "../project/index.js";
import type { EnvironmentBuild } from "../project/index.js";
import { bundledRegistry } from "../validate/index.js";
import { Document } from "yaml";
import type { ChartFacts } from "./helm.js";
import type { SourceObject } from "./sources.js";
import { groupObjects, WORKLOAD_KINDS } from "./group.js";
import type { AppGroup } from "./group.js";
import { observeApp } from "./infer.js";
import type { AppObservation } from "./infer.js";
import { mergeApp, mergePlatform } from "./merge.js";
import type { MergedApp } from "./merge.js";
import { applyDefaults, normalize } from "./normalize.js";
import { compareObjects, defaultReason, fieldOf, notes } from "./compare.js";
import { renderImportReport } from "./report.js";
import type {
  AddedObject,
  EnvironmentReport,
  ImportMode,
  ImportReport,
  ObjectStatus,
  ObjectVerdict,
  RandomNote,
  SecretNote,
} from "./types.js";

export interface EnvironmentSource {
  name: string;
  /** Values files or manifest files (for the report). */
  inputs: string[];
  /** The release namespace: where objects without one go. */
  namespace: string;
  objects: SourceObject[];
  /** A second render of the same values (helm), to find values that change on every render. */
  again?: SourceObject[];
}

export interface ImportInput {
  kind: "helm" | "manifests";
  /** The chart directory or the manifest paths, as the user gave them. */
  source: string;
  mode: ImportMode;
  environments: EnvironmentSource[];
  chart?: ChartFacts;
  release?: string;
  kubernetesVersion: string;
}

export interface ImportResult {
  /** Relative path → content, IMPORT.md included (the JSON report goes to stdout with --output json). */
  files: Map<string, string>;
  report: ImportReport;
}

type Plain = Record<string, unknown>;
const TEST_HOOKS = new Set(["test", "test-success", "test-failure"]);

function isRecord(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hookOf(o: KObject): string | undefined {
  return o.metadata.annotations?.["helm.sh/hook"];
}

/** A filesystem-safe name for a file of extra/. */
function fileName(o: KObject): string {
  return `${o.kind.toLowerCase()}-${o.metadata.name}`.replace(/[^a-z0-9._-]+/gi, "-") + ".yaml";
}

interface Prepared {
  env: EnvironmentSource;
  /** The environment's namespace: its workloads' (else the release namespace). */
  home: string;
  /**
   * Objects to express or carry (namespace filled in), by identity with the environment's namespace left out
   * ({@link neutralKey}), so one object is the same across environments that use different namespaces.
   */
  objects: Map<string, { object: KObject; source: string }>;
  verdicts: ObjectVerdict[];
  random: RandomNote[];
}

/** Paths whose values differ between two renders of the same object. */
function randomPaths(a: KObject, b: KObject): string[] {
  return fieldChanges(a, b).map((c) => c.path);
}

/** Remove a readable diff path (`data.password`, `spec.x[name].y`) from an object, where it can be found. */
function removePath(o: Plain, path: string): boolean {
  const parts = [...path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)].map(
    (m) =>
      m[1] ??
      (JSON.parse(`${m[2] ?? '""'}`.startsWith('"') ? (m[2] as string) : JSON.stringify(m[2])) as string),
  );
  let cur: unknown = o;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    if (Array.isArray(cur))
      cur = cur.find((x) => isRecord(x) && (x.name === p || x.key === p)) ?? cur[Number(p)];
    else if (isRecord(cur)) cur = cur[p];
    else return false;
  }
  const last = parts[parts.length - 1] as string;
  if (isRecord(cur) && last in cur) {
    delete cur[last];
    return true;
  }
  return false;
}

/** {@link objectKey} with the namespace left out where it is the environment's. */
export function neutralKey(o: KObject | ObjectRef, home: string): string {
  const ref = "metadata" in o ? refOf(o) : o;
  if (ref.namespace !== home) return objectKey(ref);
  const { namespace: _, ...rest } = ref;
  return objectKey(rest);
}

function prepare(env: EnvironmentSource): Prepared {
  const objects = new Map<string, { object: KObject; source: string }>();
  const verdicts: ObjectVerdict[] = [];
  const random: RandomNote[] = [];
  // Home: the namespace most objects are in (ties: the release namespace, else the first name).
  const counts = new Map<string, number>();
  for (const s of env.objects) {
    if (isClusterScoped(s.object.apiVersion, s.object.kind)) continue;
    const ns = s.object.metadata.namespace ?? env.namespace;
    counts.set(ns, (counts.get(ns) ?? 0) + 1);
  }
  const top = Math.max(0, ...counts.values());
  const candidates = [...counts]
    .filter(([, n]) => n === top)
    .map(([ns]) => ns)
    .sort();
  const home = candidates.includes(env.namespace) ? env.namespace : (candidates[0] ?? env.namespace);
  const again = new Map((env.again ?? []).map((s) => [`${s.source}#${s.index}`, s.object]));
  for (const s of env.objects) {
    const o = structuredClone(s.object);
    if (!isClusterScoped(o.apiVersion, o.kind) && !o.metadata.namespace) o.metadata.namespace = env.namespace;
    const ref = refOf(o);
    const hook = hookOf(o);
    const base = { object: ref, source: s.source, app: "", fields: [], ignored: [] };
    if (hook !== undefined && hook.split(",").some((h) => TEST_HOOKS.has(h.trim()))) {
      verdicts.push({
        ...base,
        status: "dropped",
        why: `Helm test hook (helm.sh/hook: ${hook}): run by \`helm test\`, not part of the release — kintent has no test phase; run it as a check of your own`,
      });
      continue;
    }
    if (o.kind === "Secret") {
      verdicts.push({
        ...base,
        status: "referenced",
        why: "a Secret: its data is never imported — the import references it by name; create it before deploying (see Secrets)",
      });
      objects.set(neutralKey(o, home), { object: o, source: s.source });
      continue;
    }
    // Values that change from one render to the next are reported and not copied.
    const twin = again.get(`${s.source}#${s.index}`);
    if (env.again && twin && objectKey(twin) !== objectKey(s.object)) {
      verdicts.push({
        ...base,
        status: "dropped",
        why: `its name changes on every render (${s.object.metadata.name} / ${twin.metadata.name}): generated by a random function, not importable as is`,
      });
      random.push({
        object: ref,
        environment: env.name,
        paths: ["metadata.name"],
        what: "a random name: the object was dropped",
      });
      continue;
    }
    if (twin) {
      const paths = randomPaths(s.object, twin);
      if (paths.length > 0) {
        for (const p of paths) removePath(o, p);
        random.push({
          object: ref,
          environment: env.name,
          paths,
          what: "different on every `helm template` (randAlphaNum, genCA, now, …): not copied — generate it where it is used",
        });
      }
    }
    // Credentials written as literals are never copied (into the intent, extra/ or the report).
    for (const c of scrubCredentials(o))
      random.push({
        object: ref,
        environment: env.name,
        paths: [c.path],
        what: c.what,
        ...(c.secret ? { secret: c.secret } : {}),
      });
    objects.set(neutralKey(o, home), { object: o, source: s.source });
  }
  return { env, home, objects, verdicts, random };
}

/** The intent directory as files (App documents, Platform, config), before extras. */
function intentFiles(
  apps: readonly MergedApp[],
  platform: Plain,
  header: string,
  /** Per app: comment lines on what extra/ replaces (the intent's fields do not reach those objects). */
  replaced: ReadonlyMap<string, string[]> = new Map(),
): Map<string, string> {
  const files = new Map<string, string>();
  const several = apps.length > 1;
  for (const a of apps) {
    const doc = new Document(
      {
        apiVersion: API_VERSION,
        kind: "App",
        metadata: {
          name: a.name,
          ...(Object.keys(a.labels).length > 0 ? { labels: a.labels } : {}),
          ...(Object.keys(a.annotations).length > 0 ? { annotations: a.annotations } : {}),
        },
        spec: a.spec,
      },
      { aliasDuplicateObjects: false, version: "1.2" },
    );
    const notes = replaced.get(a.name) ?? [];
    doc.commentBefore =
      notes.length > 0
        ? `${header}\n Carried in extra/ in place of what this intent generates (its fields do not reach these; delete the\n file to let the intent generate the object, and see IMPORT.md for what changes then):\n${notes.map((n) => `   ${n}`).join("\n")}`
        : header;
    files.set(several ? `${a.name}.kintent.yaml` : "kintent.yaml", doc.toString(YAML_OPTIONS));
  }
  const pdoc = new Document(
    { apiVersion: API_VERSION, kind: "Platform", metadata: { name: "imported" }, spec: platform },
    { aliasDuplicateObjects: false, version: "1.2" },
  );
  pdoc.commentBefore = `${header}\n What every environment shares (ingress, TLS, delivery) and where each one differs (namespace, registry,\n scheduling). The import cannot know \`cluster\`: set each environment's cluster URL as Argo CD knows it.`;
  files.set("platform.yaml", pdoc.toString(YAML_OPTIONS));
  return files;
}

interface CarriedVariant {
  object: KObject;
  why: string;
  replace: boolean;
  app: string;
  source: string;
}

interface Carry {
  /** Identity → per environment: the object variant carried there. */
  variants: Map<string, Map<string, CarriedVariant>>;
}

/**
 * extra/ files: one per identity when every environment carries the same object, else one per variant; and
 * which file carries each identity in each environment.
 */
function extraFiles(
  carry: Carry,
  envNames: readonly string[],
  apps: readonly string[],
): { files: Map<string, string>; where: Map<string, string> } {
  const files = new Map<string, string>();
  const where = new Map<string, string>();
  const several = apps.length > 1;
  for (const [key, variants] of carry.variants) {
    // Group environments by identical variant (object and replace flag).
    const groups: { envs: string[]; v: NonNullable<ReturnType<typeof variants.get>> }[] = [];
    for (const env of envNames) {
      const v = variants.get(env);
      if (!v) continue;
      const same = groups.find(
        (g) => JSON.stringify(g.v.object) === JSON.stringify(v.object) && g.v.replace === v.replace,
      );
      if (same) same.envs.push(env);
      else groups.push({ envs: [env], v });
    }
    for (const g of groups) {
      const o = structuredClone(g.v.object);
      const everywhere = g.envs.length === envNames.length;
      const annotations: Record<string, string> = { ...(o.metadata.annotations ?? {}) };
      annotations[WHY_ANNOTATION] = g.v.why;
      if (g.v.replace) annotations[REPLACE_ANNOTATION] = "true";
      if (!everywhere) annotations[ENVIRONMENTS_ANNOTATION] = g.envs.join(",");
      o.metadata.annotations = annotations;
      if (several) o.metadata.labels = { ...(o.metadata.labels ?? {}), [LABELS.partOf]: g.v.app };
      const dir = ["extra", ...(several ? [g.v.app] : []), ...(everywhere ? [] : [g.envs.join("+")])].join(
        "/",
      );
      const path = `${dir}/${fileName(o)}`;
      files.set(path, objectToYaml(o));
      for (const env of g.envs) where.set(`${key}\u0000${env}`, path);
    }
  }
  return { files, where };
}

function configFile(
  secrets: readonly string[],
  configMaps: readonly string[],
  downgraded: ReadonlyMap<string, string[]>,
): string | undefined {
  const lines: string[] = [];
  if (downgraded.size > 0) {
    lines.push(
      "# Written by kintent import: the imported objects keep the source's settings, which these checks flag as errors.",
      "# They are warnings here so the import builds; fix the objects (or import without --exact) and remove the line.",
      "checks:",
    );
    for (const [check, objects] of [...downgraded].sort(([a], [b]) => (a < b ? -1 : 1)))
      lines.push(`  ${check}: warning   # ${objects.join(", ")}`);
  }
  if (secrets.length > 0 || configMaps.length > 0) {
    lines.push(
      "# Objects the import references and does not hold: create them before deploying (IMPORT.md says how).",
      "external:",
    );
    if (secrets.length > 0) lines.push("  secrets:", ...secrets.map((s) => `    - ${JSON.stringify(s)}`));
    if (configMaps.length > 0)
      lines.push("  configMaps:", ...configMaps.map((s) => `    - ${JSON.stringify(s)}`));
  }
  return lines.length > 0 ? lines.join("\n") + "\n" : undefined;
}

async function buildAll(
  files: ReadonlyMap<string, string>,
  envs: readonly string[],
): Promise<Map<string, EnvironmentBuild>> {
  const root = mkdtempSync(join(tmpdir(), "kintent-import-"));
  try {
    // The intent in root/intent, the configuration beside it (given explicitly: nothing outside takes part).
    const dir = join(root, "intent");
    let config = join(root, "config.yaml");
    writeFileSync(config, "{}\n");
    for (const [rel, text] of files) {
      if (rel === ".kintent.yaml") {
        config = join(dir, rel);
      }
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
    const project = await openProject(dir, { cwd: dir, configFile: config });
    const out = new Map<string, EnvironmentBuild>();
    for (const env of envs) out.set(env, project.build(env));
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function intentErrors(builds: ReadonlyMap<string, EnvironmentBuild>): Finding[] {
  return [...builds.values()].flatMap((b) => b.errors);
}

export async function importObjects(input: ImportInput): Promise<ImportResult> {
  const envNames = input.environments.map((e) => e.name);
  const mode = input.mode;
  const schemas = bundledRegistry();
  const prepared = input.environments.map(prepare);
  const warnings: string[] = [];

  // --- apps --------------------------------------------------------------------------------------
  // Grouping sees each object with the environment's namespace left out (the same app in every environment).
  const union = prepared.flatMap((p) =>
    [...p.objects.values()].map((x) => {
      const o = structuredClone(x.object);
      if (o.metadata.namespace === p.home) delete o.metadata.namespace;
      return o;
    }),
  );
  const { apps: groups, owner } = groupObjects(union);
  if (groups.length === 0)
    throw new UsageError(
      "no Deployment, StatefulSet or Argo Rollouts Rollout among the objects: kintent import turns workloads into apps (their Services, routes, autoscalers and the rest come with them) — there is nothing to build an App around",
    );
  // An app is a workload every environment has; a workload only some have is carried by the main app.
  // (in the environment's own namespace: the platform gives each environment one namespace for its apps).
  const everywhere = groups.filter(
    (g) => g.workload.split("|")[2] === "" && prepared.every((p) => p.objects.has(g.workload)),
  );
  if (everywhere.length === 0)
    throw new UsageError(
      `no workload is in every environment (${envNames.join(", ")}): kintent builds every app in every environment — import the environments separately`,
    );
  const main = [...everywhere].sort(
    (a, b) => a.name.length - b.name.length || (a.name < b.name ? -1 : 1),
  )[0] as AppGroup;
  const appOf = (key: string): string => {
    const o = owner.get(key);
    return o !== undefined && everywhere.some((g) => g.name === o) ? o : main.name;
  };
  for (const g of groups)
    if (!everywhere.includes(g) && g.workload.split("|")[2] !== "")
      warnings.push(
        `${g.kind} ${g.name} runs in namespace ${g.workload.split("|")[2] ?? ""}, not the environment's: the platform gives each environment one namespace for its apps, so its objects are carried in extra/ of ${main.name}`,
      );
    else if (!everywhere.includes(g))
      warnings.push(
        `${g.kind} ${g.name} is in ${prepared
          .filter((p) => p.objects.has(g.workload))
          .map((p) => p.env.name)
          .join(
            ", ",
          )} only: kintent builds every app in every environment, so its objects are carried in extra/ of ${main.name} for those environments`,
      );
  const appGroups = everywhere.map((g) => ({
    ...g,
    members: new Set([...g.members].filter((k) => appOf(k) === g.name)),
  }));

  // RBAC: a ServiceAccount some (Cluster)RoleBinding names → its app calls the API.
  const rbacSubjects = new Set(
    union
      .filter((o) => o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding")
      .flatMap((o): unknown[] => (Array.isArray(o.subjects) ? (o.subjects as unknown[]) : []))
      .filter((s): s is Plain => isRecord(s) && s.kind === "ServiceAccount")
      .map((s) => String(s.name)),
  );

  // --- infer and merge ------------------------------------------------------------------------------
  const observations = appGroups.map((g) => {
    const byEnv = new Map<string, AppObservation>();
    for (const p of prepared) {
      const objects = new Map([...p.objects].map(([k, v]) => [k, v.object]));
      const defaulted = new Map([...objects].map(([k, o]) => [k, applyDefaults(o, schemas)]));
      byEnv.set(
        p.env.name,
        observeApp({ group: g, objects, defaulted, mode, rbacFor: (sa) => rbacSubjects.has(sa) }),
      );
    }
    return byEnv;
  });
  const namespaces = new Map(prepared.map((p) => [p.env.name, p.home]));
  const platform = mergePlatform(envNames, namespaces, observations);
  const merged = appGroups.map((g, i) =>
    mergeApp(g.name, observations[i] as Map<string, AppObservation>, envNames, platform.registries),
  );
  for (const m of merged)
    for (const u of m.unsplittable)
      warnings.push(
        `${m.name}: \`${u.field}\` differs in ${u.environments.join(", ")} and an environment cannot override it: the first environment's is used, and objects that differ are carried there`,
      );
  const appNames = merged.map((m) => m.name).sort();

  // Secrets → references; credential-looking env literals → references too.
  const secretNotes = new Map<string, SecretNote>();
  for (const p of prepared)
    for (const [key, { object }] of p.objects) {
      if (object.kind !== "Secret") continue;
      const name = object.metadata.name;
      const note = secretNotes.get(name) ?? {
        name,
        namespace: object.metadata.namespace ?? p.env.namespace,
        type: typeof object.type === "string" ? object.type : "Opaque",
        keys: [],
        environments: [],
        usedBy: [],
        generated:
          p.random.some((r) => r.object.name === name && r.object.kind === "Secret") ||
          /tls/.test(String(object.type)),
        howTo: "",
      };
      note.keys = [
        ...new Set([
          ...note.keys,
          ...Object.keys(isRecord(object.data) ? object.data : {}),
          ...Object.keys(isRecord(object.stringData) ? object.stringData : {}),
        ]),
      ].sort();
      note.environments.push(p.env.name);
      const app = appOf(key);
      if (!note.usedBy.includes(app)) note.usedBy.push(app);
      secretNotes.set(name, note);
    }
  for (const p of prepared)
    for (const x of p.random) {
      if (!x.secret) continue;
      const note = secretNotes.get(x.secret.name) ?? {
        name: x.secret.name,
        namespace: x.object.namespace ?? p.home,
        type: "Opaque",
        keys: [],
        environments: [],
        usedBy: [appOf(neutralKey(x.object, p.home))],
        generated: false,
        howTo: "",
      };
      if (!note.keys.includes(x.secret.key)) note.keys.push(x.secret.key);
      if (!note.environments.includes(p.env.name)) note.environments.push(p.env.name);
      secretNotes.set(x.secret.name, note);
    }
  for (const [i, byEnv] of observations.entries())
    for (const o of byEnv.values())
      for (const s of o.secretEnv) {
        const note = secretNotes.get(s.secret) ?? {
          name: s.secret,
          namespace: namespaces.get(envNames[0] ?? "") ?? "default",
          type: "Opaque",
          keys: [],
          environments: [],
          usedBy: [appGroups[i]?.name ?? ""],
          generated: false,
          howTo: "",
        };
        if (!note.keys.includes(s.key)) note.keys.push(s.key);
        secretNotes.set(s.secret, note);
        warnings.push(
          `${o.name}: env ${s.name} holds a literal credential in the source; not copied — it reads Secret ${s.secret} key ${s.key}`,
        );
      }
  for (const n of secretNotes.values()) {
    n.howTo =
      n.type === "kubernetes.io/tls"
        ? `a TLS certificate and key: \`kubectl -n ${n.namespace} create secret tls ${n.name} --cert=… --key=…\`, or a cert-manager Certificate with secretName ${n.name}`
        : n.type === "kubernetes.io/dockerconfigjson"
          ? `registry credentials: \`kubectl -n ${n.namespace} create secret docker-registry ${n.name} …\``
          : `create it with \`kubectl -n ${n.namespace} create secret generic ${n.name}\` (one --from-literal or --from-file per key), or from your secret store (External Secrets, Sealed Secrets)`;
  }
  const secretNames = [...secretNotes.keys()].sort();

  const header = [
    ` Imported by \`kintent import${input.kind === "helm" ? " helm" : " manifests"}${mode === "exact" ? " --exact" : ""}\` from ${input.chart ? `chart ${input.chart.name} ${input.chart.version}` : input.source}` +
      (input.release ? ` (release ${input.release})` : "") +
      ` — environments ${input.environments.map((e) => `${e.name} (${e.inputs.join(", ") || "defaults"})`).join(", ")}.`,
    " IMPORT.md lists, per environment, every source object and what became of it.",
  ].join("\n");
  const base = intentFiles(merged, platform.spec, header);

  // --- build, compare, carry ------------------------------------------------------------------------
  const carry: Carry = { variants: new Map() };
  const compareEnv = (p: Prepared, build: EnvironmentBuild, extrasNow: Set<string>) => {
    const built = new Map(build.objects.map((o) => [neutralKey(o, p.home), o]));
    const app = build.apps.map((a) => a.app);
    const results: { key: string; verdict: ObjectVerdict; lossy: boolean; generated: boolean }[] = [];
    for (const [key, { object, source }] of p.objects) {
      const appName = appOf(key);
      const baseV = { object: refOf(object), source, app: appName };
      if (object.kind === "Secret") continue;
      const b = built.get(key);
      const placement = new Set<string>([
        LABELS.partOf,
        ...Object.keys(app.find((a) => a.name === appName)?.labels ?? {}),
      ]);
      if (!b) {
        results.push({
          key,
          generated: false,
          lossy: true,
          verdict: { ...baseV, status: "carried", why: "", fields: [], ignored: [] },
        });
        continue;
      }
      const cluster = isClusterScoped(object.apiVersion, object.kind);
      const src = normalize(object, { namespace: p.home, clusterScoped: cluster, schemas });
      const out = normalize(b, { namespace: p.home, clusterScoped: cluster, schemas });
      const cmp = compareObjects(src, out, extrasNow.has(key) ? placement : new Set());
      if (cmp.real.length === 0) {
        results.push({
          key,
          generated: !extrasNow.has(key),
          lossy: false,
          verdict: {
            ...baseV,
            status: extrasNow.has(key) ? "carried" : "equal",
            why: "",
            fields: [],
            ignored: cmp.ignored,
          },
        });
        continue;
      }
      const reasons = cmp.real.map((c) => ({
        c,
        why:
          mode === "default"
            ? defaultReason(object.kind, c, b, {
                source: src,
                autoscaled: [...p.objects.values()].some(
                  (x) =>
                    x.object.kind === "HorizontalPodAutoscaler" &&
                    (x.object.spec as { scaleTargetRef?: { name?: string } } | undefined)?.scaleTargetRef
                      ?.name === object.metadata.name,
                ),
              })
            : undefined,
      }));
      const lossy = mode === "exact" || reasons.some((r) => r.why === undefined);
      results.push({
        key,
        generated: !extrasNow.has(key),
        lossy,
        verdict: {
          ...baseV,
          status: lossy ? "carried" : "changed",
          why: "",
          // Carried: the differences kintent's defaults do not explain (in default mode the others are moot).
          fields: lossy
            ? notes(
                reasons.filter((r) => mode === "exact" || r.why === undefined).map((r) => r.c),
                () => "the intent cannot express this",
              )
            : notes(cmp.real, (c) => reasons.find((r) => r.c === c)?.why ?? ""),
          ignored: cmp.ignored,
        },
      });
    }
    return results;
  };

  let files = new Map(base);
  const externalConfigMaps: string[] = [];
  const downgraded = new Map<string, string[]>();
  const withConfig = (f: Map<string, string>) => {
    const text = configFile(secretNames, externalConfigMaps, downgraded);
    const out = new Map(f);
    if (text) out.set(".kintent.yaml", text);
    return out;
  };
  let builds = await buildAll(withConfig(files), envNames);
  const errors = intentErrors(builds);
  if (errors.length > 0)
    throw new Error(
      `kintent import produced an intent the engine refuses (a bug): ${errors.map((e) => `${e.loc?.file ?? ""}:${e.loc?.line ?? ""} ${e.message}`).join("; ")}`,
    );

  // First comparison: what to carry.
  const firstReasons = new Map<string, Map<string, ObjectVerdict>>();
  for (const p of prepared) {
    const build = builds.get(p.env.name) as EnvironmentBuild;
    const perEnv = new Map<string, ObjectVerdict>();
    for (const r of compareEnv(p, build, new Set())) {
      perEnv.set(r.key, r.verdict);
      if (!r.lossy) continue;
      const { object, source } = p.objects.get(r.key) as { object: KObject; source: string };
      const carried = carriedObject(object, p.home);
      const why = carryReason(object, r.verdict, r.generated, mode);
      const variants = carry.variants.get(r.key) ?? new Map<string, CarriedVariant>();
      variants.set(p.env.name, {
        object: carried.object,
        why,
        replace: r.generated,
        app: appOf(r.key),
        source,
      });
      carry.variants.set(r.key, variants);
      for (const w of carried.scrubbed)
        warnings.push(`${describeObject(refOf(object))} (${p.env.name}): ${w}`);
    }
    firstReasons.set(p.env.name, perEnv);
  }
  const extras = extraFiles(carry, envNames, appNames);
  files = new Map([...base, ...extras.files]);
  builds = await buildAll(withConfig(files), envNames);
  const errors2 = intentErrors(builds);
  if (errors2.length > 0)
    throw new Error(
      `kintent import produced extras the engine refuses (a bug): ${errors2.map((e) => `${e.loc?.file ?? ""} ${e.message}`).join("; ")}`,
    );

  // Checks the imported objects fail with error severity become warnings in .kintent.yaml (listed in the report).
  for (const b of builds.values())
    for (const f of b.findings)
      if (f.severity === "error" && f.object) {
        const list = downgraded.get(f.checkId) ?? [];
        const what = `${f.object.kind} ${f.object.name}`;
        if (!list.includes(what)) list.push(what);
        downgraded.set(f.checkId, list);
      }
  if (downgraded.size > 0) builds = await buildAll(withConfig(files), envNames);

  // --- the report's comparison ----------------------------------------------------------------------
  const environments: EnvironmentReport[] = [];
  for (const p of prepared) {
    const build = builds.get(p.env.name) as EnvironmentBuild;
    const extrasNow = new Set([...carry.variants].filter(([, v]) => v.has(p.env.name)).map(([k]) => k));
    const verdicts: ObjectVerdict[] = [
      ...p.verdicts.map((v) => ({ ...v, app: appOf(neutralKey(v.object, p.home)) })),
    ];
    const first = firstReasons.get(p.env.name) ?? new Map<string, ObjectVerdict>();
    for (const r of compareEnv(p, build, extrasNow)) {
      const v = r.verdict;
      if (extrasNow.has(r.key)) {
        const variant = carry.variants.get(r.key)?.get(p.env.name);
        const original = first.get(r.key);
        const ok = v.fields.length === 0;
        const file = extras.where.get(`${r.key}\u0000${p.env.name}`);
        verdicts.push({
          ...v,
          status: "carried",
          why: variant?.why ?? "",
          fields: original?.fields ?? [],
          ...(file ? { file } : {}),
          ...(ok
            ? {}
            : {
                violation: `carried, but the build differs from the source: ${v.fields.map((f) => f.path).join(", ")}`,
              }),
        });
      } else {
        verdicts.push({
          ...v,
          why:
            v.status === "equal"
              ? "the intent reproduces it"
              : v.status === "changed"
                ? "kintent's defaults change it (see the fields)"
                : "the build does not reproduce it",
          ...(v.status === "carried" || (v.status === "changed" && input.mode === "exact")
            ? { violation: "not reproduced by the intent and not carried" }
            : {}),
        });
      }
    }
    const sourceKeys = new Set([...p.objects.keys()]);
    const added: AddedObject[] = build.objects
      .filter((o) => !sourceKeys.has(neutralKey(o, p.home)))
      .map((o) => ({
        object: refOf(o),
        app: build.apps.find((a) => a.result.objects.includes(o))?.app.name ?? "",
        why: addedReason(o, build),
      }));
    const counts = {
      equal: 0,
      changed: 0,
      carried: 0,
      referenced: 0,
      dropped: 0,
      source: verdicts.length,
      added: added.length,
    } as EnvironmentReport["counts"];
    for (const v of verdicts) counts[v.status]++;
    environments.push({
      name: p.env.name,
      inputs: p.env.inputs,
      namespace: p.home,
      objects: verdicts.sort(compareVerdicts),
      added,
      counts,
    });
  }

  const report = summarize(input, environments, {
    apps: appNames,
    secrets: [...secretNotes.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    random: prepared.flatMap((p) => p.random),
    warnings: [...new Set(warnings)],
    downgraded,
  });
  // The App files again, now saying which generated objects extra/ replaces.
  const replaced = new Map<string, string[]>();
  for (const [path, text] of extras.files) {
    if (!text.includes(`${REPLACE_ANNOTATION}: "true"`)) continue;
    const variant = [...carry.variants.values()]
      .flatMap((v) => [...v.values()])
      .find((v) => path.endsWith(`/${fileName(v.object)}`));
    if (!variant) continue;
    replaced.set(variant.app, [
      ...(replaced.get(variant.app) ?? []),
      `${variant.object.kind} ${variant.object.metadata.name}: ${path}`,
    ]);
  }
  files = new Map([...intentFiles(merged, platform.spec, header, replaced), ...extras.files]);
  files = withConfig(files);
  report.files = [...files.keys(), "IMPORT.md"].sort();
  // The one redactor on the way out, whatever a source held in places the import did not think of.
  files.set("IMPORT.md", new Redactor().text(renderImportReport(report)));
  return { files, report };
}

function compareVerdicts(a: ObjectVerdict, b: ObjectVerdict): number {
  const x = `${a.app}\u0000${a.object.kind}\u0000${a.object.name}`;
  const y = `${b.app}\u0000${b.object.kind}\u0000${b.object.name}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The object as extra/ holds it: no namespace where it is the environment's (placement puts it back). */
function carriedObject(o: KObject, namespace: string): { object: KObject; scrubbed: string[] } {
  const copy = structuredClone(o);
  if (copy.metadata.namespace === namespace) delete copy.metadata.namespace;
  return { object: copy, scrubbed: [] };
}

/** The pod spec of a workload-like object. */
function podSpecOf(o: KObject): Plain | undefined {
  const spec = isRecord(o.spec) ? o.spec : undefined;
  if (o.kind === "Pod") return spec;
  if (o.kind === "CronJob") {
    const jt = spec?.jobTemplate;
    const t = isRecord(jt) && isRecord(jt.spec) ? jt.spec.template : undefined;
    return isRecord(t) && isRecord(t.spec) ? t.spec : undefined;
  }
  const t = spec?.template;
  return isRecord(t) && isRecord(t.spec) ? t.spec : undefined;
}

/**
 * Credentials written as literals (env values named like passwords or tokens, or holding keys and connection
 * strings; ConfigMap values the same): an env value becomes a reference to Secret `<object>-env` (key: the
 * variable), a ConfigMap key is left out. Mutates `o`; returns what it did.
 */
function scrubCredentials(
  o: KObject,
): { path: string; what: string; secret?: { name: string; key: string } }[] {
  const out: { path: string; what: string; secret?: { name: string; key: string } }[] = [];
  if (o.kind === "ConfigMap" && isRecord(o.data))
    for (const [k, v] of Object.entries(o.data))
      if (typeof v === "string" && looksLikeSecret(k, v)) {
        delete o.data[k];
        out.push({
          path: `data.${k}`,
          what: "looks like a credential: not copied — put it in a Secret and mount or reference that",
        });
      }
  const pod = podSpecOf(o);
  if (!pod) return out;
  for (const list of ["initContainers", "containers"])
    for (const c of Array.isArray(pod[list]) ? (pod[list] as unknown[]).filter(isRecord) : [])
      for (const e of Array.isArray(c.env) ? (c.env as unknown[]).filter(isRecord) : []) {
        const name = typeof e.name === "string" ? e.name : "";
        if (typeof e.value !== "string" || !looksLikeSecret(name, e.value)) continue;
        const secret = { name: `${o.metadata.name}-env`, key: name };
        delete e.value;
        e.valueFrom = { secretKeyRef: { name: secret.name, key: secret.key } };
        out.push({
          path: `spec…containers[${String(c.name)}].env[${name}]`,
          what: `a literal credential: not copied — the container reads Secret ${secret.name} key ${secret.key}; create it`,
          secret,
        });
      }
  return out;
}

function carryReason(o: KObject, v: ObjectVerdict, generated: boolean, mode: ImportMode): string {
  const hook = hookOf(o);
  if (hook)
    return `Helm hook (${hook}): kintent has no hook phases; carried as rendered (Argo CD runs helm.sh/hook annotations as its own hooks)`;
  if (o.kind === "CustomResourceDefinition")
    return "a CRD: kintent generates none; carried as the chart ships it (install it before the app)";
  if (!generated) {
    if (WORKLOAD_KINDS.has(o.kind)) return "a workload of an app that is not in every environment";
    return `kintent generates no ${o.kind} for this app; carried as the source has it`;
  }
  const fields = [...new Set(v.fields.map((f) => fieldOf(f.path)))].slice(0, 6);
  return `${mode === "exact" ? "--exact" : "the intent loses settings"}: kintent's ${o.kind} would differ in ${fields.join(", ")}${v.fields.length > 6 ? ", …" : ""}; carried as the source has it, replacing the generated one`;
}

function addedReason(o: KObject, build: EnvironmentBuild): string {
  const d = build.decisions.find(
    (x) => x.object.kind === o.kind && x.object.name === o.metadata.name && x.path === "",
  );
  return d?.why ?? "generated by the intent";
}

function summarize(
  input: ImportInput,
  environments: EnvironmentReport[],
  extra: {
    apps: string[];
    secrets: SecretNote[];
    random: RandomNote[];
    warnings: string[];
    downgraded: ReadonlyMap<string, string[]>;
  },
): ImportReport {
  const count = (s: ObjectStatus) => environments.reduce((n, e) => n + e.counts[s], 0);
  const expressed = count("equal") + count("changed");
  const carried = count("carried");
  const unexpressed = new Map<string, Set<string>>();
  const changes = new Map<string, { what: Set<string>; why: string; objects: Set<string> }>();
  for (const e of environments)
    for (const v of e.objects) {
      const who = `${describeObject(v.object)}`;
      if (v.status === "carried" && v.fields.length > 0)
        for (const f of v.fields) {
          const field = `${v.object.kind}: ${fieldOf(f.path)}`;
          const set = unexpressed.get(field) ?? new Set();
          set.add(who);
          unexpressed.set(field, set);
        }
      if (v.status === "changed")
        for (const f of v.fields) {
          const c = changes.get(f.why) ?? { what: new Set<string>(), why: f.why, objects: new Set<string>() };
          c.what.add(fieldOf(f.path));
          c.objects.add(`${who} (${e.name})`);
          changes.set(f.why, c);
        }
    }
  // Default mode: objects kintent adds are behavioural changes its defaults explain (listed); --exact adds none.
  const parity = environments.every(
    (e) =>
      (input.mode === "default" || e.added.length === 0) && e.objects.every((v) => v.violation === undefined),
  );
  if (input.mode === "default")
    for (const e of environments)
      for (const a of e.added) {
        const key = `adds\u0000${a.why}`;
        const c = changes.get(key) ?? { what: new Set<string>(), why: a.why, objects: new Set<string>() };
        c.what.add(`adds a ${a.object.kind}`);
        c.objects.add(`${describeObject(a.object)} (${e.name})`);
        changes.set(key, c);
      }
  for (const [check, objects] of extra.downgraded)
    extra.warnings.push(
      `check ${check} fails on ${objects.join(", ")} as the source has them: a warning in .kintent.yaml until fixed`,
    );
  return {
    kind: input.kind,
    source: input.source,
    ...(input.chart
      ? {
          chart: {
            name: input.chart.name,
            version: input.chart.version,
            ...(input.chart.appVersion ? { appVersion: input.chart.appVersion } : {}),
          },
        }
      : {}),
    ...(input.release ? { release: input.release } : {}),
    mode: input.mode,
    defaulting: "offline",
    kubernetesVersion: input.kubernetesVersion,
    apps: extra.apps,
    environments,
    secrets: extra.secrets,
    random: extra.random,
    lookups: input.chart?.lookups ?? [],
    unexpressed: [...unexpressed]
      .map(([field, set]) => ({ field, objects: [...set].sort() }))
      .sort((a, b) => b.objects.length - a.objects.length || (a.field < b.field ? -1 : 1)),
    changes: [...changes.values()]
      .map((c) => ({ what: [...c.what].sort(), why: c.why, objects: [...c.objects].sort() }))
      .sort((a, b) => (a.why < b.why ? -1 : a.why > b.why ? 1 : 0)),
    files: [],
    parity,
    figure: {
      expressed,
      carried,
      referenced: count("referenced"),
      dropped: count("dropped"),
      ratio: expressed + carried === 0 ? 0 : Math.round((expressed / (expressed + carried)) * 1000) / 1000,
    },
    warnings: extra.warnings,
  };
}
