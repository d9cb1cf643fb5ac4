/**
 * The policy gate on model output, before anything is compiled: a model cannot suppress a check, relax a
 * policy, reach outside the app's namespace, write a Secret value or smuggle a command that fetches or sends
 * data. Security relaxations of the app itself and a new image source need a human's flag. Everything that
 * passes still goes through the validator and the team's policies, like a human change. Pure.
 */
import type { WrittenApp } from "../intent/schema.js";
import { parseImage } from "../intent/values.js";
import type { IntentOp } from "../intent/edit/index.js";
import { isClusterScopedKind } from "../core/k8s-resources.js";

export interface GateOptions {
  /** A human approved security relaxations (`--allow-security-relaxation`). */
  allowSecurityRelaxation?: boolean;
  /** A human approved changing where the app's image comes from (`--allow-new-image-source`). */
  allowNewImageSource?: boolean;
}

export interface GateViolation {
  rule:
    | "suppress-check"
    | "security-relaxation"
    | "image-source"
    | "forbidden-kind"
    | "secret-value"
    | "namespace"
    | "command";
  message: string;
  /** The human flag that would allow it; absent when nothing does. */
  flag?: string;
}

const SUPPRESSION =
  /^(ignore-check\.kintent\.dev\/|kintent\.dev\/ignore-all-checks$|ignore-check\.kube-linter\.io\/|kube-linter\.io\/ignore-all$|policies\.kyverno\.io\/)/;

/** Kinds a model may never add: they grant permissions, relax policies, or change the cluster for everyone. */
const FORBIDDEN_KINDS = new Set([
  "Role",
  "RoleBinding",
  "PolicyException",
  "Policy",
  "CleanupPolicy",
  "NamespacedValidatingPolicy",
  "Secret",
  "Pod",
]);

/** A command or argument that downloads, uploads, opens a shell over the network, or reads credentials. */
const EXFILTRATION =
  /\b(curl|wget|nc|ncat|netcat|socat|telnet|scp|sftp|ftp|rsync|ssh)\b|\/dev\/(tcp|udp)\/|169\.254\.169\.254|metadata\.google\.internal|\/var\/run\/secrets|\|\s*(ba|z|da)?sh\b|base64\s+(-d|--decode)|\beval\s|python[0-9.]*\s+-c|perl\s+-e/i;

function relaxations(op: Extract<IntentOp, { op: "security" }>): string[] {
  const r: string[] = [];
  if (op.privileged === true) r.push("privileged");
  if (op.runAsNonRoot === false) r.push("runAsNonRoot: false");
  if (op.runAsUser === 0) r.push("runAsUser: 0");
  if (op.readOnlyRootFilesystem === false) r.push("readOnlyRootFilesystem: false");
  if (op.allowPrivilegeEscalation === true) r.push("allowPrivilegeEscalation: true");
  if (op.capabilitiesAdd && op.capabilitiesAdd.length > 0)
    r.push(`capabilities.add ${op.capabilitiesAdd.join(", ")}`);
  if (op.seccompProfile === "Unconfined") r.push("seccompProfile: Unconfined");
  if (op.serviceAccountToken === true) r.push("serviceAccountToken: true");
  return r;
}

function repository(image: string | undefined): string | undefined {
  const ref = image ? parseImage(image) : undefined;
  return ref ? `${ref.registry ?? "docker.io"}/${ref.repository}` : undefined;
}

