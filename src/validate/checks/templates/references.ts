/**
 * Cross-resource checks the API server or the kubelet would catch only at run time (issue 16): keys of
 * ConfigMaps and Secrets that do not exist, ServiceAccounts that do not exist, workload selectors that do not
 * match their template's labels, probes on ports no container exposes, NetworkPolicy peers that select nothing.
 */
import * as z from "zod";
import type { Template } from "../types.js";
import {
  asArr,
  asObj,
  asStr,
  containersOf,
  isObj,
  kindOf,
  mapSelectorMatches,
  podSpecOf,
  selectorMatches,
} from "../../objects.js";
import { didYouMean, didYouMeanName } from "../../../core/suggest.js";
import { matchingPods } from "./graph.js";

const none = z.object({}).strict();

const hint = (g: string | undefined) => (g ? ` — did you mean \`${g}\`?` : "");

export const missingKeys: Template<Record<string, never>> = {
  key: "missing-key",
  description:
    "Flags keys of ConfigMaps and Secrets in the bundle that a pod references (env valueFrom, volume items) but that do not exist.",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    missing: "{{kind}} `{{name}}` has no key `{{key}}` ({{via}}){{hint}}: {{consequence}}",
  },
  check({ subject, object, bundle, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    const ns = bundle.namespaceOf(subject);
    const keysOf = (kind: "ConfigMap" | "Secret", name: string): string[] | undefined => {
      const s = bundle.find(kind, name, ns);
      if (!s) return undefined;
      return ["data", "stringData", "binaryData"].flatMap((f) => Object.keys(asObj(s.object[f])));
    };
    const test = (
      kind: "ConfigMap" | "Secret",
      name: unknown,
      key: unknown,
      optional: unknown,
      path: string,
      via: string,
    ) => {
      if (typeof name !== "string" || typeof key !== "string" || optional === true) return;
      const keys = keysOf(kind, name);
      if (!keys || keys.includes(key)) return;
      report({
        messageId: "missing",
        data: {
          kind,
          name,
          key,
          via,
          hint: hint(didYouMean(key, keys)),
          consequence:
            via === "env"
              ? "the container fails to start (CreateContainerConfigError)"
              : "the pod stays in ContainerCreating",
        },
        path,
      });
    };
    for (const c of containersOf(pod)) {
      asArr(c.container.env).forEach((e, i) => {
        const from = asObj(asObj(e).valueFrom);
        const cm = asObj(from.configMapKeyRef);
        const sec = asObj(from.secretKeyRef);
        if (isObj(from.configMapKeyRef))
          test(
            "ConfigMap",
            cm.name,
            cm.key,
            cm.optional,
            `${c.path}/env/${i}/valueFrom/configMapKeyRef/key`,
            "env",
          );
        if (isObj(from.secretKeyRef))
          test(
            "Secret",
            sec.name,
            sec.key,
            sec.optional,
            `${c.path}/env/${i}/valueFrom/secretKeyRef/key`,
            "env",
          );
      });
    }
    asArr(pod.spec.volumes).forEach((v, i) => {
      const vol = asObj(v);
      const cm = asObj(vol.configMap);
      const sec = asObj(vol.secret);
      asArr(cm.items).forEach((it, j) =>
        test(
          "ConfigMap",
          cm.name,
          asObj(it).key,
          cm.optional,
          `${pod.path}/volumes/${i}/configMap/items/${j}/key`,
          "volume",
        ),
      );
      asArr(sec.items).forEach((it, j) =>
        test(
          "Secret",
          sec.secretName,
          asObj(it).key,
          sec.optional,
          `${pod.path}/volumes/${i}/secret/items/${j}/key`,
          "volume",
        ),
      );
    });
  },
};

export const serviceAccountExists: Template<Record<string, never>> = {
  key: "service-account-exists",
  description: "Flags pods that run as a ServiceAccount that is neither in the bundle nor declared external.",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    missing:
      "ServiceAccount `{{name}}` is not in the bundle{{hint}}: the controller cannot create pods (serviceaccount not found)",
  },
  check({ subject, object, bundle, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    const name = asStr(pod.spec.serviceAccountName) ?? asStr(pod.spec.serviceAccount);
    if (!name || name === "default") return;
    const ns = bundle.namespaceOf(subject);
    if (bundle.find("ServiceAccount", name, ns)) return;
    // Only when the bundle is an app's whole set (it has ServiceAccounts or the namespace's other objects), and not declared external.
    const external = bundle.context.external as { serviceAccounts?: string[] } | undefined;
    if (external?.serviceAccounts?.includes(name)) return;
    if (bundle.byKind("ServiceAccount").length === 0) return;
    const names = bundle
      .byKind("ServiceAccount")
      .filter((s) => bundle.namespaceOf(s) === ns)
      .map((s) => s.ref.name);
    report({
      messageId: "missing",
      data: { name, hint: hint(didYouMeanName(name, names)) },
      path: `${pod.path}/${pod.spec.serviceAccountName !== undefined ? "serviceAccountName" : "serviceAccount"}`,
    });
  },
};

/** Kinds whose `spec.selector` is a LabelSelector; ReplicationController and DeploymentConfig use a plain map. */
const LABEL_SELECTOR_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout"];
const MAP_SELECTOR_KINDS = ["ReplicationController", "DeploymentConfig"];
const SELECTOR_KINDS = [...LABEL_SELECTOR_KINDS, ...MAP_SELECTOR_KINDS];

