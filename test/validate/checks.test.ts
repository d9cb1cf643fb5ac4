/**
 * Every built-in check: objects that must fire and objects that must not (kube-linter's tests/checks, ESLint's
 * RuleTester). Each case runs the whole validator and looks only at the check under test.
 */
import { describe, expect, it } from "vitest";
import { validateObjects, BUILTIN_CHECKS } from "../../src/validate/index.js";
import type { ValidationContext } from "../../src/validate/index.js";

type O = Record<string, unknown>;

/** A restricted-compliant Deployment, to mutate per case. */
function deploy(
  over: { pod?: O; container?: O; meta?: O; spec?: O; name?: string; labels?: Record<string, string> } = {},
): O {
  const labels = over.labels ?? { app: over.name ?? "web" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: over.name ?? "web", namespace: "shop", ...(over.meta ?? {}) },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "web",
              image: "ghcr.io/acme/web:1.0.0",
              ports: [{ name: "http", containerPort: 8080 }],
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
              },
              readinessProbe: { httpGet: { path: "/", port: "http" } },
              livenessProbe: { httpGet: { path: "/", port: "http" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              ...(over.container ?? {}),
            },
          ],
          ...(over.pod ?? {}),
        },
      },
      ...(over.spec ?? {}),
    },
  };
}

/** An autoscaler for the `web` Deployment. */
const hpa = (min: number, max: number): O => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: min,
    maxReplicas: max,
  },
});

/** An OpenShift DeploymentConfig: its selector is a plain map, like a ReplicationController's. */
const deploymentConfig = (selector: Record<string, string>, labels: Record<string, string>): O => {
  const d = deploy({ labels });
  const spec = d.spec as O;
  return {
    ...d,
    apiVersion: "apps.openshift.io/v1",
    kind: "DeploymentConfig",
    spec: { ...spec, selector },
  };
};

/** An extensions/v1beta1 Ingress (removed in 1.22) with one backend in the old `serviceName` form. */
const legacyIngress = (backend: O): O => ({
  apiVersion: "extensions/v1beta1",
  kind: "Ingress",
  metadata: { name: "web", namespace: "shop" },
  spec: { rules: [{ host: "a.acme.io", http: { paths: [{ path: "/", backend }] } }] },
});

/** A Deployment whose template has labels but no pod spec (invalid: the schema stage reports it). */
const specless = (replicas: number): O => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } } },
  },
});

const svc = (over: O = {}, spec: O = {}): O => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "shop", ...over },
  spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }], ...spec },
});

function findings(objects: O[], checkId: string, context: ValidationContext = {}) {
  const r = validateObjects(
    objects.map((object) => ({ object })),
    { context, skipSchemas: true },
  );
  return r.findings.filter((f) => f.checkId === checkId);
}

interface Case {
  check: string;
  name: string;
  objects: O[];
  context?: ValidationContext;
  /** Expected message fragments (one per finding), or [] for "must not fire". */
  fires: string[];
  path?: string;
}