/** Gate intent operations against the app as it is now (undefined for a new app). */
export function gateOps(
  ops: readonly IntentOp[],
  app: WrittenApp | undefined,
  options: GateOptions = {},
): GateViolation[] {
  const out: GateViolation[] = [];
  const current = repository(app?.spec.image);
  for (const op of ops) {
    if (op.op === "security") {
      const r = relaxations(op);
      if (r.length > 0 && !options.allowSecurityRelaxation)
        out.push({
          rule: "security-relaxation",
          message: `security relaxation (${r.join("; ")}) needs a human's approval`,
          flag: "--allow-security-relaxation",
        });
    }
    if (
      (op.op === "network-policy" && !op.enabled) ||
      (op.op === "egress" &&
        op.egress === "all" &&
        app?.spec.network?.egress !== undefined &&
        app.spec.network.egress !== "all")
    ) {
      if (!options.allowSecurityRelaxation)
        out.push({
          rule: "security-relaxation",
          message: `${op.op === "egress" ? "opening egress" : "turning off the NetworkPolicy"} needs a human's approval`,
          flag: "--allow-security-relaxation",
        });
    }
    // A NodePort or LoadBalancer reaches the app from outside the cluster, past its NetworkPolicy.
    if (
      op.op === "service" &&
      (op.type === "NodePort" || op.type === "LoadBalancer") &&
      (app?.spec.service?.type ?? "ClusterIP") !== op.type &&
      !options.allowSecurityRelaxation
    )
      out.push({
        rule: "security-relaxation",
        message: `a ${op.type} Service opens the app to clients outside the cluster (its ports bypass the default-deny NetworkPolicy); that needs a human's approval`,
        flag: "--allow-security-relaxation",
      });
    if (op.op === "args" && op.args && EXFILTRATION.test(op.args.join(" ")))
      out.push({
        rule: "command",
        message: `args \`${op.args.join(" ").slice(0, 80)}\` download, send or read credentials; a model may not add such commands`,
      });
    if (
      op.op === "file" &&
      /^\/(etc\/(passwd|shadow|sudoers|profile|cron)|root\/|var\/run\/secrets)/.test(op.path)
    )
      out.push({
        rule: "command",
        message: `file ${op.path}: a model may not write system or credential paths`,
      });
    if (op.op === "label" && SUPPRESSION.test(op.key))
      out.push({
        rule: "suppress-check",
        message: `label ${op.key}: a model cannot suppress checks or policies`,
      });
    if ((op.op === "image" || op.op === "canary-image") && op.image !== undefined && current !== undefined) {
      const next = repository(op.image);
      if (next !== undefined && next !== current && !options.allowNewImageSource)
        out.push({
          rule: "image-source",
          message: `${op.op}: ${op.image} comes from ${next}, not the app's ${current}; changing where the image comes from needs a human's approval`,
          flag: "--allow-new-image-source",
        });
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Strings of commands, args, lifecycle hooks and exec probes of every container in an object. */
function commandStrings(o: unknown, out: string[] = []): string[] {
  if (Array.isArray(o)) {
    for (const x of o) commandStrings(x, out);
  } else if (isRecord(o)) {
    for (const [k, v] of Object.entries(o)) {
      if ((k === "command" || k === "args") && Array.isArray(v)) out.push(v.map(String).join(" "));
      else commandStrings(v, out);
    }
  }
  return out;
}

/** Gate extra manifests (before validation). */
export function gateExtras(objects: readonly Record<string, unknown>[]): GateViolation[] {
  const out: GateViolation[] = [];
  for (const o of objects) {
    const kind = typeof o.kind === "string" ? o.kind : "?";
    const md = isRecord(o.metadata) ? o.metadata : {};
    const name = typeof md.name === "string" ? md.name : "?";
    const what = `${kind} ${name}`;
    if (FORBIDDEN_KINDS.has(kind) || isClusterScopedKind(kind)) {
      out.push({
        rule: kind === "Secret" ? "secret-value" : "forbidden-kind",
        message:
          kind === "Secret"
            ? `${what}: secrets are never written by kintent; reference an existing Secret (secretKeyRef) instead`
            : `${what}: a model may not add ${kind} objects (permissions, policies, cluster-wide or bare pods)`,
      });
    }
    if (md.namespace !== undefined)
      out.push({
        rule: "namespace",
        message: `${what}: remove metadata.namespace; kintent places extra manifests in the app's namespace of each environment`,
      });
    const keys = [
      ...Object.keys(isRecord(md.annotations) ? md.annotations : {}),
      ...Object.keys(isRecord(md.labels) ? md.labels : {}),
    ];
    const nested = JSON.stringify(o.spec ?? {});
    for (const k of keys)
      if (SUPPRESSION.test(k))
        out.push({
          rule: "suppress-check",
          message: `${what}: ${k} — a model cannot suppress checks or policies`,
        });
    if (/ignore-check\.kintent\.dev\/|kintent\.dev\/ignore-all-checks/.test(nested))
      out.push({ rule: "suppress-check", message: `${what}: a model cannot suppress checks or policies` });
    for (const c of commandStrings(o.spec)) {
      if (EXFILTRATION.test(c))
        out.push({
          rule: "command",
          message: `${what}: the command \`${c.length > 80 ? `${c.slice(0, 77)}…` : c}\` downloads, sends or reads credentials; a model may not add such commands`,
        });
    }
  }
  return out;
}

export function formatViolation(v: GateViolation): string {
  return `blocked (${v.rule}): ${v.message}${v.flag ? ` — a human may allow it with ${v.flag}` : ""}`;
}
