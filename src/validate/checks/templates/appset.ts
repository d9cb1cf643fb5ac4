/**
 * The GitOps checklist on ApplicationSets: every Application the generators would produce (expanded offline,
 * src/validate/appset/expand.ts) is reviewed — placeholders, unrendered variables, unintended cross products,
 * registries per environment, prune and sync policy per environment, namespaces. Findings point at the template
 * line (their `path`) and name the generator element(s) that produced the Application, with its line.
 */
import * as z from "zod";
import type { Bundle, Subject, Template } from "../types.js";
import { asArr, asObj, asStr, kindOf } from "../../objects.js";
import { expandGenerators, generateApplications } from "../../appset/expand.js";
import type { GeneratedApp, ParamSet } from "../../appset/expand.js";
import { didYouMean } from "../../../core/suggest.js";
import { PRIVATE_REGISTRY } from "./gitops.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

interface Review {
  apps: GeneratedApp[];
  skipped: { pointer: string; why: string }[];
  errors: { pointer: string; message: string }[];
  goTemplate: boolean;
}

function review(subject: Subject, bundle: Bundle): Review {
  return bundle.memo(`appset-review-${subject.index}`, () => {
    const spec = asObj(subject.object.spec);
    const goTemplate = spec.goTemplate === true;
    const missingKeyError = asArr(spec.goTemplateOptions).includes("missingkey=error");
    const clusterSecrets = bundle
      .byKind("Secret")
      .map((s) => s.object)
      .filter((o) => asObj(asObj(o.metadata).labels)["argocd.argoproj.io/secret-type"] === "cluster");
    const options = { goTemplate, missingKeyError, clusterSecrets };
    const x = expandGenerators(spec.generators, options);
    const g = generateApplications(subject.object, x.sets, options);
    return {
      apps: g.apps,
      skipped: x.skipped,
      errors: [
        ...x.errors,
        ...g.errors.map((e) => ({
          pointer: e.pointer,
          message: `${describeSet(subject, e.set)}: ${e.message}`,
        })),
      ],
      goTemplate,
    };
  });
}

/** `generators[0].matrix.generators[1].list.elements[2] (line 14)` for each origin of a parameter set. */
function describeSet(subject: Subject, set: ParamSet): string {
  const scalars = Object.entries(set.params)
    .filter(([, v]) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${String(v as string)}`)
    .join(", ");
  const where = set.origins
    .map((p) => {
      const [pointer, cluster] = p.split("#");
      const dotted = (pointer ?? "")
        .replace(/^\/spec\//, "")
        .split("/")
        .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), "");
      const line = subject.source?.locate((subject.pointer ?? "") + (pointer ?? "")).line;
      return `${dotted}${cluster ? ` (cluster Secret ${cluster})` : ""}${line !== undefined ? ` (line ${line})` : ""}`;
    })
    .join(" × ");
  return `the Application for {${scalars}} from ${where}`;
}

const PROD = /(^|[^a-z])prod(uction)?([^a-z]|$)/i;
function isProd(g: GeneratedApp): boolean {
  const md = asObj(g.app.metadata);
  const dest = asObj(asObj(g.app.spec).destination);
  const hay = [
    asStr(md.name),
    asStr(dest.namespace),
    asStr(dest.name),
    ...Object.values(g.set.params).filter((v): v is string => typeof v === "string"),
  ].join(" ");
  return PROD.test(hay);
}

function envName(g: GeneratedApp): string {
  const p = g.set.params;
  for (const k of ["env", "environment", "stage", "name", "cluster"])
    if (typeof p[k] === "string") return p[k];
  return asStr(asObj(g.app.metadata).name) ?? "?";
}

/** Every string of a value with its pointer. */
function stringsOf(v: unknown, path = ""): [string, string][] {
  if (typeof v === "string") return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringsOf(x, `${path}/${i}`));
  if (isObj(v)) return Object.entries(v).flatMap(([k, x]) => stringsOf(x, `${path}/${k}`));
  return [];
}

/** The template field a rendered field comes from (same pointer under /spec/template, when it exists). */
function templatePointer(appset: Obj, appPath: string): string {
  const segs = appPath.split("/").filter(Boolean);
  let node: unknown = asObj(appset.spec).template;
  let best = "/spec/template";
  for (const s of segs) {
    if (Array.isArray(node)) node = node[Number(s)];
    else if (isObj(node)) node = node[s];
    else break;
    if (node === undefined) break;
    best += `/${s}`;
  }
  return best;
}

const PLACEHOLDER_HOST =
  /(^|\.)(example\.(com|org|net)|example|your-?domain\.\w+|my-?cluster\.\w+|changeme|placeholder|todo|xxx+|foo\.bar)$/i;
const PLACEHOLDER_TOKEN = /<[a-z][\w-]*>|\bCHANGE_?ME\b|\bREPLACE_?ME\b|\bTODO\b/i;

export const appsetPlaceholders: Template<Record<string, never>> = {
  key: "appset-placeholders",
  description:
    "Every Application an ApplicationSet generates must point at a real cluster and repository, not a placeholder.",
  kinds: ["ApplicationSet"],
  params: z.object({}).strict(),
  messages: {
    placeholder: "{{app}} gets {{what}} `{{value}}`: a placeholder, not a real {{thing}}",
  },
  check({ subject, bundle, report }) {
    const seen = new Set<string>();
    for (const g of review(subject, bundle).apps) {
      const spec = asObj(g.app.spec);
      const fields: [string, string | undefined, string, string][] = [
        [
          "/spec/destination/server",
          asStr(asObj(spec.destination).server),
          "destination server",
          "cluster URL",
        ],
        ["/spec/source/repoURL", asStr(asObj(spec.source).repoURL), "repoURL", "repository"],
      ];
      for (const [path, value, what, thing] of fields) {
        if (!value) continue;
        const host = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(value)?.[1];
        if (!((host && PLACEHOLDER_HOST.test(host)) || PLACEHOLDER_TOKEN.test(value))) continue;
        const key = `${path}\u0000${value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        report({
          messageId: "placeholder",
          data: { app: describeSet(subject, g.set), what, value, thing },
          path: templatePointer(subject.object, path),
        });
      }
    }
  },
};