const cases: Case[] = [
  // baseline
  {
    check: "privileged-container",
    name: "privileged",
    objects: [
      deploy({
        container: {
          securityContext: {
            privileged: true,
            allowPrivilegeEscalation: true,
            capabilities: { drop: ["ALL"] },
          },
        },
      }),
    ],
    fires: ["runs privileged"],
    path: "/spec/template/spec/containers/0/securityContext/privileged",
  },
  { check: "privileged-container", name: "not privileged", objects: [deploy()], fires: [] },
  {
    check: "host-namespaces",
    name: "hostNetwork and hostPID",
    objects: [deploy({ pod: { hostNetwork: true, hostPID: true } })],
    fires: ["network namespace", "PID namespace"],
  },
  {
    check: "host-namespaces",
    name: "hostNetwork false",
    objects: [deploy({ pod: { hostNetwork: false } })],
    fires: [],
  },
  {
    check: "host-ports",
    name: "hostPort",
    objects: [deploy({ container: { ports: [{ containerPort: 80, hostPort: 80 }] } })],
    fires: ["binds host port 80"],
  },
  { check: "host-ports", name: "containerPort only", objects: [deploy()], fires: [] },
  {
    check: "host-path-volumes",
    name: "hostPath",
    objects: [deploy({ pod: { volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] } })],
    fires: ["volume `docker` uses hostPath"],
  },
  {
    check: "host-path-volumes",
    name: "emptyDir",
    objects: [deploy({ pod: { volumes: [{ name: "tmp", emptyDir: {} }] } })],
    fires: [],
  },
  {
    check: "dangerous-capabilities",
    name: "SYS_ADMIN",
    objects: [
      deploy({ container: { securityContext: { capabilities: { add: ["SYS_ADMIN"], drop: ["ALL"] } } } }),
    ],
    fires: ["adds capability SYS_ADMIN"],
  },
  {
    check: "dangerous-capabilities",
    name: "NET_BIND_SERVICE",
    objects: [
      deploy({
        container: {
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
          },
        },
      }),
    ],
    fires: [],
  },
  {
    check: "seccomp-unconfined",
    name: "Unconfined pod",
    objects: [
      deploy({ pod: { securityContext: { runAsNonRoot: true, seccompProfile: { type: "Unconfined" } } } }),
    ],
    fires: ["the pod runs with seccomp Unconfined"],
  },
  { check: "seccomp-unconfined", name: "RuntimeDefault", objects: [deploy()], fires: [] },
  {
    check: "proc-mount-sysctls",
    name: "unsafe sysctl",
    objects: [
      deploy({
        pod: {
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
            sysctls: [{ name: "kernel.msgmax", value: "1" }],
          },
        },
      }),
    ],
    fires: ["sysctl kernel.msgmax"],
  },
  {
    check: "proc-mount-sysctls",
    name: "safe sysctl",
    objects: [
      deploy({
        pod: {
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
            sysctls: [{ name: "net.ipv4.tcp_syncookies", value: "1" }],
          },
        },
      }),
    ],
    fires: [],
  },
  // restricted
  {
    check: "privilege-escalation",
    name: "unset",
    objects: [
      deploy({
        container: { securityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } } },
      }),
    ],
    fires: ["does not set allowPrivilegeEscalation: false"],
  },
  { check: "privilege-escalation", name: "false", objects: [deploy()], fires: [] },
  {
    check: "run-as-non-root",
    name: "no runAsNonRoot",
    objects: [deploy({ pod: { securityContext: { seccompProfile: { type: "RuntimeDefault" } } } })],
    fires: ["may run as root"],
  },
  {
    check: "run-as-non-root",
    name: "UID 0",
    objects: [
      deploy({ pod: { securityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } } } }),
    ],
    fires: ["runs as UID 0"],
  },
  {
    check: "run-as-non-root",
    name: "container-level runAsNonRoot",
    objects: [
      deploy({
        pod: { securityContext: { seccompProfile: { type: "RuntimeDefault" } } },
        container: {
          securityContext: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
          },
        },
      }),
    ],
    fires: [],
  },
  {
    check: "drop-all-capabilities",
    name: "no drop",
    objects: [deploy({ container: { securityContext: { allowPrivilegeEscalation: false } } })],
    fires: ["does not drop ALL"],
  },
  {
    check: "drop-all-capabilities",
    name: "adds NET_RAW",
    objects: [
      deploy({
        container: {
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { add: ["NET_RAW"], drop: ["ALL"] },
          },
        },
      }),
    ],
    fires: ["adds capability NET_RAW"],
  },
  { check: "drop-all-capabilities", name: "drop ALL", objects: [deploy()], fires: [] },
  {
    check: "seccomp-profile",
    name: "none",
    objects: [deploy({ pod: { securityContext: { runAsNonRoot: true } } })],
    fires: ["has no seccomp profile"],
  },
  {
    check: "seccomp-profile",
    name: "container Localhost",
    objects: [
      deploy({
        pod: { securityContext: { runAsNonRoot: true } },
        container: {
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "Localhost", localhostProfile: "p.json" },
          },
        },
      }),
    ],
    fires: [],
  },
  {
    check: "restricted-volume-types",
    name: "nfs",
    objects: [deploy({ pod: { volumes: [{ name: "share", nfs: { server: "nfs", path: "/" } }] } })],
    fires: ["uses nfs"],
  },
  {
    check: "restricted-volume-types",
    name: "pvc + projected",
    objects: [
      deploy({
        pod: {
          volumes: [
            { name: "d", persistentVolumeClaim: { claimName: "d" } },
            { name: "p", projected: { sources: [] } },
          ],
        },
      }),
    ],
    fires: [],
  },
  // hardening
  {
    check: "read-only-root-filesystem",
    name: "writable",
    objects: [
      deploy({
        container: { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } },
      }),
    ],
    fires: ["writable root filesystem"],
  },
  { check: "read-only-root-filesystem", name: "read-only", objects: [deploy()], fires: [] },
  {
    check: "service-account-token",
    name: "default automount",
    objects: [deploy({ pod: { automountServiceAccountToken: undefined } })],
    fires: ["mounts a service account token"],
  },
  {
    check: "service-account-token",
    name: "ServiceAccount opts out",
    objects: [
      deploy({ pod: { automountServiceAccountToken: undefined, serviceAccountName: "web" } }),
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "web", namespace: "shop" },
        automountServiceAccountToken: false,
      },
    ],
    fires: [],
  },
  {
    check: "literal-secret-env",
    name: "password and credential URL",
    objects: [
      deploy({
        container: {
          env: [
            { name: "DB_PASSWORD", value: "hunter2" },
            { name: "DATABASE_URL", value: "postgres://u:p@db/x" },
            { name: "LOG_LEVEL", value: "info" },
          ],
        },
      }),
    ],
    fires: ["sets DB_PASSWORD to a literal value", "sets DATABASE_URL to a literal value"],
  },
  {
    check: "literal-secret-env",
    name: "secretKeyRef",
    objects: [
      deploy({
        container: { env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "p" } } }] },
      }),
    ],
    fires: [],
  },
  // reliability
  {
    check: "resource-requests",
    name: "no requests",
    objects: [deploy({ container: { resources: { limits: { memory: "1Gi" } } } })],
    fires: ["no cpu request", "no memory request"],
  },
  {
    check: "resource-requests",
    name: "request above limit",
    objects: [
      deploy({
        container: {
          resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "500m", memory: "1Gi" } },
        },
      }),
    ],
    fires: ["requests more cpu (1) than its limit (500m)", "requests more memory (2Gi) than its limit (1Gi)"],
  },
  { check: "resource-requests", name: "requests within limits", objects: [deploy()], fires: [] },
  {
    check: "memory-limit",
    name: "none",
    objects: [deploy({ container: { resources: { requests: { cpu: "1", memory: "1Gi" } } } })],
    fires: ["no memory limit"],
  },
  {
    check: "invalid-quantity",
    name: "1GB",
    objects: [
      deploy({
        container: { resources: { requests: { cpu: "100m", memory: "1GB" }, limits: { memory: "2Gi" } } },
      }),
    ],
    fires: ["`1GB` is not a Kubernetes quantity — did you mean `1Gi`?"],
  },
  { check: "invalid-quantity", name: "valid quantities", objects: [deploy()], fires: [] },
  {
    check: "readiness-probe",
    name: "missing",
    objects: [deploy({ container: { readinessProbe: undefined } })],
    fires: ["has no readinessProbe"],
  },
  {
    check: "readiness-probe",
    name: "Jobs are exempt",
    objects: [
      {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "j", namespace: "shop" },
        spec: { template: { spec: { containers: [{ name: "j", image: "x:1" }] } } },
      },
    ],
    fires: [],
  },
  {
    check: "liveness-probe",
    name: "missing",
    objects: [deploy({ container: { livenessProbe: undefined } })],
    fires: ["has no livenessProbe"],
  },
  {
    check: "single-replica-production",
    name: "1 replica in prod (context)",
    objects: [deploy({ spec: { replicas: 1 } })],
    context: { tier: "production" },
    fires: ["runs 1 replica(s) in production"],
  },
  {
    check: "single-replica-production",
    name: "1 replica in prod namespace",
    objects: [{ ...deploy({ spec: { replicas: 1 } }), metadata: { name: "web", namespace: "shop-prod" } }],
    fires: ["runs 1 replica(s)"],
  },
  {
    check: "single-replica-production",
    name: "1 replica in dev",
    objects: [deploy({ spec: { replicas: 1 } })],
    context: { tier: "dev" },
    fires: [],
  },
  {
    check: "pdb-required",
    name: "prod without PDB",
    objects: [deploy({ spec: { replicas: 3 } })],
    context: { tier: "production" },
    fires: ["no PodDisruptionBudget covers this Deployment"],
  },
  {
    check: "pdb-required",
    name: "prod with PDB",
    objects: [
      deploy({ spec: { replicas: 3 } }),
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web", namespace: "shop" },
        spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } },
      },
    ],
    context: { tier: "production" },
    fires: [],
  },
  {
    check: "pdb-blocks-evictions",
    name: "maxUnavailable 0",
    objects: [
      deploy(),
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web", namespace: "shop" },
        spec: { maxUnavailable: 0, selector: { matchLabels: { app: "web" } } },
      },
    ],
    fires: ["maxUnavailable 0 blocks every voluntary eviction"],
  },
  {
    check: "pdb-blocks-evictions",
    name: "minAvailable = replicas",
    objects: [
      deploy(),
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web", namespace: "shop" },
        spec: { minAvailable: 2, selector: { matchLabels: { app: "web" } } },
      },
    ],
    fires: ["minAvailable 2 equals the 2 replica(s) of Deployment web"],
  },
  {
    check: "pdb-blocks-evictions",
    name: "minAvailable < replicas",
    objects: [
      deploy({ spec: { replicas: 3 } }),
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web", namespace: "shop" },
        spec: { minAvailable: 2, selector: { matchLabels: { app: "web" } } },
      },
    ],
    fires: [],
  },
  {
    check: "pdb-blocks-evictions",
    name: "minAvailable = the autoscaler's minReplicas",
    objects: [
      deploy(),
      hpa(2, 10),
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web", namespace: "shop" },
        spec: { minAvailable: 2, selector: { matchLabels: { app: "web" } } },
      },
    ],
    fires: ["minAvailable 2 equals the 2 replica(s) of Deployment web"],
  },
  {
    check: "pdb-blocks-evictions",
    name: "minAvailable below the autoscaler's minReplicas",
    objects: [
      deploy(),
      hpa(3, 10),
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web", namespace: "shop" },
        spec: { minAvailable: 2, selector: { matchLabels: { app: "web" } } },
      },
    ],
    fires: [],
  },
  {
    check: "pdb-blocks-evictions",
    name: "minAvailable = replicas of a workload whose template has no pod spec yet",
    objects: [
      specless(1),
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web", namespace: "shop" },
        spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
      },
    ],
    fires: ["minAvailable 1 equals the 1 replica(s) of Deployment web"],
  },
  {
    check: "service-selector",
    name: "a Service for a workload whose template has labels but no pod spec",
    objects: [specless(1), svc()],
    fires: [],
  },
  {
    check: "hpa-min-max",
    name: "min > max",
    objects: [
      {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web", namespace: "shop" },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
          minReplicas: 5,
          maxReplicas: 2,
        },
      },
      deploy({ spec: { replicas: undefined } }),
    ],
    fires: ["minReplicas (5) is greater than maxReplicas (2)"],
  },
  {
    check: "hpa-replicas-conflict",
    name: "replicas with HPA",
    objects: [
      {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web", namespace: "shop" },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
          minReplicas: 2,
          maxReplicas: 4,
        },
      },
      deploy(),
    ],
    fires: ["replicas is set while HorizontalPodAutoscaler web scales this Deployment"],
  },
  {
    check: "latest-tag",
    name: "latest and untagged",
    objects: [
      deploy({ container: { image: "nginx:latest" } }),
      deploy({ name: "b", container: { image: "ghcr.io/acme/b" } }),
    ],
    fires: ["with the `latest` tag", "without a tag"],
  },
  {
    check: "latest-tag",
    name: "digest",
    objects: [deploy({ container: { image: `ghcr.io/acme/web@sha256:${"a".repeat(64)}` } })],
    fires: [],
  },
  {
    check: "image-pull-policy",
    name: "latest with IfNotPresent",
    objects: [deploy({ container: { image: "nginx:latest", imagePullPolicy: "IfNotPresent" } })],
    fires: ["imagePullPolicy IfNotPresent"],
  },
  {
    check: "image-pull-policy",
    name: "pinned with IfNotPresent",
    objects: [deploy({ container: { imagePullPolicy: "IfNotPresent" } })],
    fires: [],
  },
  {
    check: "duplicate-env",
    name: "twice",
    objects: [
      deploy({
        container: {
          env: [
            { name: "A", value: "1" },
            { name: "B", value: "x" },
            { name: "A", value: "2" },
          ],
        },
      }),
    ],
    fires: ["defines A more than once"],
  },
  // graph
  {
    check: "service-selector",
    name: "selector matches nothing",
    objects: [deploy(), svc({}, { selector: { app: "webb" } })],
    fires: ['Service selector {"app":"webb"} matches no pods in namespace shop'],
  },
  {
    check: "service-selector",
    name: "named targetPort missing",
    objects: [deploy(), svc({}, { ports: [{ port: 80, targetPort: "htp" }] })],
    fires: ["targetPort htp is not exposed"],
  },
  {
    check: "service-selector",
    name: "numeric targetPort not declared",
    objects: [deploy(), svc({}, { ports: [{ port: 80, targetPort: 9090 }] })],
    fires: ["targetPort 9090 is not exposed"],
  },
  { check: "service-selector", name: "matching", objects: [deploy(), svc()], fires: [] },
  {
    check: "service-selector",
    name: "other namespace does not count",
    objects: [deploy(), svc({ namespace: "other" })],
    fires: ["matches no pods in namespace other"],
  },
  {
    check: "route-backends",
    name: "Ingress to a missing Service",
    objects: [
      deploy(),
      svc(),
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "web", namespace: "shop" },
        spec: {
          rules: [
            {
              host: "a.acme.io",
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: "wbe", port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    ],
    fires: ["backend Service `wbe` does not exist in namespace shop — did you mean `web`?"],
  },
  {
    check: "route-backends",
    name: "a removed v1beta1 Ingress to a missing Service (serviceName)",
    objects: [deploy(), svc(), legacyIngress({ serviceName: "wbe", servicePort: 80 })],
    fires: ["backend Service `wbe` does not exist in namespace shop — did you mean `web`?"],
  },
  {
    check: "route-backends",
    name: "a removed v1beta1 Ingress to the Service's port",
    objects: [deploy(), svc(), legacyIngress({ serviceName: "web", servicePort: "http" })],
    fires: [],
  },
  {
    check: "route-backends",
    name: "Ingress to the wrong port",
    objects: [
      deploy(),
      svc(),
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "web", namespace: "shop" },
        spec: {
          rules: [
            {
              host: "a.acme.io",
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: "web", port: { number: 8080 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    ],
    fires: ["has no port 8080 (it has http:80)"],
  },
  {
    check: "route-backends",
    name: "HTTPRoute backend",
    objects: [
      deploy(),
      svc(),
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "web", namespace: "shop" },
        spec: {
          rules: [
            {
              backendRefs: [
                { name: "web", port: 80 },
                { name: "web-canary", port: 80 },
              ],
            },
          ],
        },
      },
    ],
    fires: ["backend Service `web-canary` does not exist"],
  },
  {
    check: "route-backends",
    name: "IngressRoute to a TraefikService that exists",
    objects: [
      deploy(),
      svc(),
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "TraefikService",
        metadata: { name: "wrr", namespace: "shop" },
        spec: { weighted: { services: [{ name: "web", port: 80 }] } },
      },
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "IngressRoute",
        metadata: { name: "web", namespace: "shop" },
        spec: {
          routes: [
            { match: "Host(`a.acme.io`)", kind: "Rule", services: [{ name: "wrr", kind: "TraefikService" }] },
          ],
        },
      },
    ],
    fires: [],
  },
  {
    check: "route-backends",
    name: "external Service declared",
    objects: [
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "web", namespace: "shop" },
        spec: {
          rules: [
            {
              host: "a.acme.io",
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: "legacy", port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    ],
    context: { external: { services: ["shop/legacy"] } },
    fires: [],
  },
  {
    check: "missing-configmap",
    name: "volume of a misspelt ConfigMap",
    objects: [
      deploy({ pod: { volumes: [{ name: "cfg", configMap: { name: "web-confg" } }] } }),
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web-config", namespace: "shop" }, data: {} },
    ],
    fires: [
      "ConfigMap `web-confg` (volume) is not in the bundle — did you mean `web-config`?: pods stay in ContainerCreating",
    ],
  },
  {
    check: "missing-configmap",
    name: "optional reference",
    objects: [
      deploy({
        container: {
          env: [{ name: "A", valueFrom: { configMapKeyRef: { name: "x", key: "a", optional: true } } }],
        },
      }),
    ],
    fires: [],
  },
  {
    check: "missing-configmap",
    name: "declared external",
    objects: [deploy({ container: { envFrom: [{ configMapRef: { name: "shared" } }] } })],
    context: { external: { configMaps: ["shared"] } },
    fires: [],
  },
  {
    check: "missing-secret",
    name: "env secret and pull secret",
    objects: [
      deploy({
        container: { env: [{ name: "P", valueFrom: { secretKeyRef: { name: "db", key: "p" } } }] },
        pod: { imagePullSecrets: [{ name: "regcred" }] },
      }),
    ],
    fires: ["Secret `db` (env)", "Secret `regcred` (imagePullSecrets)"],
  },
  {
    check: "missing-secret",
    name: "produced by a Certificate",
    objects: [
      deploy({ pod: { volumes: [{ name: "tls", secret: { secretName: "web-tls" } }] } }),
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: "web-tls", namespace: "shop" },
        spec: { secretName: "web-tls", issuerRef: { name: "le" } },
      },
    ],
    fires: [],
  },
  {
    check: "dangling-target",
    name: "HPA to a missing Deployment",
    objects: [
      deploy(),
      {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web", namespace: "shop" },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "wbe" }, maxReplicas: 3 },
      },
    ],
    fires: ["scaleTargetRef Deployment `wbe` does not exist in namespace shop — did you mean `web`?"],
  },
  {
    check: "dangling-target",
    name: "PDB and NetworkPolicy selecting nothing",
    objects: [
      deploy(),
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "x", namespace: "shop" },
        spec: { maxUnavailable: 1, selector: { matchLabels: { app: "x" } } },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "x", namespace: "shop" },
        spec: { podSelector: { matchLabels: { app: "x" } } },
      },
    ],
    fires: ["PodDisruptionBudget selector matches no pods", "podSelector selector matches no pods"],
  },
  {
    check: "dangling-target",
    name: "NetworkPolicy with empty selector selects all",
    objects: [
      deploy(),
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "deny", namespace: "shop" },
        spec: { podSelector: {} },
      },
    ],
    fires: [],
  },
  {
    check: "traefik-provider-flags",
    name: "cross-namespace and ExternalName",
    objects: [
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "bridge", namespace: "web" },
        spec: { type: "ExternalName", externalName: "x.y.svc" },
      },
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "TraefikService",
        metadata: { name: "wrr", namespace: "web" },
        spec: {
          weighted: {
            services: [
              { name: "canary", namespace: "canary", port: 80, weight: 10 },
              { name: "bridge", port: 80, weight: 90 },
            ],
          },
        },
      },
    ],
    fires: ["is in namespace canary, not web", "is an ExternalName Service"],
  },
  {
    check: "traefik-provider-flags",
    name: "flags enabled",
    objects: [
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "bridge", namespace: "web" },
        spec: { type: "ExternalName", externalName: "x.y.svc" },
      },
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "TraefikService",
        metadata: { name: "wrr", namespace: "web" },
        spec: { weighted: { services: [{ name: "bridge", port: 80 }] } },
      },
    ],
    context: { traefik: { allowExternalNameServices: true } },
    fires: [],
  },
  {
    check: "cert-manager-ingressroute",
    name: "annotation and no Certificate",
    objects: [
      deploy(),
      svc(),
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "IngressRoute",
        metadata: { name: "web", namespace: "shop", annotations: { "cert-manager.io/cluster-issuer": "le" } },
        spec: {
          routes: [{ match: "Host(`a.acme.io`)", kind: "Rule", services: [{ name: "web", port: 80 }] }],
          tls: { secretName: "web-tls" },
        },
      },
    ],
    fires: [
      "annotation cert-manager.io/cluster-issuer is ignored",
      "TLS Secret `web-tls` is not produced by any Certificate",
    ],
  },
  {
    check: "cert-manager-ingressroute",
    name: "with a Certificate",
    objects: [
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: "web-tls", namespace: "shop" },
        spec: { secretName: "web-tls", issuerRef: { name: "le" } },
      },
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "IngressRoute",
        metadata: { name: "web", namespace: "shop" },
        spec: { routes: [], tls: { secretName: "web-tls" } },
      },
    ],
    fires: [],
  },
  {
    check: "rollout-services",
    name: "identical and missing",
    objects: [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: { name: "web", namespace: "shop" },
        spec: {
          strategy: {
            canary: {
              canaryService: "web-svc",
              stableService: "web-svc",
              trafficRouting: { nginx: { stableIngress: "web" } },
            },
          },
        },
      },
    ],
    fires: [
      "both `web-svc`",
      "canaryService `web-svc` does not exist",
      "stableService `web-svc` does not exist",
    ],
  },
  {
    check: "rollout-services",
    name: "Istio subset routing needs no Services",
    objects: [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: { name: "web", namespace: "shop" },
        spec: {
          strategy: {
            canary: {
              trafficRouting: {
                istio: {
                  virtualService: { name: "vs" },
                  destinationRule: { name: "dr", canarySubsetName: "c", stableSubsetName: "s" },
                },
              },
            },
          },
        },
      },
    ],
    fires: [],
  },
  {
    check: "argocd-destination-namespace",
    name: "no source files in the bundle",
    objects: [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "a", namespace: "argocd" },
        spec: {
          destination: { server: "https://prod.acme.internal", namespace: "shop" },
          source: { repoURL: "https://git.acme.io/x", path: "apps/web" },
        },
      },
    ],
    fires: [],
  },
  // gitops
  {
    check: "placeholder-values",
    name: "example.com cluster and <host>",
    objects: [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "a", namespace: "argocd" },
        spec: {
          destination: { server: "https://cluster.example.com", namespace: "shop" },
          source: { repoURL: "https://github.com/acme/gitops", path: "x" },
        },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "web", namespace: "shop" },
        spec: { rules: [{ host: "<your-host>" }] },
      },
    ],
    fires: [
      "destination server `https://cluster.example.com` is a placeholder",
      "host `<your-host>` is a placeholder",
    ],
  },
  {
    check: "placeholder-values",
    name: "real values",
    objects: [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "a", namespace: "argocd" },
        spec: {
          destination: { server: "https://kubernetes.default.svc", namespace: "shop" },
          source: { repoURL: "https://github.com/acme/gitops", path: "x" },
        },
      },
    ],
    fires: [],
  },
  {
    check: "unrendered-template",
    name: "{{ }} and ${}",
    objects: [
      deploy({
        container: {
          image: "ghcr.io/acme/web:{{ .Values.tag }}",
          env: [{ name: "URL", value: "https://${DOMAIN}/api" }],
        },
      }),
    ],
    fires: [
      "unrendered template variable in `ghcr.io/acme/web:{{ .Values.tag }}`",
      "unrendered template variable in `https://${DOMAIN}/api`",
    ],
  },
  {
    check: "unrendered-template",
    name: "scripts, ConfigMap data and AnalysisTemplates are data",
    objects: [
      deploy({ container: { command: ["sh", "-c", "echo ${HOME}"] } }),
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "c", namespace: "shop" },
        data: { "nginx.conf": "set $x ${y};" },
      },
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AnalysisTemplate",
        metadata: { name: "g", namespace: "shop" },
        spec: { metrics: [{ name: "m", provider: { prometheus: { query: "{{args.service}}" } } }] },
      },
    ],
    fires: [],
  },
  {
    check: "private-registry-pull-secret",
    name: "ECR without pull secret",
    objects: [deploy({ container: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1" } })],
    fires: ["pulls from private registry 123456789012.dkr.ecr.us-east-1.amazonaws.com"],
  },
  {
    check: "private-registry-pull-secret",
    name: "ECR with pull secret on the ServiceAccount",
    objects: [
      deploy({
        container: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1" },
        pod: { serviceAccountName: "web" },
      }),
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "web", namespace: "shop" },
        imagePullSecrets: [{ name: "ecr" }],
      },
    ],
    fires: [],
  },
  {
    check: "private-registry-pull-secret",
    name: "configured private registry",
    objects: [deploy({ container: { image: "registry.acme.io/web:1" } })],
    context: { privateRegistries: ["acme.io"] },
    fires: ["private registry registry.acme.io"],
  },
  {
    check: "production-auto-prune",
    name: "prod auto-prune",
    objects: [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "web-prod", namespace: "argocd" },
        spec: {
          destination: { server: "https://prod.acme.internal", namespace: "shop" },
          source: { repoURL: "https://github.com/acme/gitops", path: "x" },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    ],
    fires: ["production Application `web-prod` syncs automatically with prune"],
  },
  {
    check: "production-auto-prune",
    name: "dev auto-prune",
    objects: [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "web-dev", namespace: "argocd" },
        spec: {
          destination: { server: "https://kubernetes.default.svc", namespace: "shop-dev" },
          source: { repoURL: "https://github.com/acme/gitops", path: "x" },
          syncPolicy: { automated: { prune: true } },
        },
      },
    ],
    fires: [],
  },
  {
    check: "namespace-alignment",
    name: "one object elsewhere",
    objects: [
      deploy({
        labels: { "app.kubernetes.io/instance": "web" },
        meta: { labels: { "app.kubernetes.io/instance": "web" } },
      }),
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web", namespace: "shop", labels: { "app.kubernetes.io/instance": "web" } },
        spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/instance": "web" } } },
      },
      svc({ namespace: "default", labels: { "app.kubernetes.io/instance": "web" } }),
    ],
    fires: ["Service `web` is in namespace default, but the other objects of app web are in shop"],
  },
  {
    check: "namespace-alignment",
    name: "all in one namespace",
    objects: [
      deploy({
        labels: { "app.kubernetes.io/instance": "web" },
        meta: { labels: { "app.kubernetes.io/instance": "web" } },
      }),
      svc({ labels: { "app.kubernetes.io/instance": "web" } }),
    ],
    fires: [],
  },
  {
    check: "cpu-limit",
    name: "no cpu limit",
    objects: [
      deploy({
        container: { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } } },
      }),
    ],
    fires: ["no cpu limit"],
  },
  // --- ApplicationSets (each generated Application reviewed) ---
  ...appsetCases(),
  ...referenceCases(),
];

