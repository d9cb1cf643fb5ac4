/**
 * An `app.kubernetes.io/version` label written in the intent stays in step with the image: kintent derives the
 * label from the image tag, but a label written by hand wins — so an image change must carry a hand-written
 * label along, or every object would keep announcing the old release.
 */
import { LABELS } from "../defaults.js";
import { imageVersion } from "../resolve.js";
import type { AppDocument, Path } from "./app-document.js";

/**
 * After the image of the app (env undefined) or of one environment changed from `before` to `after`: a
 * version label that named the old image's version names the new one. With an environment, a label written
 * for the whole app that named the old version is overridden there (it would otherwise win with the old
 * value). A label naming anything else is a deliberate choice and is left alone.
 */
export function keepVersionLabelInStep(
  doc: AppDocument,
  env: string | undefined,
  before: string | undefined,
  after: string,
): void {
  if (before === undefined) return;
  const was = imageVersion(before);
  const now = imageVersion(after);
  if (was === now) return;
  const appLabel: Path = ["metadata", "labels", LABELS.version];
  if (env === undefined) {
    if (doc.get(appLabel) === was) doc.set(appLabel, now);
    return;
  }
  const envLabel: Path = ["spec", "environments", env, "labels", LABELS.version];
  const current = doc.get(envLabel);
  if (current === was || (current === undefined && doc.get(appLabel) === was)) doc.set(envLabel, now);
}
