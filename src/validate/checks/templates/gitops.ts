/**
 * The GitOps review checklist (the brief's last scenario): what a reviewer of generated Argo CD config looks for.
 */
import * as z from "zod";
import type { Template } from "../types.js";
import {
  asArr,
  asObj,
  asStr,
  containersOf,
  imageParts,
  kindOf,
  labelsOf,
  podSpecOf,
  stringsWhere,
} from "../../objects.js";
import { isProduction } from "./reliability.js";
import { matchRegistry } from "../../../core/image.js";

/** Hosts and URLs that are placeholders, never real infrastructure. */
const PLACEHOLDER_HOST =
  /(^|\.)(example\.(com|org|net)|example|your-?domain\.\w+|my-?cluster\.\w+|changeme|placeholder|todo|xxx+|foo\.bar)$/i;
const PLACEHOLDER_TOKEN = /<[a-z][\w-]*>|\bCHANGE_?ME\b|\bREPLACE_?ME\b|\bTODO\b|\{\{\s*cluster\s*\}\}/i;

function hostOf(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(url);
  return m?.[1];
}

export const placeholders: Template<Record<string, never>> = {
  key: "placeholders",
  description:
    "Flags placeholder cluster URLs, hosts and images (example.com, <cluster>, CHANGEME) in places that must be real.",
  kinds: [
    "Application",
    "ApplicationSet",
    "Ingress",
    "HTTPRoute",
    "IngressRoute",
    "Certificate",
    "DeploymentLike",
  ],
  params: z.object({}).strict(),
  messages: { placeholder: "{{what}} `{{value}}` is a placeholder, not a real {{thing}}" },
  check({ object, report }) {
    const kind = kindOf(object);
    const spec = asObj(object.spec);
    const test = (value: string | undefined, path: string, what: string, thing: string, isUrl: boolean) => {
      if (!value) return;
      const host = isUrl ? hostOf(value) : value;
      if ((host && PLACEHOLDER_HOST.test(host)) || PLACEHOLDER_TOKEN.test(value))
        report({ messageId: "placeholder", data: { what, value, thing }, path });
    };
    if (kind === "Application") {
      test(
        asStr(asObj(spec.destination).server),
        "/spec/destination/server",
        "destination server",
        "cluster URL",
        true,
      );
      test(asStr(asObj(spec.source).repoURL), "/spec/source/repoURL", "repoURL", "repository", true);
    } else if (kind === "ApplicationSet") {
      asArr(
        asObj(
          asArr(spec.generators)
            .map(asObj)
            .find((g) => g.list)?.list,
        ).elements,
      ).forEach((e, i) => {
        for (const [k, v] of Object.entries(asObj(e))) {
          if (typeof v === "string" && /url|server|cluster/i.test(k))
            test(v, `/spec/generators/0/list/elements/${i}/${k}`, k, "cluster URL", /^https?:/.test(v));
        }
      });
      test(
        asStr(asObj(asObj(asObj(spec.template).spec).destination).server),
        "/spec/template/spec/destination/server",
        "destination server",
        "cluster URL",
        true,
      );
    } else if (kind === "Ingress") {
      asArr(spec.rules).forEach((r, i) =>
        test(asStr(asObj(r).host), `/spec/rules/${i}/host`, "host", "host name", false),
      );
    } else if (kind === "HTTPRoute") {
      asArr(spec.hostnames).forEach((h, i) =>
        test(asStr(h), `/spec/hostnames/${i}`, "hostname", "host name", false),
      );
    } else if (kind === "IngressRoute") {
      asArr(spec.routes).forEach((r, i) => {
        const m = asStr(asObj(r).match) ?? "";
        for (const h of m.matchAll(/Host\(`([^`]+)`\)/g))
          test(h[1], `/spec/routes/${i}/match`, "host", "host name", false);
      });
    } else if (kind === "Certificate") {
      asArr(spec.dnsNames).forEach((h, i) =>
        test(asStr(h), `/spec/dnsNames/${i}`, "dnsName", "host name", false),
      );
    } else {
      const pod = podSpecOf(object);
      if (!pod) return;
      for (const c of containersOf(pod)) {
        const image = asStr(c.container.image);
        if (!image) continue;
        const reg = imageParts(image).registry;
        if ((reg && PLACEHOLDER_HOST.test(reg.replace(/:\d+$/, ""))) || PLACEHOLDER_TOKEN.test(image))
          report({
            messageId: "placeholder",
            data: { what: "image", value: image, thing: "image reference" },
            path: `${c.path}/image`,
          });
      }
    }
  },
};

/** Kinds whose strings legitimately hold template syntax for their own controller to expand. */
const TEMPLATING_KINDS = [
  "AnalysisTemplate",
  "ClusterAnalysisTemplate",
  "AnalysisRun",
  "ApplicationSet",
  "PrometheusRule",
  "ClusterPolicy",
  "Policy",
  "WorkflowTemplate",
  "ClusterWorkflowTemplate",
  "Workflow",
  "CronWorkflow",
  "ValidatingAdmissionPolicy",
  "ConfigManagementPlugin",
  "CustomResourceDefinition",
];
const UNRENDERED = /\{\{[^}]*\}\}|\$\{[^}]*\}/;

export const unrendered: Template<{ ignoreKinds: string[] }> = {
  key: "unrendered-templates",
  description:
    "Flags unrendered template variables ({{ … }}, ${…}) left in manifests, outside file contents, scripts and kinds that template on purpose.",
  kinds: ["Any"],
  params: z.object({ ignoreKinds: z.array(z.string()) }).strict(),
  messages: {
    unrendered:
      "unrendered template variable in `{{value}}`: the renderer that should have filled it never ran",
  },
  check({ object, params, report }) {
    const kind = kindOf(object);
    if (TEMPLATING_KINDS.includes(kind) || params.ignoreKinds.includes(kind)) return;
    for (const [path, value] of stringsWhere(object, (v) => UNRENDERED.test(v))) {
      // File contents, container scripts, and annotations (often templates for other tools) are data.
      if (/^\/(data|stringData|binaryData)\//.test(path)) continue;
      if (/\/(command|args)\/\d+$/.test(path)) continue;
      if (/^\/metadata\/annotations\//.test(path)) continue;
      if (/\/description$/.test(path)) continue;
      report({
        messageId: "unrendered",
        data: { value: value.length > 80 ? `${value.slice(0, 77)}...` : value },
        path,
      });
    }
  },
};

/** Registries that always need credentials (cloud registries, GitLab's). */
export const PRIVATE_REGISTRY = [
  /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/,
  /-docker\.pkg\.dev$/,
  /^gcr\.io$|\.gcr\.io$/,
  /\.azurecr\.io$/,
  /\.ocir\.io$/,
  /^registry\.gitlab\.com$/,
];

export const privateRegistryPullSecret: Template<{ registries: string[] }> = {
  key: "private-registry-pull-secret",
  description:
    "Images from private registries need an imagePullSecret on the pod or its ServiceAccount — unless the platform says the registry authenticates otherwise (node role, workload identity).",
  kinds: ["DeploymentLike"],
  params: z.object({ registries: z.array(z.string()) }).strict(),
  messages: {
    noSecret:
      "container `{{container}}` pulls from private registry {{registry}} but the pod has no imagePullSecrets (nor does ServiceAccount `{{sa}}`); if its nodes or its ServiceAccount pull with a cloud identity instead, say so in the platform's `registries` (auth: node-role or workload-identity)",
  },
  check({ subject, object, bundle, params, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    if (asArr(pod.spec.imagePullSecrets).length > 0) return;
    const saName = asStr(pod.spec.serviceAccountName) ?? "default";
    const sa = bundle.find("ServiceAccount", saName, bundle.namespaceOf(subject));
    if (sa && asArr(sa.object.imagePullSecrets).length > 0) return;
    const extra = [...params.registries, ...(bundle.context.privateRegistries ?? [])];
    const auth = bundle.context.registryAuth ?? {};
    for (const c of containersOf(pod)) {
      const image = asStr(c.container.image) ?? "";
      // The platform's word on how this registry authenticates comes first.
      const key = matchRegistry(image, Object.keys(auth));
      const method = key !== undefined ? auth[key] : undefined;
      if (method !== undefined && method !== "pull-secret") continue;
      const reg = imageParts(image).registry;
      if (
        method === "pull-secret" ||
        (reg !== undefined &&
          (PRIVATE_REGISTRY.some((re) => re.test(reg)) ||
            extra.some((r) => reg === r || reg.endsWith(`.${r}`))))
      ) {
        report({
          messageId: "noSecret",
          data: { container: c.name, registry: reg ?? key ?? "docker.io", sa: saName },
          path: `${c.path}/image`,
        });
      }
    }
  },
};

function looksProduction(o: Record<string, unknown>): boolean {
  const m = asObj(o.metadata);
  const spec = asObj(o.spec);
  const hay = [
    asStr(m.name),
    asStr(asObj(spec.destination).namespace),
    asStr(asObj(spec.destination).name),
    asStr(asObj(spec.destination).server),
    ...Object.values(labelsOf(o)),
  ]
    .filter(Boolean)
    .join(" ");
  return /(^|[^a-z])prod(uction)?([^a-z]|$)/i.test(hay);
}

export const productionSync: Template<Record<string, never>> = {
  key: "production-sync",
  description:
    "Automated sync with prune in a production Application deletes live resources on any bad merge; production wants manual sync or at least no prune.",
  kinds: ["Application"],
  params: z.object({}).strict(),
  messages: {
    prune:
      "production Application `{{name}}` syncs automatically with prune: a bad merge deletes live resources without review — use manual sync (or drop prune)",
  },
  check({ subject, object, bundle, report }) {
    const auto = asObj(asObj(asObj(object.spec).syncPolicy).automated);
    if (!asObj(asObj(object.spec).syncPolicy).automated || auto.prune !== true) return;
    const prod =
      bundle.context.tier !== undefined
        ? bundle.context.tier === "production" || bundle.context.environment === "prod"
        : looksProduction(object) || isProduction(subject, bundle);
    if (prod)
      report({
        messageId: "prune",
        data: { name: subject.ref.name },
        path: "/spec/syncPolicy/automated/prune",
      });
  },
};

export const namespaceAlignment: Template<Record<string, never>> = {
  key: "namespace-alignment",
  description:
    "Namespaced objects of one app should agree on their namespace; objects referencing each other must share it.",
  kinds: [
    "DeploymentLike",
    "Service",
    "Ingress",
    "HTTPRoute",
    "IngressRoute",
    "ConfigMap",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
  ],
  params: z.object({}).strict(),
  messages: {
    mismatch:
      "{{kind}} `{{name}}` is in namespace {{namespace}}, but the other objects of app {{app}} are in {{others}}",
  },
  check({ subject, object, bundle, report }) {
    const appOf = (o: Record<string, unknown>) =>
      labelsOf(o)["app.kubernetes.io/instance"] ?? labelsOf(o)["app.kubernetes.io/name"];
    const app = appOf(object);
    if (!app) return;
    const ns = bundle.namespaceOf(subject);
    const groups = bundle.memo("app-groups", () => {
      const m = new Map<string, (typeof bundle.subjects)[number][]>();
      for (const s of bundle.subjects) {
        const a = appOf(s.object);
        if (
          !a ||
          ["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"].includes(
            kindOf(s.object),
          )
        )
          continue;
        const list = m.get(a) ?? [];
        list.push(s);
        m.set(a, list);
      }
      return m;
    });
    const siblings = (groups.get(app) ?? []).filter((s) => s !== subject);
    if (siblings.length === 0) return;
    const counts = new Map<string, number>([[ns, 1]]);
    for (const s of siblings) counts.set(bundle.namespaceOf(s), (counts.get(bundle.namespaceOf(s)) ?? 0) + 1);
    // Only the minority is out of place; a tie says nothing about which side is wrong.
    const mine = counts.get(ns) ?? 0;
    const most = Math.max(...counts.values());
    if (mine >= most) return;
    counts.delete(ns);
    report({
      messageId: "mismatch",
      data: {
        kind: kindOf(object),
        name: subject.ref.name,
        namespace: ns,
        app,
        others: [...counts.keys()].sort().join(", "),
      },
      path: "/metadata/namespace",
    });
  },
};
