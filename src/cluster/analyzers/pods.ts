/**
 * Pod failures, read the way kubelet and the scheduler report them: container states and last terminations
 * (status), and the events kubelet records (Failed, BackOff, FailedMount, Unhealthy, Killing) and the
 * scheduler's FailedScheduling. Messages are matched on the text kubelet writes (pkg/kubelet/images,
 * kuberuntime, prober, volume manager) and the container runtimes' pull errors.
 */
import type { LiveObject } from "../client.js";
import type { AnalyzerDefinition, Diagnosis, DidYouMean, FieldEvidence } from "../diagnosis.js";
import {
  closestName,
  eventsOf,
  fingerprintOf,
  groupDiagnoses,
  isRecord,
  ownerOf,
  refOfLive,
} from "../diagnosis.js";
import type { Snapshot } from "../snapshot.js";
import { didYouMean } from "../../core/suggest.js";

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    reason?: string;
    exitCode?: number;
    message?: string;
    finishedAt?: string;
    startedAt?: string;
  };
}
interface ContainerStatus {
  name: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  started?: boolean;
  state?: ContainerState;
  lastState?: ContainerState;
}
interface Container {
  name: string;
  image?: string;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  env?: {
    name: string;
    valueFrom?: {
      configMapKeyRef?: { name: string; key: string };
      secretKeyRef?: { name: string; key: string };
    };
  }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  nodeSelector?: Record<string, string>;
  volumes?: {
    name: string;
    configMap?: { name: string; optional?: boolean };
    secret?: { secretName: string; optional?: boolean };
    persistentVolumeClaim?: { claimName: string };
  }[];
  tolerations?: unknown[];
  affinity?: unknown;
}
interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

const spec = (p: LiveObject) => (p.spec ?? {}) as PodSpec;
const status = (p: LiveObject) =>
  (p.status ?? {}) as {
    phase?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };

function allStatuses(p: LiveObject): { s: ContainerStatus; path: string }[] {
  const st = status(p);
  return [
    ...(st.initContainerStatuses ?? []).map((s) => ({ s, path: `status.initContainerStatuses[${s.name}]` })),
    ...(st.containerStatuses ?? []).map((s) => ({ s, path: `status.containerStatuses[${s.name}]` })),
  ];
}

function containerOf(p: LiveObject, name: string): Container | undefined {
  const sp = spec(p);
  return [...(sp.initContainers ?? []), ...(sp.containers ?? [])].find((c) => c.name === name);
}

function base(
  snapshot: Snapshot,
  p: LiveObject,
  analyzer: string,
  variant: string,
  container: string | undefined,
  detail: string | undefined,
): Pick<
  Diagnosis,
  "analyzer" | "variant" | "severity" | "object" | "objects" | "fingerprint" | "owner" | "container"
> {
  const owner = ownerOf(snapshot, p);
  const ref = refOfLive(p);
  return {
    analyzer,
    variant,
    severity: "error",
    object: ref,
    objects: [ref],
    ...(owner ? { owner } : {}),
    ...(container ? { container } : {}),
    fingerprint: fingerprintOf([
      analyzer,
      variant,
      p.metadata.namespace,
      owner ? `${owner.kind}/${owner.name}` : `Pod/${p.metadata.name}`,
      container,
      detail,
    ]),
  };
}

function imageParts(image: string): { repository: string; tag?: string; digest?: string } {
  const at = image.indexOf("@");
  if (at >= 0) return { repository: image.slice(0, at), digest: image.slice(at + 1) };
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  if (colon > slash) return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repository: image };
}