function referenceCases(): Case[] {
  const cm = (name: string, data: O): O => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "shop" },
    data,
  });
  const sa = (name: string): O => ({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace: "shop" },
  });
  const env = (key: string) => ({
    env: [{ name: "MODE", valueFrom: { configMapKeyRef: { name: "cfg", key } } }],
  });
  const np = (peer: O): O => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "web", namespace: "shop" },
    spec: { podSelector: { matchLabels: { app: "web" } }, ingress: [{ from: [peer] }] },
  });
  return [
    {
      check: "missing-key",
      name: "a key the ConfigMap lacks",
      objects: [deploy({ container: env("mdoe") }), cm("cfg", { mode: "x" })],
      fires: ["ConfigMap `cfg` has no key `mdoe` (env) — did you mean `mode`?"],
    },
    {
      check: "missing-key",
      name: "an existing key",
      objects: [deploy({ container: env("mode") }), cm("cfg", { mode: "x" })],
      fires: [],
    },
    {
      check: "service-account-exists",
      name: "a ServiceAccount that is not there",
      objects: [deploy({ pod: { serviceAccountName: "web-runner" } }), sa("web")],
      fires: ["ServiceAccount `web-runner` is not in the bundle — did you mean `web`?"],
    },
    {
      check: "service-account-exists",
      name: "the ServiceAccount exists",
      objects: [deploy({ pod: { serviceAccountName: "web" } }), sa("web")],
      fires: [],
    },
    {
      check: "selector-matches-template",
      name: "selector and labels differ",
      objects: [deploy({ spec: { selector: { matchLabels: { app: "api" } } } })],
      fires: ["spec.selector does not match the pod template's labels (app=web)"],
      path: "/spec/selector",
    },
    { check: "selector-matches-template", name: "selector matches", objects: [deploy()], fires: [] },
    {
      check: "selector-matches-template",
      name: "a DeploymentConfig's map selector and labels differ",
      objects: [deploymentConfig({ app: "api" }, { app: "web" })],
      fires: ["spec.selector does not match the pod template's labels (app=web)"],
      path: "/spec/selector",
    },
    {
      check: "selector-matches-template",
      name: "a DeploymentConfig's map selector matches",
      objects: [deploymentConfig({ app: "web" }, { app: "web", tier: "front" })],
      fires: [],
    },

    {
      check: "probe-port",
      name: "a named port the container lacks",
      objects: [deploy({ container: { readinessProbe: { httpGet: { path: "/", port: "htp" } } } })],
      fires: [
        "readinessProbe of container `web` uses port `htp`, which the container does not define — did you mean `http`?",
      ],
    },
    { check: "probe-port", name: "the container's port", objects: [deploy()], fires: [] },
    {
      check: "network-policy-peer",
      name: "a peer that selects nothing",
      objects: [deploy(), deploy({ name: "api" }), np({ podSelector: { matchLabels: { app: "apii" } } })],
      fires: [
        'ingress peer podSelector {"matchLabels":{"app":"apii"}} selects no pods in namespace shop: the rule allows nothing — did you mean `api`?',
      ],
    },
    {
      check: "network-policy-peer",
      name: "a peer that exists",
      objects: [deploy(), deploy({ name: "api" }), np({ podSelector: { matchLabels: { app: "api" } } })],
      fires: [],
    },
    {
      check: "network-policy-peer",
      name: "a peer the context declares outside the bundle (an intent's allowFrom)",
      objects: [deploy(), np({ podSelector: { matchLabels: { app: "checkout" } } })],
      context: { external: { pods: [{ app: "checkout" }] } },
      fires: [],
    },
    {
      check: "network-policy-peer",
      name: "a declared outside peer does not cover another selector",
      objects: [deploy(), np({ podSelector: { matchLabels: { app: "checkout", tier: "x" } } })],
      context: { external: { pods: [{ app: "checkout" }] } },
      fires: [
        'ingress peer podSelector {"matchLabels":{"app":"checkout","tier":"x"}} selects no pods in namespace shop: the rule allows nothing',
      ],
    },
  ];
}

