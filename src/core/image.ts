/** Splitting container image references (`[registry/]path[:tag][@digest]`), shared by every stage. */

export interface ImageParts {
  /** Registry host (with port), absent for short names such as `nginx` or `acme/shop`. */
  registry?: string;
  /** Repository path without the registry, e.g. `acme/shop`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Split a reference the way the reference grammar does, without validating it: the first path component is a
 * registry when it holds a `.` or `:` or is `localhost`; a `:` after the last `/` starts the tag.
 */
export function splitImage(image: string): ImageParts {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split("/");
  let registry: string | undefined;
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    registry = first;
    parts.shift();
  }
  return {
    repository: parts.join("/"),
    ...(registry !== undefined ? { registry } : {}),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * The longest registry key (`host` or `host/path-prefix`, lower-case host) that `image` comes from, among
 * `keys`. An image without a registry comes from docker.io.
 */
export function matchRegistry(image: string, keys: readonly string[]): string | undefined {
  const p = splitImage(image.trim());
  if (p.repository === "") return undefined;
  const name = `${(p.registry ?? "docker.io").toLowerCase()}/${p.repository}`;
  let best: string | undefined;
  for (const k of keys)
    if ((name === k || name.startsWith(`${k}/`)) && (best === undefined || k.length > best.length)) best = k;
  return best;
}