/** Which kind of pull failure the runtime's message says. Order matters: "pull access denied, repository does not exist" is about credentials. */
export function pullFailureKind(message: string): "unauthorized" | "unreachable" | "not-found" | "unknown" {
  if (
    /unauthori[sz]ed|\b401\b|\b403\b|access denied|authorization failed|authentication required|forbidden|denied:/i.test(
      message,
    )
  )
    return "unauthorized";
  if (
    /no such host|dial tcp|i\/o timeout|connection refused|TLS handshake timeout|network is unreachable|registry is unavailable|context deadline exceeded|server misbehaving/i.test(
      message,
    )
  )
    return "unreachable";
  if (/not found|manifest unknown|NotFound|MANIFEST_UNKNOWN|name unknown|does not exist/i.test(message))
    return "not-found";
  return "unknown";
}

const PULL_REASONS = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);

const imagePull: AnalyzerDefinition = {
  id: "image-pull",
  title: "Image cannot be pulled",
  description:
    "A container waits in ErrImagePull/ImagePullBackOff: the tag does not exist (not-found), the registry refuses the credentials (unauthorized), or the registry cannot be reached (unreachable), as the runtime's pull error says.",
  remediation:
    "not-found: deploy a tag that exists (kintent proposes the previous tag of the intent's history); unauthorized: add or fix the pull secret (platform `pullSecret`); unreachable: check the registry host and the cluster's DNS/egress.",
  kinds: ["Pod", "Event"],
  staticCounterpart:
    "the image reference differs from the one that failed to pull; `private-registry-pull-secret` for credentials",
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const p of snapshot.list("Pod")) {
      for (const { s, path } of allStatuses(p)) {
        const reason = s.state?.waiting?.reason;
        if (!reason || !PULL_REASONS.has(reason)) continue;
        const image = containerOf(p, s.name)?.image ?? s.image ?? "";
        const events = eventsOf(
          snapshot,
          p,
          (e) =>
            (e.reason === "Failed" && /image|pull/i.test(e.message)) ||
            (e.reason === "BackOff" && /pulling image/i.test(e.message)) ||
            e.reason === "InspectFailed" ||
            e.reason === "ErrImageNeverPull",
        );
        const pullError =
          events.find((e) => /^Failed to pull image/.test(e.message))?.message ??
          (reason === "ErrImagePull" ? (s.state?.waiting?.message ?? "") : "");
        const text = pullError || s.state?.waiting?.message || "";
        const variant =
          reason === "InvalidImageName"
            ? "invalid-name"
            : reason === "ErrImageNeverPull"
              ? "never-pull"
              : pullFailureKind(text);
        const parts = imageParts(image);
        const cause =
          variant === "not-found"
            ? `The image ${image} does not exist in the registry${parts.tag ? ` (no tag \`${parts.tag}\` in ${parts.repository})` : ""}, so container ${s.name} never starts.`
            : variant === "unauthorized"
              ? `The registry refuses to serve ${image} to this cluster: the pull needs credentials (an imagePullSecret) that the pod does not have or that are wrong.`
              : variant === "unreachable"
                ? `The registry of ${image} cannot be reached from the node (DNS or network), so container ${s.name} never starts.`
                : variant === "invalid-name"
                  ? `The image reference ${image} is not a valid image name.`
                  : variant === "never-pull"
                    ? `The image ${image} is not on the node and imagePullPolicy is Never.`
                    : `Container ${s.name} cannot pull ${image}: ${text || reason}.`;
        out.push({
          ...base(snapshot, p, "image-pull", variant, s.name, image),
          cause,
          fields: [{ object: refOfLive(p), path: `${path}.state.waiting`, value: s.state?.waiting }],
          events,
          facts: {
            image,
            repository: parts.repository,
            ...(parts.tag ? { tag: parts.tag } : {}),
            ...(text ? { error: text } : {}),
          },
        });
      }
    }
    return groupDiagnoses(out);
  },
};

function restarts(s: ContainerStatus): number {
  return s.restartCount ?? 0;
}

const oomKilled: AnalyzerDefinition = {
  id: "oom-killed",
  title: "Container killed for exceeding its memory limit",
  description:
    "A container's last termination (or current one) is OOMKilled, exit code 137: it used more memory than its limit. Reported with the limit it hit.",
  remediation:
    "Raise the memory limit (and request) above what the process needs — kintent proposes `resources` with the next size up — or fix the leak.",
  kinds: ["Pod"],
  staticCounterpart: "the memory limit of the built Deployment is above the limit that was hit",
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const p of snapshot.list("Pod")) {
      for (const { s, path } of allStatuses(p)) {
        const last = s.lastState?.terminated;
        const now = s.state?.terminated;
        const t = now?.reason === "OOMKilled" ? now : last?.reason === "OOMKilled" ? last : undefined;
        if (!t) continue;
        const c = containerOf(p, s.name);
        const limit = c?.resources?.limits?.memory;
        const request = c?.resources?.requests?.memory;
        out.push({
          ...base(snapshot, p, "oom-killed", "limit", s.name, limit),
          cause: `Container ${s.name} was killed for using more memory than its limit${limit ? ` of ${limit}` : " (no limit set: the node ran out of memory)"} (exit code ${t.exitCode ?? 137}); it has restarted ${restarts(s)} time(s).`,
          fields: [
            {
              object: refOfLive(p),
              path: `${path}.${t === now ? "state" : "lastState"}.terminated`,
              value: t,
            },
            { object: refOfLive(p), path: `${path}.restartCount`, value: restarts(s) },
            ...(s.state?.waiting
              ? [{ object: refOfLive(p), path: `${path}.state.waiting`, value: s.state.waiting }]
              : []),
            { object: refOfLive(p), path: `spec.containers[${s.name}].resources`, value: c?.resources ?? {} },
          ],
          events: eventsOf(
            snapshot,
            p,
            (e) => e.reason === "BackOff" || e.reason === "OOMKilling" || e.reason === "Killing",
          ),
          facts: {
            ...(limit ? { memoryLimit: limit } : {}),
            ...(request ? { memoryRequest: request } : {}),
            restarts: restarts(s),
          },
        });
      }
    }
    return groupDiagnoses(out);
  },
};

const crashLoop: AnalyzerDefinition = {
  id: "crash-loop",
  title: "Container crash-looping",
  description:
    "A container waits in CrashLoopBackOff: it keeps exiting and kubelet backs off restarting it. Reported with its last termination reason and exit code (OOMKilled is its own analyzer).",
  remediation:
    "Read the container's logs (`kubectl logs --previous`); fix the command, configuration or dependency that makes it exit.",
  kinds: ["Pod", "Event"],
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const p of snapshot.list("Pod")) {
      for (const { s, path } of allStatuses(p)) {
        if (s.state?.waiting?.reason !== "CrashLoopBackOff") continue;
        const last = s.lastState?.terminated;
        if (last?.reason === "OOMKilled") continue;
        const code = last?.exitCode;
        out.push({
          ...base(snapshot, p, "crash-loop", last?.reason ?? "unknown", s.name, String(code ?? "")),
          cause: `Container ${s.name} keeps exiting${last ? ` (last: ${last.reason ?? "terminated"}, exit code ${code ?? "?"}${last.message ? `: ${last.message.trim().split("\n")[0]}` : ""})` : ""} and has restarted ${restarts(s)} time(s).`,
          fields: [
            { object: refOfLive(p), path: `${path}.state.waiting`, value: s.state.waiting },
            ...(last ? [{ object: refOfLive(p), path: `${path}.lastState.terminated`, value: last }] : []),
            { object: refOfLive(p), path: `${path}.restartCount`, value: restarts(s) },
          ],
          events: eventsOf(
            snapshot,
            p,
            (e) =>
              e.reason === "BackOff" ||
              e.reason === "Killing" ||
              (e.reason === "Failed" && !/pull/i.test(e.message)),
          ),
          facts: {
            ...(code !== undefined ? { exitCode: code } : {}),
            ...(last?.reason ? { reason: last.reason } : {}),
            restarts: restarts(s),
          },
        });
      }
    }
    return groupDiagnoses(out);
  },
};

interface Dangling {
  kind: "ConfigMap" | "Secret" | "PersistentVolumeClaim";
  name: string;
  key?: string;
}

/** `configmap "x" not found`, `secret "x" not found`, `couldn't find key K in ConfigMap ns/x`, `persistentvolumeclaim "x" not found`. */
export function danglingFrom(message: string): Dangling | undefined {
  const nf = /\b(configmaps?|secrets?|persistentvolumeclaims?)\s+"([^"]+)"\s+not found/i.exec(message);
  if (nf?.[1] && nf[2]) {
    const k = nf[1].toLowerCase();
    return {
      kind: k.startsWith("configmap")
        ? "ConfigMap"
        : k.startsWith("secret")
          ? "Secret"
          : "PersistentVolumeClaim",
      name: nf[2],
    };
  }
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) [^/\s]+\/(\S+)/.exec(message);
  if (key?.[1] && key[2] && key[3])
    return { kind: key[2] as "ConfigMap" | "Secret", name: key[3], key: key[1] };
  return undefined;
}