export const appsetUnrendered: Template<Record<string, never>> = {
  key: "appset-unrendered",
  description:
    "Template variables no generator fills ({{ clustr }}, <no value>) would reach the generated Applications as text.",
  kinds: ["ApplicationSet"],
  params: z.object({}).strict(),
  messages: {
    unrendered: "{{app}} keeps `{{value}}` unrendered: no generator provides `{{name}}`{{hint}}",
    error: "{{message}}",
  },
  check({ subject, bundle, report }) {
    const r = review(subject, bundle);
    for (const e of r.errors)
      report({ messageId: "error", data: { message: e.message }, path: e.pointer.split("#")[0] ?? "" });
    const seen = new Set<string>();
    for (const g of r.apps) {
      const known = Object.keys(r.goTemplate ? g.set.params : flattenKeys(g.set.params));
      for (const [path, value] of stringsOf(g.app)) {
        const m = /\{\{\s*\.?([^}]*?)\s*\}\}|<no value>/.exec(value);
        if (!m) continue;
        const name = m[1] ?? "?";
        const key = `${path}\u0000${name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const guess = didYouMean(name, known);
        report({
          messageId: "unrendered",
          data: {
            app: describeSet(subject, g.set),
            value: value.length > 60 ? `${value.slice(0, 57)}...` : value,
            name: m[0] === "<no value>" ? "a value (Go template printed <no value>)" : name,
            hint: guess ? ` — did you mean \`${guess}\`?` : "",
          },
          path: templatePointer(subject.object, path),
        });
      }
    }
  },
};

function flattenKeys(o: Obj, prefix = "", out: Obj = {}): Obj {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObj(v)) flattenKeys(v, key, out);
    else out[key] = v;
  }
  return out;
}

export const appsetCrossProduct: Template<Record<string, never>> = {
  key: "appset-cross-product",
  description:
    "Generators must not yield two Applications with one name — the sign of an unintended cross product (a matrix of environments × registries); the controller refuses the set.",
  kinds: ["ApplicationSet"],
  params: z.object({}).strict(),
  messages: {
    duplicate:
      "{{count}} generated Applications are named `{{name}}` ({{sets}}): the generators multiply parameters that should belong together (an unintended cross product?) — give each combination its own name, or pair the values in one list element",
  },
  check({ subject, bundle, report }) {
    const byName = new Map<string, GeneratedApp[]>();
    for (const g of review(subject, bundle).apps) {
      const n = asStr(asObj(g.app.metadata).name) ?? "";
      byName.set(n, [...(byName.get(n) ?? []), g]);
    }
    for (const [name, list] of byName)
      if (list.length > 1)
        report({
          messageId: "duplicate",
          data: {
            count: list.length,
            name,
            sets: list
              .map((g) => describeSet(subject, g.set).replace(/^the Application for /, ""))
              .join("; "),
          },
          path: templatePointer(subject.object, "/metadata/name"),
        });
  },
};

