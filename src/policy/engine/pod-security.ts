/**
 * `validate.podSecurity` rules: the Kubernetes Pod Security Standards (baseline and restricted, latest), with
 * Kyverno's `exclude` list (a control for the pod, or for containers whose image matches).
 */
import { isObject } from "../json.js";
import { wildcardMatch } from "../wildcard.js";
import type { RuleResponse } from "./kyverno-policy.js";
import {
  BASELINE_CAPABILITIES as BASELINE_CAPABILITIES_LIST,
  RESTRICTED_VOLUME_TYPES,
  SAFE_SYSCTLS as SAFE_SYSCTLS_LIST,
} from "../../core/pod-security.js";

type Obj = Record<string, unknown>;

interface Violation {
  control: string;
  /** The container image for container-level violations. */
  image?: string;
  field: string;
  value: string;
}

const BASELINE_CAPABILITIES = new Set<string>(BASELINE_CAPABILITIES_LIST);

const SAFE_SYSCTLS = new Set<string>(SAFE_SYSCTLS_LIST);

const RESTRICTED_VOLUMES = new Set<string>(RESTRICTED_VOLUME_TYPES);

const SELINUX_TYPES = new Set([
  "",
  "container_t",
  "container_init_t",
  "container_kvm_t",
  "container_engine_t",
]);

function obj(v: unknown): Obj {
  return isObject(v) ? v : {};
}

/** The pod metadata and spec of a Pod or pod controller. */
function podOf(resource: Obj): { metadata: Obj; spec: Obj } {
  const kind = resource.kind;
  const spec = obj(resource.spec);
  if (kind === "CronJob") {
    const t = obj(obj(obj(spec.jobTemplate).spec).template);
    return { metadata: obj(t.metadata), spec: obj(t.spec) };
  }
  if (kind !== "Pod" && isObject(spec.template)) {
    return { metadata: obj(spec.template.metadata), spec: obj(spec.template.spec) };
  }
  return { metadata: obj(resource.metadata), spec };
}

interface Container {
  c: Obj;
  path: string;
}

function containers(spec: Obj): Container[] {
  const out: Container[] = [];
  for (const key of ["initContainers", "containers", "ephemeralContainers"]) {
    const list = spec[key];
    if (Array.isArray(list))
      list.forEach((c, i) => isObject(c) && out.push({ c, path: `spec.${key}[${i}]` }));
  }
  return out;
}

function show(v: unknown): string {
  return v === undefined || v === null ? "undefined" : typeof v === "string" ? v : JSON.stringify(v);
}

function image(c: Obj): string {
  return typeof c.image === "string" ? c.image : "";
}

