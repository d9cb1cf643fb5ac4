/**
 * Every remaining disagreement with kube-linter's and kube-score's fixtures, with the reason we differ on
 * purpose (key: `<their check>: <case id>` as linter-agreement.ts names it). test/validate/linter-fixtures.test.ts
 * fails when a disagreement appears or disappears without this table following.
 */
const SINGLE_REPLICA =
  "replicas unset (1): a PDB on a single replica would block drains; ours asks for one from 2 replicas";
const PSS_HOST_PATH =
  "restricted PSS forbids every hostPath volume; kube-linter flags only the Docker socket";
const PSS_DROP_ALL = "restricted PSS requires dropping ALL; kube-linter accepts dropping NET_RAW";
const PULL_POLICY =
  "a pinned tag with the default pull policy (IfNotPresent) or Never is fine for ours; only mutable tags need Always (kube-score wants Always everywhere)";
const SECCOMP_ANNOTATION = "seccomp through the alpha annotation, ignored by kubelets since Kubernetes 1.27";
const V1BETA1_FIELDS =
  "a networking.k8s.io/v1 Ingress with v1beta1 backend fields: the schema check reports `serviceName`/`servicePort` as unknown (error); no Service is named to follow";

const PROBES_EVERYWHERE =
  "ours asks every serving container for readiness and liveness probes; kube-score asks only pods a Service targets, and accepts the two probes on different containers";

export const LINTER_EXPLAINED: Record<string, string> = {
  "minimum-three-replicas: minimum-three-replicas.yml#DeploymentConfig/app":
    "ours counts replicas of Deployment, StatefulSet and Rollout; OpenShift's DeploymentConfig (deprecated since OpenShift 4.14) is out of its scope",
  "Pod Probes: pod-probes-targeted-by-service-different-namespace.yaml": PROBES_EVERYWHERE,
  "Pod Probes: pod-probes-not-targeted-by-service.yaml": PROBES_EVERYWHERE,
  "Pod Probes: pod-probes-not-targeted-by-service-multi-labels.yaml": PROBES_EVERYWHERE,
  "Pod Probes: pod-probes-on-different-containers.yaml": PROBES_EVERYWHERE,
  "dangling-networkpolicypeer-podselector: dangling-networkpolicypeer-podselector.yml#NetworkPolicy/app":
    "the fixture holds no pods at all: ours compares peers only with pods of the bundle (a policy shipped alone guards pods deployed elsewhere) and reports the policy's own podSelector (dangling-target) instead",
  "docker-sock: docker-sock.yml#Deployment/dont-fire": PSS_HOST_PATH,
  "docker-sock: docker-sock.yml#DeploymentConfig/dont-fire": PSS_HOST_PATH,
  "drop-net-raw-capability: drop-net-raw-capability.yml#Deployment/dont-fire": PSS_DROP_ALL,
  "drop-net-raw-capability: drop-net-raw-capability.yml#DeploymentConfig/dont-fire": PSS_DROP_ALL,
  "pdb-min-available: pdb-min-available.yaml#PodDisruptionBudget/baz":
    "the Deployment has no pod template at all, so no pod labels to select; kube-linter still pairs the PDB with that Deployment",
  "Container Image Pull Policy: pod-image-pullpolicy-undefined.yaml": PULL_POLICY,
  "Container Image Pull Policy: pod-image-pullpolicy-never.yaml": PULL_POLICY,
  "Container Seccomp Profile: pod-seccomp-annotated.yaml": SECCOMP_ANNOTATION,
  "Container Seccomp Profile: pod-seccomp-annotated-annotation-optional.yaml": SECCOMP_ANNOTATION,
  "Deployment has PodDisruptionBudget: deployment-poddisruptionbudget-v1beta1-expression-no-match.yaml":
    SINGLE_REPLICA,
  "Deployment has PodDisruptionBudget: deployment-poddisruptionbudget-v1beta1-no-match.yaml": SINGLE_REPLICA,
  "Deployment has PodDisruptionBudget: deployment-poddisruptionbudget-v1-no-match.yaml": SINGLE_REPLICA,
  "Deployment has PodDisruptionBudget: deployment-poddisruptionbudget-v1-different-namespace.yaml":
    SINGLE_REPLICA,
  "StatefulSet has PodDisruptionBudget: statefulset-poddisruptionbudget-v1beta1-expression-no-match.yaml":
    SINGLE_REPLICA,
  "StatefulSet has PodDisruptionBudget: statefulset-poddisruptionbudget-v1beta1-no-match.yaml":
    SINGLE_REPLICA,
  "Ingress targets Service: ingress-v1-invalid-backend.yaml": V1BETA1_FIELDS,
  "Ingress targets Service: ingress_issue363.yaml": V1BETA1_FIELDS,
  "Stable version: cronjob-batchv1beta1.yaml":
    "kube-score's test targets Kubernetes 1.18; batch/v1beta1 CronJob was removed in 1.25 and the API server refuses it",
};
