/**
 * Preview an edit of an intent directory without writing it: build and validate every environment through the
 * engine before and after (the edited files as an in-memory overlay of the same project, so the same
 * `.kintent.yaml` checks and team policies apply), and diff the manifests object by object. Shared by
 * `kintent set` and `kintent ask`. Writes nothing.
 */
import type { Finding } from "../core/finding.js";
import { dedupeFindings } from "../core/finding.js";
import { diffObjects } from "../core/diff.js";
import type { ObjectChange } from "../core/diff.js";
import type { Project } from "../project/index.js";

export interface PreviewOptions {
  /** Only these environments. @default every environment */
  envs?: readonly string[];
  /** Only this app (it may exist only in the overlay). @default the project's */
  app?: string;
}

export interface EnvPreview {
  env: string;
  changes: ObjectChange[];
  /** Warnings and validation findings of the result in this environment. */
  findings: Finding[];
  /** Error findings of the result (validation) in this environment. */
  errors: Finding[];
}

export interface Preview {
  /** Intent errors of the result (it does not load or compile); nothing else is meaningful then. */
  intentErrors: Finding[];
  envs: EnvPreview[];
}

/** Findings of the project as it is, per environment (for the model's context). */
export function currentFindings(
  project: Project,
  options: PreviewOptions = {},
): { env: string; finding: Finding }[] {
  if (project.errors.length > 0) return project.errors.map((finding) => ({ env: "*", finding }));
  const out: { env: string; finding: Finding }[] = [];
  for (const b of project.buildAll(options.envs).environments)
    for (const finding of [...b.errors, ...b.warnings, ...b.findings])
      out.push({ env: b.environment, finding });
  return out;
}

/** Build and validate every environment of `project` (as it is on disk) with and without the overlay. */
export function previewChange(
  project: Project,
  overlay: ReadonlyMap<string, string>,
  options: PreviewOptions = {},
): Preview {
  const app = options.app ?? project.only;
  const after = project.withOverlay(overlay, app !== undefined ? { app } : {});
  // Before the edit: the same app, if it exists yet.
  const before =
    app !== undefined && project.apps.includes(app)
      ? project.withOverlay(new Map(), { app })
      : app === undefined
        ? project
        : undefined;
  if (after.errors.length > 0) return { intentErrors: [...after.errors], envs: [] };
  const envs: EnvPreview[] = [];
  const intentErrors: Finding[] = [];
  for (const env of options.envs ?? after.environments) {
    const b = after.build(env);
    if (b.errors.length > 0) {
      intentErrors.push(...b.errors);
      continue;
    }
    // The directory may not build as it is (no app yet, or broken): then everything is new.
    let old: readonly object[] = [];
    if (before?.ok && before.environments.includes(env)) {
      const a = before.build(env, { validate: false });
      if (a.errors.length === 0) old = a.objects;
    }
    envs.push({
      env,
      changes: diffObjects(old, b.objects),
      findings: [...b.warnings, ...b.findings],
      errors: b.findings.filter((f) => f.severity === "error"),
    });
  }
  return { intentErrors: dedupeFindings(intentErrors), envs };
}