function suggestFor(snapshot: Snapshot, namespace: string | undefined, d: Dangling): DidYouMean {
  if (d.key !== undefined) {
    const obj = snapshot.find(d.kind, namespace, d.name);
    const keys = obj
      ? [
          ...Object.keys(isRecord(obj.data) ? obj.data : {}),
          ...Object.keys(isRecord(obj.binaryData) ? obj.binaryData : {}),
        ]
      : [];
    const candidate = didYouMean(d.key, keys);
    return {
      kind: d.kind,
      ...(namespace ? { namespace } : {}),
      missing: d.name,
      candidate: d.name,
      key: { missing: d.key, of: d.name, ...(candidate ? { candidate } : {}) },
    };
  }
  const candidate = closestName(snapshot, d.kind, namespace, d.name);
  return {
    kind: d.kind,
    ...(namespace ? { namespace } : {}),
    missing: d.name,
    ...(candidate ? { candidate } : {}),
  };
}

function danglingSentence(d: Dangling, suggestion: DidYouMean): string {
  const hint = suggestion.key?.candidate
    ? ` (it has \`${suggestion.key.candidate}\`)`
    : suggestion.candidate && suggestion.key === undefined
      ? ` (\`${suggestion.candidate}\` exists in the namespace)`
      : "";
  return d.key !== undefined
    ? `the ${d.kind} ${d.name} has no key \`${d.key}\`${hint}`
    : `the ${d.kind} ${d.name} does not exist${hint}`;
}