/** Registries that serve public images (no credentials, no control over what is pulled). */
const PUBLIC_REGISTRY =
  /^(docker\.io|index\.docker\.io|registry-1\.docker\.io|registry\.hub\.docker\.com|quay\.io|public\.ecr\.aws)$/;
const IMAGE_KEY = /image|registry|repository/i;

/** Registry hosts an Application deploys images from (kustomize images, Helm parameters and values, plugin env, kintent's summary). */
function registriesOf(g: GeneratedApp): { registry: string; path: string }[] {
  const out: { registry: string; path: string }[] = [];
  for (const [path, raw] of stringsOf(g.app)) {
    const segs = path.split("/");
    const last = segs[segs.length - 1] ?? "";
    const parent = asStr(asObj(getAt(g.app, segs.slice(0, -1))).name) ?? "";
    const inImages = /\/kustomize\/images\/\d+$/.test(path);
    if (/pull-?secret/i.test(last) || /pull-?secret/i.test(parent)) continue;
    if (!inImages && !IMAGE_KEY.test(last) && !(last === "value" && IMAGE_KEY.test(parent))) continue;
    const value = raw.replace(/^[^=\s]+=/, "").trim(); // kustomize `name=newName:tag`
    if (!value || /\s/.test(value)) continue;
    const first = value.split("/")[0] ?? "";
    const host =
      value.includes("/") && /[.:]|^localhost$/.test(first)
        ? first.replace(/:\d+$/, "")
        : /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(value)
          ? value
          : /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9._-]+)*(:[\w.-]+)$|^[a-z0-9][a-z0-9._-]*\/[a-z0-9._/-]+$/.test(
                value,
              )
            ? "docker.io"
            : undefined;
    if (host) out.push({ registry: host, path });
  }
  return out;
}

function getAt(v: unknown, segs: string[]): unknown {
  let cur = v;
  for (const s of segs.filter(Boolean))
    cur = Array.isArray(cur) ? cur[Number(s)] : isObj(cur) ? cur[s] : undefined;
  return cur;
}

function mentionsPullSecret(g: GeneratedApp): boolean {
  const hay = [
    ...stringsOf(g.app).map(([p, v]) => `${p}=${v}`),
    ...Object.entries(flattenKeys(g.set.params)).map(([k, v]) => `${k}=${String(v as string)}`),
  ];
  return hay.some((s) => /pull-?secrets?[^=]*=\s*\S/i.test(s));
}

export const appsetRegistries: Template<{ aspect: "public-in-production" | "pull-secrets" }> = {
  key: "appset-registries",
  description:
    "Per environment: production pulls from the organisation's registry, not a public one (aspect public-in-production); a private registry needs pull secrets (aspect pull-secrets).",
  kinds: ["ApplicationSet"],
  params: z.object({ aspect: z.enum(["public-in-production", "pull-secrets"]) }).strict(),
  messages: {
    publicInProd:
      "{{app}} deploys production from the public registry {{registry}}: production images come from the organisation's registry (scanned, pinned, rate-limit free)",
    noPullSecret:
      "{{app}} pulls from the private registry {{registry}} but nothing in it sets image pull secrets: pods fail with ErrImagePull",
  },
  check({ subject, bundle, params, report }) {
    const seen = new Set<string>();
    for (const g of review(subject, bundle).apps) {
      for (const { registry, path } of registriesOf(g)) {
        const at = templatePointer(subject.object, path);
        if (params.aspect === "public-in-production" && PUBLIC_REGISTRY.test(registry) && isProd(g)) {
          const k = `p\u0000${registry}\u0000${asStr(asObj(g.app.metadata).name) ?? ""}`;
          if (!seen.has(k)) {
            seen.add(k);
            report({
              messageId: "publicInProd",
              data: { app: describeSet(subject, g.set), registry },
              path: at,
            });
          }
        }
        if (
          params.aspect === "pull-secrets" &&
          PRIVATE_REGISTRY.some((re) => re.test(registry)) &&
          !mentionsPullSecret(g)
        ) {
          const k = `s\u0000${registry}\u0000${asStr(asObj(g.app.metadata).name) ?? ""}`;
          if (!seen.has(k)) {
            seen.add(k);
            report({
              messageId: "noPullSecret",
              data: { app: describeSet(subject, g.set), registry },
              path: at,
            });
          }
        }
      }
    }
  },
};

