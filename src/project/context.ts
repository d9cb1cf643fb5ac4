/**
 * What the validator may assume about an app's compiled objects beyond what is in them: the environment and
 * tier, the platform's Traefik flags, and the objects the intent and platform declare to exist outside the
 * bundle. Pure.
 */
import type { ResolvedApp } from "../intent/types.js";
import type { ValidationContext } from "../validate/index.js";

/**
 * Secrets the intent references (env, envFrom, files) and the environment's pull secrets are declared by the
 * intent and platform to live outside Git — Secrets never belong in an intent — so they are external.
 * ConfigMaps are *not*: a ConfigMap the intent references must be generated (files), be under `extra/`, or be
 * listed in `.kintent.yaml` `external.configMaps` — a name mismatch there leaves pods in ContainerCreating,
 * and the build catches it exactly as `kintent validate` does on the printed manifests. How each registry
 * authenticates (the platform's `registries`) tells the pull-secret check which images need no secret.
 */
export function appContext(app: ResolvedApp): ValidationContext {
  const secrets = new Set<string>();
  const envs = [...app.env, ...(app.rollout.value.weighted?.env ?? [])];
  for (const e of envs) if ("secret" in e) secrets.add(e.secret);
  for (const f of app.envFrom) if ("secret" in f) secrets.add(f.secret);
  for (const f of [...app.files, ...(app.rollout.value.weighted?.files ?? [])])
    if (f.kind === "secret") secrets.add(f.name);
  for (const s of app.imagePullSecrets.value) secrets.add(s);
  if (app.expose?.value.tls && !app.platform.tls) secrets.add(app.expose.value.tlsSecret);
  const registryAuth = Object.fromEntries(
    Object.entries(app.platform.registries).map(([k, r]) => [k, r.auth]),
  );
  // Peers in the app's own namespace that `network.allowFrom` names: other apps, outside this bundle by design.
  const pods = app.network.value.allowFrom
    .filter((p) => p.namespace === undefined)
    .map((p) => ({ ...(p.app ? { "app.kubernetes.io/name": p.app } : {}), ...(p.podLabels ?? {}) }))
    .filter((l) => Object.keys(l).length > 0);
  return {
    ...(Object.keys(registryAuth).length > 0 ? { registryAuth } : {}),
    environment: app.environment.name,
    tier: app.tier.value,
    external: { secrets: [...secrets].sort(), ...(pods.length > 0 ? { pods } : {}) },
    traefik: {
      allowCrossNamespace: app.platform.ingress.allowCrossNamespace,
      allowExternalNameServices: app.platform.ingress.allowExternalNameServices,
    },
  };
}
