/** The image an `image` or `canary-image` operation asks for: a full reference, or a new tag on a base. */
import { formatImage, parseImage } from "../values.js";
import type { AppDocument, Path } from "./app-document.js";
import { OpFailure } from "./op-failure.js";

/** New image reference from an `image` or a `tag` (relative to `base`, default the current value). */
export function imageFrom(
  doc: AppDocument,
  op: { image?: string | undefined; tag?: string | undefined },
  path: Path,
  base?: string,
): string {
  if ((op.image === undefined) === (op.tag === undefined))
    throw new OpFailure(`${op.image === undefined ? "give" : "give only"} one of image, tag`);
  if (op.image !== undefined) {
    if (!parseImage(op.image)) throw new OpFailure(`\`${op.image}\` is not an image reference`);
    return op.image;
  }
  const current =
    base ?? (doc.get(path) as string | undefined) ?? (doc.get(["spec", "image"]) as string | undefined);
  const ref = typeof current === "string" ? parseImage(current) : undefined;
  if (!ref) throw new OpFailure("tag: the current image is not a valid reference; give the full image");
  const tag = String(op.tag).replace(/^:/, "");
  const next = formatImage({
    ...(ref.registry ? { registry: ref.registry } : {}),
    repository: ref.repository,
    tag,
  });
  if (!parseImage(next)) throw new OpFailure(`\`${tag}\` is not a valid tag`);
  return next;
}
