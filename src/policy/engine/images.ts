/**
 * Container image references (distribution/reference, as Kyverno's `GetImageInfo` uses it with the default
 * registry `docker.io`) and the `images` context variable built from a Pod or pod controller.
 */
import { isObject } from "../json.js";

export interface ImageInfo {
  registry?: string;
  name: string;
  path: string;
  tag?: string;
  digest?: string;
  reference?: string;
  referenceWithTag?: string;
}

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE_RE = new RegExp(
  `^(${NAME})(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

function addDefaultRegistry(name: string): string {
  const i = name.indexOf("/");
  if (i === -1) return `docker.io/${name}`;
  const first = name.slice(0, i);
  if (!/[.:]/.test(first) && first !== "localhost" && first.toLowerCase() === first)
    return `docker.io/${name}`;
  return name;
}

/** `imageutils.GetImageInfo`; undefined when the reference does not parse. */
export function parseImage(image: string): ImageInfo | undefined {
  const full = addDefaultRegistry(image);
  const m = REFERENCE_RE.exec(full);
  if (!m) return undefined;
  const named = m[1] ?? "";
  if (named.length > 255) return undefined;
  // After addDefaultRegistry the first path component is always the registry domain.
  const slash = named.indexOf("/");
  const registry = slash >= 0 ? named.slice(0, slash) : "";
  const path = slash >= 0 ? named.slice(slash + 1) : named;
  const name = path.slice(path.lastIndexOf("/") + 1);
  let tag = m[2] ?? "";
  const digest = m[3] ?? "";
  if (digest === "" && tag === "") tag = "latest";
  const referenceWithTag = registry !== "" ? `${registry}/${path}:${tag}` : `${path}:${tag}`;
  const base = registry !== "" ? `${registry}/${path}` : path;
  const reference = digest !== "" ? `${base}@${digest}` : `${base}:${tag}`;
  const info: ImageInfo = { name, path, referenceWithTag, reference };
  if (registry !== "") info.registry = registry;
  if (tag !== "") info.tag = tag;
  if (digest !== "") info.digest = digest;
  const parts = path.split("/");
  if (parts.length > 1 && registry === "" && (parts[0] ?? "").includes("_")) {
    info.registry = parts[0] ?? "";
    info.path = parts.slice(1).join("/");
  }
  return info;
}

const SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  DaemonSet: ["spec", "template", "spec"],
  Deployment: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export class InvalidImageError extends Error {
  override name = "InvalidImageError";
}

/**
 * The `images` variable: `{containers: {<name>: ImageInfo & {jsonPointer}}, initContainers: …,
 * ephemeralContainers: …}`. Throws InvalidImageError for an unparsable image.
 */
export function extractImages(resource: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const kind = typeof resource.kind === "string" ? resource.kind : "";
  const specPath = SPEC_PATHS[kind];
  const out: Record<string, Record<string, unknown>> = {};
  if (!specPath) return out;
  let spec: unknown = resource;
  for (const p of specPath) spec = isObject(spec) ? spec[p] : undefined;
  for (const tag of ["initContainers", "containers", "ephemeralContainers"]) {
    const list = isObject(spec) ? spec[tag] : undefined;
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new InvalidImageError("invalid type");
    const infos: Record<string, unknown> = {};
    const pullSecrets: string[] = [];
    if (isObject(spec) && Array.isArray(spec.imagePullSecrets)) {
      for (const s of spec.imagePullSecrets)
        if (isObject(s) && typeof s.name === "string") pullSecrets.push(s.name);
    }
    list.forEach((c, i) => {
      if (!isObject(c)) throw new InvalidImageError("invalid image config");
      const pointer = `/${[...specPath, tag, String(i)].join("/")}/image`;
      const key = c.name;
      if (typeof key !== "string") throw new InvalidImageError("invalid key");
      const image = c.image;
      if (typeof image !== "string" || image.trim() === "") return;
      const info = parseImage(image);
      if (!info) throw new InvalidImageError(`invalid image '${image}'`);
      infos[key] = {
        ...info,
        jsonPointer: pointer,
        imagePullSecrets: pullSecrets.length > 0 ? pullSecrets : null,
      };
    });
    if (Object.keys(infos).length > 0) out[tag] = infos;
  }
  return out;
}