function appsetCases(): Case[] {
  const appset = (
    elements: Record<string, unknown>[],
    spec: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: "shop", namespace: "argocd" },
    spec: {
      generators: [{ list: { elements } }],
      template: {
        metadata: { name: "shop-{{env}}" },
        spec: {
          project: "default",
          source: { repoURL: "https://git.acme.io/shop.git", path: "apps/shop/{{env}}" },
          destination: { server: "{{server}}", namespace: "shop-{{env}}" },
          syncPolicy: { syncOptions: ["CreateNamespace=true"] },
          ...spec,
        },
      },
      ...extra,
    },
  });
  const envs = [
    { env: "dev", server: "https://dev.acme.internal" },
    { env: "prod", server: "https://prod.acme.internal" },
  ];
  return [
    {
      check: "appset-placeholder",
      name: "example.com cluster",
      objects: [appset([{ env: "dev", server: "https://dev.example.com" }], {})],
      fires: ["`https://dev.example.com`: a placeholder"],
      path: "/spec/template/spec/destination/server",
    },
    { check: "appset-placeholder", name: "real clusters", objects: [appset(envs, {})], fires: [] },
    {
      check: "appset-unrendered",
      name: "a parameter no generator has",
      objects: [appset(envs, { source: { repoURL: "https://git.acme.io/shop.git", path: "apps/{{envv}}" } })],
      fires: ["no generator provides `envv` — did you mean `env`?"],
    },
    { check: "appset-unrendered", name: "every parameter provided", objects: [appset(envs, {})], fires: [] },
    {
      check: "appset-cross-product",
      name: "two Applications per name",
      objects: [appset([...envs, { env: "dev", server: "https://dev2.acme.internal" }], {})],
      fires: ["2 generated Applications are named `shop-dev`"],
    },
    { check: "appset-cross-product", name: "one per name", objects: [appset(envs, {})], fires: [] },
    {
      check: "appset-public-registry",
      name: "docker.io in production",
      objects: [
        appset(envs, {
          source: {
            repoURL: "https://git.acme.io/shop.git",
            path: "x/{{env}}",
            kustomize: { images: ["shop=docker.io/acme/shop:1.0"] },
          },
        }),
      ],
      fires: ["deploys production from the public registry docker.io"],
    },
    {
      check: "appset-pull-secret",
      name: "the organisation's registry with a pull secret",
      objects: [
        appset(
          envs.map((e) => ({ ...e, pullSecret: "ecr" })),
          {
            source: {
              repoURL: "https://git.acme.io/shop.git",
              path: "x/{{env}}",
              kustomize: { images: ["shop=1234.dkr.ecr.eu-west-1.amazonaws.com/shop:1.0"] },
            },
          },
        ),
      ],
      fires: [],
    },
    {
      check: "appset-public-registry",
      name: "the organisation's registry",
      objects: [
        appset(envs, {
          source: {
            repoURL: "https://git.acme.io/shop.git",
            path: "x/{{env}}",
            kustomize: { images: ["shop=registry.acme.io/shop:1.0"] },
          },
        }),
      ],
      fires: [],
    },
    {
      check: "appset-pull-secret",
      name: "ECR without a pull secret",
      objects: [
        appset(envs, {
          source: {
            repoURL: "https://git.acme.io/shop.git",
            path: "x/{{env}}",
            kustomize: { images: ["shop=1234.dkr.ecr.eu-west-1.amazonaws.com/shop:1.0"] },
          },
        }),
      ],
      fires: [
        "pulls from the private registry 1234.dkr.ecr.eu-west-1.amazonaws.com",
        "pulls from the private registry 1234.dkr.ecr.eu-west-1.amazonaws.com",
      ],
    },
    {
      check: "appset-sync-policy",
      name: "prune everywhere",
      objects: [appset(envs, { syncPolicy: { automated: { prune: true } } })],
      fires: ["syncs automatically with prune in production", "gets the same automated sync policy"],
    },
    { check: "appset-sync-policy", name: "manual sync", objects: [appset(envs, {})], fires: [] },
    {
      check: "appset-namespaces",
      name: "one namespace on one cluster",
      objects: [
        appset(
          [
            { env: "dev", server: "https://k" },
            { env: "prod", server: "https://k" },
          ],
          { destination: { server: "{{server}}", namespace: "shop" } },
        ),
      ],
      fires: ["deploy into the same destination https://k shop", "deploys into namespace `shop`"],
    },
    {
      check: "appset-namespaces",
      name: "a namespace per environment",
      objects: [appset(envs, {})],
      fires: [],
    },
    {
      check: "appset-offline",
      name: "a git generator",
      objects: [
        {
          ...appset(envs, {}),
          spec: {
            generators: [{ git: { repoURL: "https://x", directories: [{ path: "*" }] } }],
            template: {},
          },
        },
      ],
      fires: ["not reviewed offline: the git generator needs a live repository"],
    },
    { check: "appset-offline", name: "a list generator", objects: [appset(envs, {})], fires: [] },
  ];
}