function baseline(metadata: Obj, spec: Obj): Violation[] {
  const v: Violation[] = [];
  const psc = obj(spec.securityContext);
  const cs = containers(spec);
  const winHost = (sc: Obj): boolean => obj(sc.windowsOptions).hostProcess === true;
  if (winHost(psc))
    v.push({
      control: "HostProcess",
      field: "spec.securityContext.windowsOptions.hostProcess",
      value: "true",
    });
  for (const { c, path } of cs) {
    if (winHost(obj(c.securityContext))) {
      v.push({
        control: "HostProcess",
        image: image(c),
        field: `${path}.securityContext.windowsOptions.hostProcess`,
        value: "true",
      });
    }
  }
  for (const ns of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (spec[ns] === true) v.push({ control: "Host Namespaces", field: `spec.${ns}`, value: "true" });
  }
  for (const { c, path } of cs) {
    const sc = obj(c.securityContext);
    if (sc.privileged === true)
      v.push({
        control: "Privileged Containers",
        image: image(c),
        field: `${path}.securityContext.privileged`,
        value: "true",
      });
    const add = obj(sc.capabilities).add;
    if (Array.isArray(add)) {
      for (const cap of add) {
        if (typeof cap === "string" && !BASELINE_CAPABILITIES.has(cap)) {
          v.push({
            control: "Capabilities",
            image: image(c),
            field: `${path}.securityContext.capabilities.add`,
            value: cap,
          });
        }
      }
    }
    const ports = c.ports;
    if (Array.isArray(ports)) {
      for (const p of ports) {
        const hp = obj(p).hostPort;
        if (typeof hp === "number" && hp !== 0)
          v.push({
            control: "Host Ports",
            image: image(c),
            field: `${path}.ports[*].hostPort`,
            value: String(hp),
          });
      }
    }
    const se = obj(sc.seLinuxOptions);
    if (
      (typeof se.type === "string" && !SELINUX_TYPES.has(se.type)) ||
      (typeof se.user === "string" && se.user !== "") ||
      (typeof se.role === "string" && se.role !== "")
    ) {
      v.push({
        control: "SELinux",
        image: image(c),
        field: `${path}.securityContext.seLinuxOptions`,
        value: JSON.stringify(se),
      });
    }
    if (typeof sc.procMount === "string" && sc.procMount !== "Default") {
      v.push({
        control: "/proc Mount Type",
        image: image(c),
        field: `${path}.securityContext.procMount`,
        value: sc.procMount,
      });
    }
    if (obj(sc.seccompProfile).type === "Unconfined") {
      v.push({
        control: "Seccomp",
        image: image(c),
        field: `${path}.securityContext.seccompProfile.type`,
        value: "Unconfined",
      });
    }
    if (obj(sc.appArmorProfile).type === "Unconfined") {
      v.push({
        control: "AppArmor",
        image: image(c),
        field: `${path}.securityContext.appArmorProfile.type`,
        value: "Unconfined",
      });
    }
  }
  const volumes = spec.volumes;
  if (Array.isArray(volumes)) {
    for (const vol of volumes) {
      if (isObject(vol) && isObject(vol.hostPath)) {
        v.push({
          control: "HostPath Volumes",
          field: "spec.volumes[*].hostPath",
          value: typeof vol.name === "string" ? vol.name : "",
        });
      }
    }
  }
  for (const [k, val] of Object.entries(obj(metadata.annotations))) {
    if (
      k.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
      typeof val === "string" &&
      val !== "runtime/default" &&
      !val.startsWith("localhost/")
    ) {
      v.push({ control: "AppArmor", field: `metadata.annotations[${k}]`, value: val });
    }
  }
  if (obj(psc.appArmorProfile).type === "Unconfined")
    v.push({ control: "AppArmor", field: "spec.securityContext.appArmorProfile.type", value: "Unconfined" });
  const pse = obj(psc.seLinuxOptions);
  if (
    (typeof pse.type === "string" && !SELINUX_TYPES.has(pse.type)) ||
    (typeof pse.user === "string" && pse.user !== "") ||
    (typeof pse.role === "string" && pse.role !== "")
  ) {
    v.push({ control: "SELinux", field: "spec.securityContext.seLinuxOptions", value: JSON.stringify(pse) });
  }
  if (obj(psc.seccompProfile).type === "Unconfined")
    v.push({ control: "Seccomp", field: "spec.securityContext.seccompProfile.type", value: "Unconfined" });
  const sysctls = psc.sysctls;
  if (Array.isArray(sysctls)) {
    for (const s of sysctls) {
      const name = obj(s).name;
      if (typeof name === "string" && !SAFE_SYSCTLS.has(name))
        v.push({ control: "Sysctls", field: "spec.securityContext.sysctls", value: name });
    }
  }
  return v;
}