const createContainerConfig: AnalyzerDefinition = {
  id: "create-container-config",
  title: "Container configuration refers to a missing ConfigMap, Secret or key",
  description:
    "A container waits in CreateContainerConfigError: an env var or envFrom names a ConfigMap or Secret (or a key of one) that does not exist. Says which existing name or key was probably meant.",
  remediation:
    "Point the reference at the ConfigMap/Secret (and key) that exists, or create the missing one.",
  kinds: ["Pod", "Event", "ConfigMap"],
  staticCounterpart:
    "missing-configmap / missing-secret (validator) and the reference resolving to an object that exists live",
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const p of snapshot.list("Pod")) {
      for (const { s, path } of allStatuses(p)) {
        if (s.state?.waiting?.reason !== "CreateContainerConfigError") continue;
        const events = eventsOf(snapshot, p, (e) => e.reason === "Failed" && /^Error: /.test(e.message));
        const text = s.state.waiting.message ?? events[0]?.message ?? "";
        const d = danglingFrom(text);
        const suggestion = d ? suggestFor(snapshot, p.metadata.namespace, d) : undefined;
        out.push({
          ...base(
            snapshot,
            p,
            "create-container-config",
            d ? (d.key !== undefined ? "missing-key" : `missing-${d.kind.toLowerCase()}`) : "other",
            s.name,
            d ? `${d.kind}/${d.name}/${d.key ?? ""}` : text,
          ),
          cause:
            d && suggestion
              ? `Container ${s.name} cannot be created: ${danglingSentence(d, suggestion)}.`
              : `Container ${s.name} cannot be created: ${text}.`,
          fields: [{ object: refOfLive(p), path: `${path}.state.waiting`, value: s.state.waiting }],
          events,
          ...(suggestion ? { didYouMean: suggestion } : {}),
          facts: d ? { kind: d.kind, missing: d.name, ...(d.key ? { key: d.key } : {}) } : {},
        });
      }
    }
    return groupDiagnoses(out);
  },
};

