/**
 * Everything a proposal needs before Git is touched: load and compile the intent for the chosen environments,
 * validate the manifests and the Argo CD Applications, lay out the files, hash the intent and the change.
 * Effects: reading the intent files.
 */
import { createHash } from "node:crypto";
import type { Finding } from "../core/finding.js";
import { VERSION } from "../core/version.js";
import type { Report } from "../report/types.js";
import { openProject } from "../project/index.js";
import type { AppBuilds, Project } from "../project/index.js";
import { layoutFiles, renderLayout } from "./layout.js";
import type { GitopsLayout, LayoutOptions } from "./layout.js";

export interface PrepareOptions extends LayoutOptions {
  /** Intent directory or file. */
  dir: string;
  /** Resolve paths and show them relative to this directory. */
  cwd: string;
  /** Environments to propose. @default every environment of the platform */
  envs?: readonly string[];
  /** Only this app, when the directory holds several. */
  app?: string;
  /** An explicit platform file. */
  platformFile?: string;
  /** An explicit validation configuration instead of `.kintent.yaml` from the intent directory up. */
  configFile?: string;
}

export interface PreparedApp {
  app: string;
  envs: string[];
  layout: GitopsLayout;
  /** Repository-relative path → content, every file the proposal writes. */
  files: Map<string, string>;
  /** sha256 of the rendered files: the short form names the branch. */
  changeHash: string;
  findings: Finding[];
  report: Report;
}

export interface Prepared {
  /** Intent errors (unreadable or invalid intent); nothing was compiled when non-empty. */
  intentErrors: Finding[];
  warnings: Finding[];
  /** `sha256:<hex>` of the intent files. */
  intentHash: string;
  apps: PreparedApp[];
  project: Project;
}

/** sha256 hex over files (path and content, in path order) and the target. */
export function hashFiles(files: ReadonlyMap<string, string>, target: string): string {
  const h = createHash("sha256").update(target).update("\0");
  for (const [p, c] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    h.update(p).update("\0").update(c).update("\0");
  return h.digest("hex");
}

/** Build and validate through the engine, then lay out the files; nothing touches Git yet. */
export async function prepare(options: PrepareOptions): Promise<Prepared> {
  const project = await openProject(options.dir, {
    cwd: options.cwd,
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
    ...(options.configFile !== undefined ? { configFile: options.configFile } : {}),
    ...(options.app !== undefined ? { app: options.app } : {}),
  });
  const all = project.buildAll(options.envs);
  if (all.errors.length > 0)
    return { intentErrors: all.errors, warnings: all.warnings, intentHash: "", apps: [], project };
  const apps = all.apps.map((a) => prepareApp(project, a, options));
  return { intentErrors: [], warnings: all.warnings, intentHash: project.hash(), apps, project };
}

function prepareApp(project: Project, app: AppBuilds, options: LayoutOptions): PreparedApp {
  const layout = renderLayout(app, options);
  // The engine's verdict on these objects (its checks, custom checks and the team's policies), and the
  // validator's on the Argo CD Applications that sync them.
  const findings: Finding[] = app.environments.flatMap((e) => e.findings);
  const summary = { files: 0, objects: 0, valid: 0, invalid: 0, skipped: 0 };
  for (const e of app.environments) {
    summary.files += e.result.objects.length;
    summary.objects += e.summary.total;
    summary.valid += e.summary.valid;
    summary.invalid += e.summary.invalid;
    summary.skipped += e.summary.skipped;
  }
  for (const t of layout.targets) {
    if (!t.application) continue;
    const r = project.validate([{ object: t.application.object }]);
    findings.push(...r.findings);
    summary.files += 1;
    summary.objects += r.summary.total;
    summary.valid += r.summary.valid;
    summary.invalid += r.summary.invalid;
    summary.skipped += r.summary.skipped;
  }
  const files = layoutFiles(layout);
  const envs = layout.targets.map((t) => t.env);
  return {
    app: app.name,
    envs,
    layout,
    files,
    changeHash: hashFiles(files, `${app.name}/${[...envs].sort().join(",")}`),
    findings,
    report: { findings, summary, checks: project.validation.checks, toolVersion: VERSION },
  };
}