describe("built-in checks", () => {
  it("every built-in check has at least one firing and one quiet case", () => {
    for (const c of BUILTIN_CHECKS) {
      const own = cases.filter((x) => x.check === c.id);
      if (c.id === "argocd-destination-namespace") continue; // needs source files: test/validate/validate-cli.test.ts
      expect(
        own.some((x) => x.fires.length > 0),
        `${c.id} has no firing case`,
      ).toBe(true);
      if (
        ![
          "single-replica-production",
          "duplicate-env",
          "memory-limit",
          "liveness-probe",
          "hpa-min-max",
          "hpa-replicas-conflict",
          "cpu-limit",
        ].includes(c.id)
      ) {
        expect(
          own.some((x) => x.fires.length === 0),
          `${c.id} has no quiet case`,
        ).toBe(true);
      }
    }
  });

  it.each(cases)("$check: $name", (c) => {
    const got = findings(c.objects, c.check, c.context);
    expect(got.map((f) => f.message).sort()).toHaveLength(c.fires.length);
    for (const fragment of c.fires) {
      expect(
        got.some((f) => f.message.includes(fragment)),
        `no finding contains ${JSON.stringify(fragment)} in ${JSON.stringify(got.map((f) => f.message))}`,
      ).toBe(true);
    }
    if (c.path) expect(got[0]?.path).toBe(c.path);
    for (const f of got) {
      expect(f.remediation).toBeTruthy();
      expect(f.object?.kind).toBeTruthy();
    }
  });
});