function restricted(metadata: Obj, spec: Obj): Violation[] {
  const v = baseline(metadata, spec);
  const psc = obj(spec.securityContext);
  const cs = containers(spec);
  const volumes = spec.volumes;
  if (Array.isArray(volumes)) {
    for (const vol of volumes) {
      if (!isObject(vol)) continue;
      const type = Object.keys(vol).find((k) => k !== "name");
      if (type !== undefined && !RESTRICTED_VOLUMES.has(type))
        v.push({ control: "Volume Types", field: "spec.volumes[*]", value: type });
    }
  }
  const podNonRoot = psc.runAsNonRoot;
  const podSeccomp = obj(psc.seccompProfile).type;
  if (psc.runAsUser === 0)
    v.push({ control: "Running as Non-root user", field: "spec.securityContext.runAsUser", value: "0" });
  if (podNonRoot === false)
    v.push({ control: "Running as Non-root", field: "spec.securityContext.runAsNonRoot", value: "false" });
  for (const { c, path } of cs) {
    const sc = obj(c.securityContext);
    if (sc.allowPrivilegeEscalation !== false) {
      v.push({
        control: "Privilege Escalation",
        image: image(c),
        field: `${path}.securityContext.allowPrivilegeEscalation`,
        value: show(sc.allowPrivilegeEscalation),
      });
    }
    if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && podNonRoot !== true)) {
      v.push({
        control: "Running as Non-root",
        image: image(c),
        field: `${path}.securityContext.runAsNonRoot`,
        value: show(sc.runAsNonRoot),
      });
    }
    if (sc.runAsUser === 0)
      v.push({
        control: "Running as Non-root user",
        image: image(c),
        field: `${path}.securityContext.runAsUser`,
        value: "0",
      });
    const cSeccomp = obj(sc.seccompProfile).type;
    const effective = cSeccomp ?? podSeccomp;
    if (effective !== "RuntimeDefault" && effective !== "Localhost" && cSeccomp !== "Unconfined") {
      v.push({
        control: "Seccomp",
        image: image(c),
        field: `${path}.securityContext.seccompProfile.type`,
        value: show(effective),
      });
    }
    const caps = obj(sc.capabilities);
    const drop = Array.isArray(caps.drop) ? caps.drop : [];
    if (!drop.includes("ALL"))
      v.push({
        control: "Capabilities",
        image: image(c),
        field: `${path}.securityContext.capabilities.drop`,
        value: "ALL not dropped",
      });
    if (Array.isArray(caps.add)) {
      for (const cap of caps.add) {
        if (cap !== "NET_BIND_SERVICE" && typeof cap === "string" && BASELINE_CAPABILITIES.has(cap)) {
          v.push({
            control: "Capabilities",
            image: image(c),
            field: `${path}.securityContext.capabilities.add`,
            value: cap,
          });
        }
      }
    }
  }
  return v;
}

function excluded(violation: Violation, excludes: Obj[]): boolean {
  return excludes.some((e) => {
    if (e.controlName !== violation.control) return false;
    const images = Array.isArray(e.images) ? e.images.filter((x): x is string => typeof x === "string") : [];
    if (violation.image === undefined) return images.length === 0;
    return images.some((p) => wildcardMatch(p, violation.image ?? ""));
  });
}

export function validatePodSecurityRule(rule: Obj, resource: Obj, message: string): RuleResponse {
  const name = typeof rule.name === "string" ? rule.name : "";
  const ps = obj(obj(rule.validate).podSecurity);
  const level =
    ps.level === "restricted" ? "restricted" : ps.level === "privileged" ? "privileged" : "baseline";
  const version = typeof ps.version === "string" ? ps.version : "latest";
  const { metadata, spec } = podOf(resource);
  const violations =
    level === "privileged"
      ? []
      : level === "restricted"
        ? restricted(metadata, spec)
        : baseline(metadata, spec);
  const excludes = Array.isArray(ps.exclude) ? ps.exclude.filter(isObject) : [];
  const remaining = violations.filter((v) => !excluded(v, excludes));
  if (remaining.length === 0) return { name, status: "pass", message: `Validation rule '${name}' passed.` };
  const detail = remaining.map((v) => `${v.control}: ${v.field}=${v.value}`).join("; ");
  const prefix = message !== "" ? `${message} ` : "";
  return {
    name,
    status: "fail",
    message: `${prefix}Validation rule '${name}' failed. It violates PodSecurity "${level}:${version}": (${detail})`,
  };
}
