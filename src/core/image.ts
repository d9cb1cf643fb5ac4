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