export const selectorMatchesTemplate: Template<Record<string, never>> = {
  key: "selector-matches-template",
  description:
    "A workload's selector must match its pod template's labels; the API server rejects it otherwise.",
  kinds: SELECTOR_KINDS,
  params: none,
  messages: {
    mismatch:
      "spec.selector does not match the pod template's labels ({{labels}}): the API server rejects the {{kind}} (`selector` does not match template `labels`)",
  },
  check({ object, report }) {
    if (!SELECTOR_KINDS.includes(kindOf(object))) return;
    const pod = podSpecOf(object);
    const selector = asObj(asObj(object.spec).selector);
    if (!pod || Object.keys(selector).length === 0) return; // an empty map selector defaults to the labels
    if (MAP_SELECTOR_KINDS.includes(kindOf(object))) {
      if (mapSelectorMatches(selector, pod.templateLabels)) return;
    } else {
      if (!isObj(selector.matchLabels) && !Array.isArray(selector.matchExpressions)) return;
      if (selectorMatches(selector, pod.templateLabels)) return;
    }
    const labels = Object.entries(pod.templateLabels)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(", ");
    report({
      messageId: "mismatch",
      data: { labels: labels || "none", kind: kindOf(object) },
      path: "/spec/selector",
    });
  },
};

export const probePorts: Template<Record<string, never>> = {
  key: "probe-ports",
  description:
    "Probes must target a port the container exposes: a named port that does not exist fails every probe.",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    named:
      "{{probe}} of container `{{container}}` uses port `{{port}}`, which the container does not define{{hint}}: the probe fails and the pod {{consequence}}",
    number:
      "{{probe}} of container `{{container}}` checks port {{port}}, which the container does not expose (it exposes {{ports}})",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod, ["containers"])) {
      const ports = asArr(c.container.ports).map(asObj);
      const names = ports.map((p) => asStr(p.name)).filter((n): n is string => n !== undefined);
      const numbers = ports.map((p) => p.containerPort).filter((n): n is number => typeof n === "number");
      for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
        const pr = asObj(c.container[probe]);
        for (const action of ["httpGet", "tcpSocket", "grpc"]) {
          if (!isObj(pr[action])) continue;
          const port = asObj(pr[action]).port;
          const path = `${c.path}/${probe}/${action}/port`;
          const consequence =
            probe === "livenessProbe"
              ? "restarts forever"
              : probe === "startupProbe"
                ? "never starts"
                : "never becomes ready";
          if (typeof port === "string" && !/^\d+$/.test(port) && !names.includes(port))
            report({
              messageId: "named",
              data: { probe, container: c.name, port, hint: hint(didYouMean(port, names)), consequence },
              path,
            });
          else if (typeof port === "number" && numbers.length > 0 && !numbers.includes(port))
            report({
              messageId: "number",
              data: { probe, container: c.name, port, ports: numbers.join(", ") },
              path,
            });
        }
      }
    }
  },
};

/** A selector (matchLabels only) naming exactly a label set the context declares to live outside the bundle. */
function declaredOutside(pods: readonly Record<string, string>[], sel: Record<string, unknown>): boolean {
  if (sel.matchExpressions !== undefined) return false;
  const ml = asObj(sel.matchLabels);
  const key = (o: Record<string, unknown>) =>
    JSON.stringify(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  return pods.some((p) => key(p) === key(ml));
}

export const networkPolicyPeers: Template<Record<string, never>> = {
  key: "network-policy-peers",
  description:
    "Flags NetworkPolicy peers (same-namespace podSelectors) that select no pods in the bundle: the rule allows nothing.",
  kinds: ["NetworkPolicy"],
  params: none,
  messages: {
    nothing:
      "{{direction}} peer podSelector {{selector}} selects no pods in namespace {{namespace}}: the rule allows nothing{{hint}}",
  },
  check({ subject, object, bundle, report }) {
    const ns = bundle.namespaceOf(subject);
    if (matchingPods(bundle, ns, {}, "labelSelector").length === 0) return; // no pods here: nothing to compare with
    const spec = asObj(object.spec);
    for (const [dir, list, key] of [
      ["ingress", spec.ingress, "from"],
      ["egress", spec.egress, "to"],
    ] as const) {
      asArr(list).forEach((rule, i) => {
        asArr(asObj(rule)[key]).forEach((peer, j) => {
          const p = asObj(peer);
          if (p.namespaceSelector !== undefined || p.ipBlock !== undefined || !isObj(p.podSelector)) return;
          const sel = p.podSelector;
          if (Object.keys(sel).length === 0) return;
          if (matchingPods(bundle, ns, sel, "labelSelector").length > 0) return;
          const ml = asObj(sel.matchLabels);
          if (declaredOutside(bundle.context.external?.pods ?? [], sel)) return;
          const values = matchingPods(bundle, ns, {}, "labelSelector").flatMap((x) =>
            Object.values(x.labels),
          );
          const wanted = Object.values(ml).find((v): v is string => typeof v === "string");
          const guess = wanted !== undefined ? didYouMeanName(wanted, [...new Set(values)]) : undefined;
          report({
            messageId: "nothing",
            data: {
              direction: dir,
              selector: JSON.stringify(sel),
              namespace: ns,
              hint: guess ? ` — did you mean \`${guess}\`?` : "",
            },
            path: `/spec/${dir}/${i}/${key}/${j}/podSelector`,
          });
        });
      });
    }
  },
};