/** `MountVolume.SetUp failed for volume "v" : <error>` → the volume and the error. */
function mountFailure(message: string): { volume?: string; error: string } {
  const m = /MountVolume\.\w+ failed for volume "([^"]+)"\s*:\s*(.*)$/s.exec(message);
  return m?.[1] && m[2] ? { volume: m[1], error: m[2] } : { error: message };
}

const failedMount: AnalyzerDefinition = {
  id: "failed-mount",
  title: "Pod stuck in ContainerCreating: a volume cannot be mounted",
  description:
    "A pod stays in ContainerCreating because kubelet cannot mount a volume (FailedMount): typically a ConfigMap or Secret volume whose object does not exist, or a key it lists. Says which existing name was probably meant. Nothing crashes and nothing logs, so this is found from the events and the pod spec.",
  remediation:
    "Point the volume at the ConfigMap/Secret that exists (or create the missing one); the pod starts as soon as it can mount.",
  kinds: ["Pod", "Event", "ConfigMap"],
  staticCounterpart:
    "missing-configmap / missing-secret (validator) and the volume's ConfigMap existing live",
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const p of snapshot.list("Pod")) {
      const st = status(p);
      if (st.phase !== "Pending") continue;
      const creating =
        (st.containerStatuses ?? []).some((s) => s.state?.waiting?.reason === "ContainerCreating") ||
        (st.containerStatuses ?? []).length === 0;
      if (!creating) continue;
      const events = eventsOf(
        snapshot,
        p,
        (e) => e.reason === "FailedMount" || e.reason === "FailedAttachVolume",
      );
      // The pod spec names volumes whose objects are absent; the events say so too once kubelet has tried.
      const missing: { volume: string; d: Dangling }[] = [];
      for (const v of spec(p).volumes ?? []) {
        if (
          v.configMap &&
          !v.configMap.optional &&
          !snapshot.find("ConfigMap", p.metadata.namespace, v.configMap.name) &&
          settled(p, snapshot, events.length > 0)
        )
          missing.push({ volume: v.name, d: { kind: "ConfigMap", name: v.configMap.name } });
      }
      for (const e of events) {
        const { volume, error } = mountFailure(e.message);
        const d = danglingFrom(error);
        if (d && !missing.some((m) => m.d.kind === d.kind && m.d.name === d.name))
          missing.push({ volume: volume ?? "", d });
      }
      if (missing.length === 0 && events.length === 0) continue;
      const first = missing[0];
      const suggestion = first ? suggestFor(snapshot, p.metadata.namespace, first.d) : undefined;
      const mountMsg = mountFailure(events[0]?.message ?? "");
      out.push({
        ...base(
          snapshot,
          p,
          "failed-mount",
          first ? `missing-${first.d.kind.toLowerCase()}` : "other",
          undefined,
          first ? `${first.d.kind}/${first.d.name}` : mountMsg.error,
        ),
        cause:
          first && suggestion
            ? `Pod cannot start: volume ${first.volume} cannot be mounted: ${danglingSentence(first.d, suggestion)}, so kubelet waits in ContainerCreating.`
            : `Pod cannot start: kubelet cannot mount ${mountMsg.volume ? `volume ${mountMsg.volume}` : "a volume"}: ${mountMsg.error}.`,
        fields: [
          ...(st.containerStatuses ?? []).slice(0, 1).map((s): FieldEvidence => ({
            object: refOfLive(p),
            path: `status.containerStatuses[${s.name}].state.waiting`,
            value: s.state?.waiting,
          })),
          ...(first
            ? [
                {
                  object: refOfLive(p),
                  path: `spec.volumes[${first.volume}]`,
                  value: (spec(p).volumes ?? []).find((v) => v.name === first.volume),
                },
              ]
            : []),
        ],
        events,
        ...(suggestion ? { didYouMean: suggestion } : {}),
        facts: first ? { kind: first.d.kind, missing: first.d.name, volume: first.volume } : {},
      });
    }
    return groupDiagnoses(out);
  },
};

