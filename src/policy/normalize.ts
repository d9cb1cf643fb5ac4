/**
 * Prepares a manifest the way the Kyverno CLI loads it (namespaces defaulted, nil maps emptied).
 */
import { isClusterScoped } from "../core/k8s-resources.js";
import { isObject } from "./json.js";

const NIL_MAP_FIELDS = new Set([
  "annotations",
  "labels",
  "matchLabels",
  "nodeSelector",
  "data",
  "stringData",
]);

function normalizeNilMaps(obj: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v === null && NIL_MAP_FIELDS.has(k)) {
      obj[k] = {};
      continue;
    }
    if (isObject(v)) normalizeNilMaps(v);
    else if (Array.isArray(v)) for (const item of v) if (isObject(item)) normalizeNilMaps(item);
  }
}

/**
 * Prepares a manifest the way the Kyverno CLI loads it: namespaced kinds without a namespace go to `default`,
 * and null `labels`/`annotations`/… become empty maps. Mutates and returns the object.
 */
export function normalizeResource(resource: Record<string, unknown>): Record<string, unknown> {
  const apiVersion = typeof resource.apiVersion === "string" ? resource.apiVersion : "";
  const kind = typeof resource.kind === "string" ? resource.kind : "";
  const md = isObject(resource.metadata) ? resource.metadata : undefined;
  const ns = md && typeof md.namespace === "string" ? md.namespace : "";
  if (ns === "" && !isClusterScoped(apiVersion, kind)) {
    if (md) md.namespace = "default";
    else resource.metadata = { namespace: "default" };
  }
  normalizeNilMaps(resource);
  return resource;
}