export const appsetSync: Template<Record<string, never>> = {
  key: "appset-sync",
  description:
    "Sync policy fits each environment: no automated prune in production, and not one automated policy for dev and production alike.",
  kinds: ["ApplicationSet"],
  params: z.object({}).strict(),
  messages: {
    prune:
      "{{app}} syncs automatically with prune in production: a bad merge deletes live resources without review — use manual sync in production (or drop prune)",
    same: "every environment ({{envs}}) gets the same automated sync policy: production wants manual sync, or at least no prune — set it per environment (a list element field, or templatePatch)",
  },
  check({ subject, bundle, report }) {
    const apps = review(subject, bundle).apps;
    const policy = (g: GeneratedApp) => JSON.stringify(asObj(asObj(g.app.spec).syncPolicy).automated ?? null);
    const prodAuto = apps.filter(
      (g) => isProd(g) && asObj(asObj(g.app.spec).syncPolicy).automated !== undefined,
    );
    for (const g of prodAuto)
      if (asObj(asObj(asObj(g.app.spec).syncPolicy).automated).prune === true) {
        report({
          messageId: "prune",
          data: { app: describeSet(subject, g.set) },
          path: templatePointer(subject.object, "/spec/syncPolicy/automated/prune"),
        });
        break;
      }
    const envs = [...new Set(apps.map(envName))];
    if (prodAuto.length > 0 && apps.some((g) => !isProd(g)) && new Set(apps.map(policy)).size === 1)
      report({
        messageId: "same",
        data: { envs: envs.join(", ") },
        path: templatePointer(subject.object, "/spec/syncPolicy"),
      });
  },
};

export const appsetNamespaces: Template<Record<string, never>> = {
  key: "appset-namespaces",
  description:
    "Generated Applications keep environments apart (one namespace per environment, never two Applications on one destination) and deploy into namespaces that exist or are created.",
  kinds: ["ApplicationSet"],
  params: z.object({}).strict(),
  messages: {
    collide:
      "{{count}} generated Applications deploy into the same destination {{dest}} ({{apps}}): they overwrite each other's resources",
    shared:
      "every environment ({{envs}}) deploys into namespace `{{namespace}}`: the namespace does not tell environments apart — derive it from the environment (e.g. `{{example}}`)",
    missing:
      "namespace `{{namespace}}` is not created (no CreateNamespace=true, no Namespace object): the sync fails until someone creates it by hand",
  },
  check({ subject, bundle, report }) {
    const apps = review(subject, bundle).apps;
    const dest = (g: GeneratedApp) => asObj(asObj(g.app.spec).destination);
    const byDest = new Map<string, GeneratedApp[]>();
    for (const g of apps) {
      const d = dest(g);
      const k = `${asStr(d.server) ?? asStr(d.name) ?? ""} ${asStr(d.namespace) ?? ""}`;
      byDest.set(k, [...(byDest.get(k) ?? []), g]);
    }
    const names = (list: GeneratedApp[]) => new Set(list.map((g) => asStr(asObj(g.app.metadata).name)));
    for (const [k, list] of byDest)
      if (names(list).size > 1)
        report({
          messageId: "collide",
          data: { count: names(list).size, dest: k.trim(), apps: [...names(list)].join(", ") },
          path: templatePointer(subject.object, "/spec/destination/namespace"),
        });
    const envs = [...new Set(apps.map(envName))];
    const namespaces = new Set(apps.map((g) => asStr(dest(g).namespace) ?? ""));
    const ns = [...namespaces][0];
    if (envs.length > 1 && namespaces.size === 1 && ns)
      report({
        messageId: "shared",
        data: { envs: envs.join(", "), namespace: ns, example: `${ns}-{{env}}` },
        path: templatePointer(subject.object, "/spec/destination/namespace"),
      });
    const reported = new Set<string>();
    for (const g of apps) {
      const n = asStr(dest(g).namespace);
      if (!n || reported.has(n)) continue;
      const opts = asArr(asObj(asObj(g.app.spec).syncPolicy).syncOptions).map(String);
      if (opts.includes("CreateNamespace=true")) continue;
      if (bundle.find("Namespace", n, undefined)) continue;
      reported.add(n);
      report({
        messageId: "missing",
        data: { namespace: n },
        path: templatePointer(subject.object, "/spec/destination/namespace"),
      });
    }
  },
};

export const appsetOffline: Template<Record<string, never>> = {
  key: "appset-offline",
  description:
    "Generators that need a live repository or cluster are not expanded offline; the review says so.",
  kinds: ["ApplicationSet"],
  params: z.object({}).strict(),
  messages: { skipped: "not reviewed offline: {{why}}" },
  check({ subject, bundle, report }) {
    if (kindOf(subject.object) !== "ApplicationSet") return;
    for (const s of review(subject, bundle).skipped)
      report({ messageId: "skipped", data: { why: s.why }, path: s.pointer });
  },
};