/**
 * A pod on a node whose missing volume kubelet has reported, or that has waited a minute: a pod created in the
 * same sync as its ConfigMap is not a failure yet.
 */
function settled(p: LiveObject, snapshot: Snapshot, reported: boolean): boolean {
  if (!(p.spec as { nodeName?: string } | undefined)?.nodeName) return false;
  if (reported) return true;
  const created = Date.parse(p.metadata.creationTimestamp ?? "");
  return Number.isFinite(created) && Date.parse(snapshot.readAt) - created >= 60_000;
}

/** The scheduler's reasons, from `0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: …`. */
export function unschedulableKind(
  message: string,
): "node-selector" | "insufficient-resources" | "taints" | "volumes" | "other" {
  if (
    /unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|volume node affinity conflict/i.test(
      message,
    )
  )
    return "volumes";
  if (/didn't match Pod's node affinity\/selector|didn't match node selector/i.test(message))
    return "node-selector";
  if (/Insufficient (cpu|memory|ephemeral-storage|pods|[\w./-]+)/i.test(message))
    return "insufficient-resources";
  if (/untolerated taint|had taint/i.test(message)) return "taints";
  return "other";
}

const unschedulable: AnalyzerDefinition = {
  id: "unschedulable",
  title: "Pod cannot be scheduled",
  description:
    "The scheduler keeps a pod Pending (PodScheduled=False, Unschedulable): its node selector or affinity matches no node, it requests more than any node has free, it does not tolerate the nodes' taints, or its claims are unbound — as the scheduler's message says. For a node selector, it says which labels the nodes do have.",
  remediation:
    "Match the selector to the nodes' labels (platform `nodeSelector`/`nodeAffinity`), lower the requests, add tolerations, or fix the claims.",
  kinds: ["Pod", "Event", "Node"],
  staticCounterpart: "some node of the cluster matches the built pod template's node selector",
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    const nodes = snapshot.list("Node");
    for (const p of snapshot.list("Pod")) {
      const cond = (status(p).conditions ?? []).find((c) => c.type === "PodScheduled");
      if (cond?.status !== "False" || cond.reason !== "Unschedulable") continue;
      const events = eventsOf(snapshot, p, (e) => e.reason === "FailedScheduling");
      const message = cond.message ?? events[0]?.message ?? "";
      const variant = unschedulableKind(message);
      const selector = spec(p).nodeSelector ?? {};
      const facts: Diagnosis["facts"] = {};
      let detail = "";
      if (variant === "node-selector" && Object.keys(selector).length > 0) {
        facts.nodeSelector = selector;
        const unmatched = Object.entries(selector).filter(
          ([k, v]) => !nodes.some((n) => n.metadata.labels?.[k] === v),
        );
        const seen = unmatched.map(([k]) => {
          const values = [
            ...new Set(nodes.map((n) => n.metadata.labels?.[k]).filter((x): x is string => x !== undefined)),
          ].sort();
          return values.length > 0 ? `${k} ∈ {${values.join(", ")}}` : `no node has a \`${k}\` label`;
        });
        if (unmatched.length > 0)
          detail = ` No node has ${unmatched.map(([k, v]) => `${k}=${v}`).join(", ")}${nodes.length > 0 ? ` (${seen.join("; ")}; ${nodes.length} node(s) read)` : ""}.`;
      }
      const sentence =
        variant === "node-selector"
          ? `No node matches the pod's node selector or affinity, so the scheduler keeps it Pending.${detail}`
          : variant === "insufficient-resources"
            ? `No node has enough free ${[...message.matchAll(/Insufficient ([\w./-]+)/g)]
                .map((m) => m[1])
                .filter((x, i, a) => a.indexOf(x) === i)
                .join(" and ")} for the pod's requests, so the scheduler keeps it Pending.`
            : variant === "taints"
              ? "Every node has a taint the pod does not tolerate, so the scheduler keeps it Pending."
              : variant === "volumes"
                ? "The pod's PersistentVolumeClaims are not bound, so the scheduler keeps it Pending (see the claim's diagnosis)."
                : `The scheduler keeps the pod Pending: ${message}`;
      out.push({
        ...base(snapshot, p, "unschedulable", variant, undefined, JSON.stringify(selector)),
        cause: sentence,
        fields: [
          { object: refOfLive(p), path: "status.conditions[PodScheduled]", value: cond },
          ...(Object.keys(selector).length > 0
            ? [{ object: refOfLive(p), path: "spec.nodeSelector", value: selector }]
            : []),
        ],
        events,
        facts,
      });
    }
    return groupDiagnoses(out);
  },
};

