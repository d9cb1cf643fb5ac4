/**
 * Pod Security Standards (baseline and restricted) and related hardening, as templates.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import * as z from "zod";
import type { Template } from "../types.js";
import { asArr, asObj, asStr, containersOf, podSpecOf } from "../../objects.js";
import { looksLikeSecret } from "../../../core/secrets.js";

const none = z.object({}).strict();

export { BASELINE_CAPABILITIES } from "../../../core/pod-security.js";

export const privileged: Template<Record<string, never>> = {
  key: "privileged",
  description: "Flags containers that run privileged.",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    privileged:
      "container `{{container}}` runs privileged: it has every capability and access to the host's devices",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      if (asObj(c.container.securityContext).privileged === true) {
        report({
          messageId: "privileged",
          data: { container: c.name },
          path: `${c.path}/securityContext/privileged`,
          suggestions: [
            {
              description: "set privileged: false",
              fix: {
                description: "set privileged: false",
                op: "set",
                path: `${c.path}/securityContext/privileged`,
                value: false,
              },
            },
          ],
        });
      }
    }
  },
};

export const privilegeEscalation: Template<Record<string, never>> = {
  key: "privilege-escalation",
  description: "Requires allowPrivilegeEscalation: false on every container.",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    escalation:
      "container `{{container}}` does not set allowPrivilegeEscalation: false (setuid binaries could gain root)",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      const sc = asObj(c.container.securityContext);
      if (sc.allowPrivilegeEscalation !== false) {
        const path = `${c.path}/securityContext/allowPrivilegeEscalation`;
        report({
          messageId: "escalation",
          data: { container: c.name },
          path: sc.allowPrivilegeEscalation === undefined ? `${c.path}/securityContext` : path,
          suggestions: [
            {
              description: "set allowPrivilegeEscalation: false",
              fix: { description: "set allowPrivilegeEscalation: false", op: "set", path, value: false },
            },
          ],
        });
      }
    }
  },
};

export const runAsNonRoot: Template<Record<string, never>> = {
  key: "run-as-non-root",
  description: "Requires runAsNonRoot: true (pod or every container) and no UID 0.",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    missing: "container `{{container}}` may run as root: set runAsNonRoot: true on the pod or the container",
    root: "container `{{container}}` runs as UID 0 (root)",
    explicitFalse: "container `{{container}}` sets runAsNonRoot: false",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    const psc = asObj(pod.spec.securityContext);
    for (const c of containersOf(pod)) {
      const sc = asObj(c.container.securityContext);
      const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
      const uid = sc.runAsUser ?? psc.runAsUser;
      if (sc.runAsNonRoot === false)
        report({
          messageId: "explicitFalse",
          data: { container: c.name },
          path: `${c.path}/securityContext/runAsNonRoot`,
        });
      else if (uid === 0)
        report({
          messageId: "root",
          data: { container: c.name },
          path:
            sc.runAsUser === 0
              ? `${c.path}/securityContext/runAsUser`
              : `${pod.path}/securityContext/runAsUser`,
        });
      else if (nonRoot !== true) {
        report({
          messageId: "missing",
          data: { container: c.name },
          path: c.path,
          suggestions: [
            {
              description: "set runAsNonRoot: true in the pod securityContext",
              fix: {
                description: "runAsNonRoot: true",
                op: "set",
                path: `${pod.path}/securityContext/runAsNonRoot`,
                value: true,
              },
            },
          ],
        });
      }
    }
  },
};

export const capabilities: Template<{ allowed: string[]; requireDropAll: boolean }> = {
  key: "capabilities",
  description: "Limits added Linux capabilities to an allowed list; optionally requires dropping ALL.",
  kinds: ["DeploymentLike"],
  params: z.object({ allowed: z.array(z.string()), requireDropAll: z.boolean() }).strict(),
  messages: {
    added: "container `{{container}}` adds capability {{capability}}, which this profile does not allow",
    dropAll: "container `{{container}}` does not drop ALL capabilities",
  },
  check({ object, params, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      const caps = asObj(asObj(c.container.securityContext).capabilities);
      asArr(caps.add).forEach((cap, i) => {
        const name = String(cap).toUpperCase().replace(/^CAP_/, "");
        if (!params.allowed.includes(name))
          report({
            messageId: "added",
            data: { container: c.name, capability: String(cap) },
            path: `${c.path}/securityContext/capabilities/add/${i}`,
          });
      });
      if (params.requireDropAll && !asArr(caps.drop).some((d) => String(d).toUpperCase() === "ALL")) {
        report({
          messageId: "dropAll",
          data: { container: c.name },
          path: `${c.path}/securityContext`,
          suggestions: [
            {
              description: "drop: [ALL]",
              fix: {
                description: "drop ALL",
                op: "set",
                path: `${c.path}/securityContext/capabilities/drop`,
                value: ["ALL"],
              },
            },
          ],
        });
      }
    }
  },
};

export const hostNamespaces: Template<Record<string, never>> = {
  key: "host-namespaces",
  description: "Forbids sharing the host's network, PID or IPC namespace.",
  kinds: ["DeploymentLike"],
  params: none,
  messages: { host: "the pod shares the host's {{what}} namespace ({{field}}: true)" },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const [field, what] of [
      ["hostNetwork", "network"],
      ["hostPID", "PID"],
      ["hostIPC", "IPC"],
    ] as const) {
      if (pod.spec[field] === true)
        report({ messageId: "host", data: { field, what }, path: `${pod.path}/${field}` });
    }
  },
};

export const hostPorts: Template<Record<string, never>> = {
  key: "host-ports",
  description: "Forbids hostPort on container ports.",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    hostPort:
      "container `{{container}}` binds host port {{port}}: pods collide on nodes and bypass NetworkPolicies",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      asArr(c.container.ports).forEach((p, i) => {
        const hp = asObj(p).hostPort;
        if (typeof hp === "number" && hp !== 0)
          report({
            messageId: "hostPort",
            data: { container: c.name, port: hp },
            path: `${c.path}/ports/${i}/hostPort`,
          });
      });
    }
  },
};

export const volumeTypes: Template<{ forbidden?: string[] | undefined; allowed?: string[] | undefined }> = {
  key: "volume-types",
  description: "Forbids volume types (baseline: hostPath) or allows only a list (restricted).",
  kinds: ["DeploymentLike"],
  params: z
    .object({ forbidden: z.array(z.string()).optional(), allowed: z.array(z.string()).optional() })
    .strict(),
  messages: { forbidden: "volume `{{volume}}` uses {{type}}, which this profile forbids" },
  check({ object, params, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    asArr(pod.spec.volumes).forEach((v, i) => {
      const vol = asObj(v);
      for (const type of Object.keys(vol)) {
        if (type === "name") continue;
        const bad =
          (params.forbidden ?? []).includes(type) ||
          (params.allowed !== undefined && !params.allowed.includes(type));
        if (bad)
          report({
            messageId: "forbidden",
            data: { volume: asStr(vol.name) ?? `#${i}`, type },
            path: `${pod.path}/volumes/${i}/${type}`,
          });
      }
    });
  },
};

export const seccomp: Template<{ requireProfile: boolean }> = {
  key: "seccomp",
  description:
    "Forbids Unconfined seccomp; with requireProfile, requires RuntimeDefault or Localhost on the pod or every container.",
  kinds: ["DeploymentLike"],
  params: z.object({ requireProfile: z.boolean() }).strict(),
  messages: {
    unconfined: "{{where}} runs with seccomp Unconfined",
    missing:
      "container `{{container}}` has no seccomp profile: set seccompProfile.type: RuntimeDefault on the pod",
  },
  check({ object, params, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    const podType = asStr(asObj(asObj(pod.spec.securityContext).seccompProfile).type);
    if (podType === "Unconfined")
      report({
        messageId: "unconfined",
        data: { where: "the pod" },
        path: `${pod.path}/securityContext/seccompProfile/type`,
      });
    for (const c of containersOf(pod)) {
      const t = asStr(asObj(asObj(c.container.securityContext).seccompProfile).type);
      if (t === "Unconfined")
        report({
          messageId: "unconfined",
          data: { where: `container \`${c.name}\`` },
          path: `${c.path}/securityContext/seccompProfile/type`,
        });
      else if (
        params.requireProfile &&
        t === undefined &&
        podType !== "RuntimeDefault" &&
        podType !== "Localhost"
      ) {
        report({
          messageId: "missing",
          data: { container: c.name },
          path: c.path,
          suggestions: [
            {
              description: "seccompProfile RuntimeDefault",
              fix: {
                description: "seccompProfile RuntimeDefault",
                op: "set",
                path: `${pod.path}/securityContext/seccompProfile`,
                value: { type: "RuntimeDefault" },
              },
            },
          ],
        });
      }
    }
  },
};

export const readOnlyRootFilesystem: Template<Record<string, never>> = {
  key: "read-only-root-filesystem",
  description: "Requires readOnlyRootFilesystem: true.",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    writable:
      "container `{{container}}` has a writable root filesystem: mount emptyDir volumes where it must write",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod, ["containers", "initContainers"])) {
      if (asObj(c.container.securityContext).readOnlyRootFilesystem !== true)
        report({ messageId: "writable", data: { container: c.name }, path: `${c.path}/securityContext` });
    }
  },
};

export const serviceAccountToken: Template<Record<string, never>> = {
  key: "service-account-token",
  description: "Flags pods that mount a service account token without opting out (pod or ServiceAccount).",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    automount:
      "the pod mounts a service account token (automountServiceAccountToken is not false on the pod or its ServiceAccount `{{sa}}`)",
  },
  check({ object, subject, bundle, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    if (pod.spec.automountServiceAccountToken === false) return;
    if (pod.spec.automountServiceAccountToken === true) {
      report({
        messageId: "automount",
        data: { sa: asStr(pod.spec.serviceAccountName) ?? "default" },
        path: `${pod.path}/automountServiceAccountToken`,
      });
      return;
    }
    const saName = asStr(pod.spec.serviceAccountName) ?? asStr(pod.spec.serviceAccount) ?? "default";
    const sa = bundle.find("ServiceAccount", saName, bundle.namespaceOf(subject));
    if (sa && sa.object.automountServiceAccountToken === false) return;
    report({
      messageId: "automount",
      data: { sa: saName },
      path: pod.path,
      suggestions: [
        {
          description: "automountServiceAccountToken: false",
          fix: {
            description: "no token",
            op: "set",
            path: `${pod.path}/automountServiceAccountToken`,
            value: false,
          },
        },
      ],
    });
  },
};

export const procMountSysctls: Template<{ safeSysctls: string[] }> = {
  key: "proc-mount-sysctls",
  description: "Baseline: default /proc mount and only safe sysctls.",
  kinds: ["DeploymentLike"],
  params: z.object({ safeSysctls: z.array(z.string()) }).strict(),
  messages: {
    procMount: "container `{{container}}` sets procMount {{value}}: only Default is allowed",
    sysctl: "the pod sets sysctl {{name}}, which is not in the safe set",
  },
  check({ object, params, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      const pm = asObj(c.container.securityContext).procMount;
      if (pm !== undefined && pm !== "Default")
        report({
          messageId: "procMount",
          data: { container: c.name, value: JSON.stringify(pm) },
          path: `${c.path}/securityContext/procMount`,
        });
    }
    asArr(asObj(pod.spec.securityContext).sysctls).forEach((s, i) => {
      const name = asStr(asObj(s).name) ?? "";
      if (!params.safeSysctls.includes(name))
        report({ messageId: "sysctl", data: { name }, path: `${pod.path}/securityContext/sysctls/${i}` });
    });
  },
};

export const literalSecrets: Template<Record<string, never>> = {
  key: "literal-secrets",
  description:
    "Flags credentials written as literal env values (names like *_PASSWORD/*_TOKEN, URLs with passwords, keys).",
  kinds: ["DeploymentLike"],
  params: none,
  messages: {
    literal:
      "container `{{container}}` sets {{name}} to a literal value that looks like a credential: anyone who reads the manifest (Git, Argo CD UI) has it",
  },
  check({ object, report }) {
    const pod = podSpecOf(object);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      asArr(c.container.env).forEach((e, i) => {
        const env = asObj(e);
        const name = asStr(env.name) ?? "";
        const value = env.value;
        if (typeof value === "string" && looksLikeSecret(name, value)) {
          report({
            messageId: "literal",
            data: { container: c.name, name },
            path: `${c.path}/env/${i}/value`,
            suggestions: [
              { description: `move ${name} into a Secret and reference it with valueFrom.secretKeyRef` },
            ],
          });
        }
      });
    }
  },
};
