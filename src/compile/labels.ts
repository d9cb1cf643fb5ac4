import { LABELS } from "../intent/defaults.js";
import { sortKeys } from "../intent/resolve.js";
import type { ResolvedApp } from "../intent/types.js";

export type Track = "stable" | "canary";

/** Instance name: the app, or `<app>-canary` for the live canary of weighted routing. */
export function instanceName(app: ResolvedApp, track: Track = "stable"): string {
  return track === "canary" ? `${app.name}-canary` : app.name;
}

/**
 * Labels that select the app's pods. Immutable once deployed, so they never include the version. The intent's
 * `selector` replaces name and instance (an adopted workload keeps its own; the resolver refuses it with a
 * weighted canary, whose track needs the instance label).
 */
export function selectorLabels(app: ResolvedApp, track: Track = "stable"): Record<string, string> {
  if (app.selector) return { ...app.selector };
  return { [LABELS.name]: app.name, [LABELS.instance]: instanceName(app, track) };
}

/** The version of a track: the weighted canary's own (its image tag), else the app's. */
export function versionOf(app: ResolvedApp, track?: Track): string {
  const canary = app.rollout.value.weighted;
  return track === "canary" && canary ? canary.version : app.version;
}

/**
 * Labels on every object: organisation and platform labels (the weighted canary's own over them on its
 * objects), then the recommended app.kubernetes.io set — the version included, so every object says which
 * release it belongs to.
 */
export function commonLabels(app: ResolvedApp, track?: Track): Record<string, string> {
  const canary = track === "canary" ? app.rollout.value.weighted : undefined;
  return sortKeys({
    ...app.labels,
    ...(canary?.labels ?? {}),
    ...selectorLabels(app, track ?? "stable"),
    [LABELS.version]: versionOf(app, track),
    [LABELS.managedBy]: "kintent",
    [LABELS.environment]: app.environment.name,
    [LABELS.tier]: app.tier.value,
    ...(track ? { [LABELS.track]: track } : {}),
  });
}

/** Labels for pods (and their workloads). */
export function podLabels(app: ResolvedApp, track?: Track): Record<string, string> {
  return commonLabels(app, track);
}

/** `metadata` for an object of this app. */
export function meta(
  app: ResolvedApp,
  name: string,
  options: {
    namespace?: string | null;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    track?: Track;
  } = {},
): {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
} {
  const ns = options.namespace === null ? undefined : (options.namespace ?? app.environment.namespace);
  const annotations = sortKeys({ ...app.annotations, ...(options.annotations ?? {}) });
  return {
    name,
    ...(ns ? { namespace: ns } : {}),
    labels: options.labels ?? commonLabels(app, options.track),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}