const probes: AnalyzerDefinition = {
  id: "probe-failures",
  title: "Readiness or liveness probe failing",
  description:
    "kubelet reports Unhealthy: a readiness probe keeps failing on a running container that is not ready (no traffic reaches it), or a liveness probe fails and kubelet restarts the container. A probe that failed during start-up on a container that is ready now is not reported.",
  remediation:
    "Check the probe's path and port against what the app serves (intent `probe`), give slow starters a startup probe or a longer initial delay, or fix the endpoint.",
  kinds: ["Pod", "Event"],
  analyze({ snapshot }) {
    const out: Diagnosis[] = [];
    for (const p of snapshot.list("Pod")) {
      const events = eventsOf(
        snapshot,
        p,
        (e) =>
          e.reason === "Unhealthy" ||
          (e.reason === "Killing" && /failed (liveness|startup) probe/.test(e.message)),
      );
      if (events.length === 0) continue;
      for (const { s, path } of allStatuses(p)) {
        const running = s.state?.running !== undefined;
        const liveness = events.some(
          (e) => /^(Liveness|Startup) probe failed/.test(e.message) || e.reason === "Killing",
        );
        const readinessFailing =
          running && s.ready === false && events.some((e) => /^Readiness probe failed/.test(e.message));
        const livenessFailing = liveness && restarts(s) > 0;
        if (!readinessFailing && !livenessFailing) continue;
        const variant = livenessFailing ? "liveness" : "readiness";
        const latest = events.find((e) => e.reason === "Unhealthy");
        out.push({
          ...base(snapshot, p, "probe-failures", variant, s.name, undefined),
          severity: variant === "liveness" ? "error" : "warning",
          cause:
            variant === "liveness"
              ? `The liveness probe of ${s.name} fails, so kubelet kills and restarts it (${restarts(s)} restart(s))${latest ? `: ${latest.message}` : ""}.`
              : `The readiness probe of ${s.name} fails, so the pod gets no traffic${latest ? `: ${latest.message}` : ""}.`,
          fields: [
            { object: refOfLive(p), path: `${path}.ready`, value: s.ready },
            { object: refOfLive(p), path: `${path}.restartCount`, value: restarts(s) },
          ],
          events,
          facts: {},
        });
      }
    }
    return groupDiagnoses(out);
  },
};

export const POD_ANALYZERS: readonly AnalyzerDefinition[] = [
  imagePull,
  crashLoop,
  oomKilled,
  createContainerConfig,
  failedMount,
  unschedulable,
  probes,
];
