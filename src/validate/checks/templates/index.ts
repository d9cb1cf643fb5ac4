/** The template registry: every template by key. */
import type { Template } from "../types.js";
import * as security from "./security.js";
import * as reliability from "./reliability.js";
import * as graph from "./graph.js";
import * as gitops from "./gitops.js";
import * as appset from "./appset.js";
import * as references from "./references.js";

const all = [
  security.privileged,
  security.privilegeEscalation,
  security.runAsNonRoot,
  security.capabilities,
  security.hostNamespaces,
  security.hostPorts,
  security.volumeTypes,
  security.seccomp,
  security.readOnlyRootFilesystem,
  security.serviceAccountToken,
  security.procMountSysctls,
  security.literalSecrets,
  reliability.resources,
  reliability.probes,
  reliability.minReplicas,
  reliability.needsPdb,
  reliability.pdbBlocks,
  reliability.hpaRange,
  reliability.hpaReplicasConflict,
  reliability.imageTag,
  reliability.imagePullPolicy,
  reliability.duplicateEnv,
  reliability.quantities,
  graph.serviceSelector,
  graph.ingressBackends,
  graph.missingReferences,
  graph.targetsSomething,
  graph.traefikProviderFlags,
  graph.certManagerOnIngressRoute,
  graph.rolloutServices,
  graph.argoDestination,
  references.missingKeys,
  references.serviceAccountExists,
  references.selectorMatchesTemplate,
  references.probePorts,
  references.networkPolicyPeers,
  gitops.placeholders,
  appset.appsetPlaceholders,
  appset.appsetUnrendered,
  appset.appsetCrossProduct,
  appset.appsetRegistries,
  appset.appsetSync,
  appset.appsetNamespaces,
  appset.appsetOffline,
  gitops.unrendered,
  gitops.privateRegistryPullSecret,
  gitops.productionSync,
  gitops.namespaceAlignment,
] as unknown as Template<Record<string, unknown>>[];

export const TEMPLATES: Record<string, Template<Record<string, unknown>>> = Object.fromEntries(
  all.map((t) => [t.key, t]),
);
