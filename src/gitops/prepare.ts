/**
 * Everything a proposal needs before Git is touched: load and compile the intent for the chosen environments,
 * validate the manifests and the Argo CD Applications, lay out the files, hash the intent and the change.
 * Effects: reading the intent files.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadIntent } from "../intent/load.js";
import type { LoadedIntent } from "../intent/load.js";
import { environmentNames } from "../intent/resolve.js";
import { pickEnvironment } from "../compile/index.js";
import { compileEnvironments } from "../render/app-environments.js";
import type { AppEnvironments } from "../render/app-environments.js";
import { validationContext } from "../build.js";
import { validateObjects } from "../validate/index.js";
import type { Finding } from "../core/finding.js";
import type { Report } from "../report/types.js";
import { BUILTIN_CHECKS } from "../validate/checks/builtin.js";
import { VERSION } from "../core/version.js";
import { layoutFiles, renderLayout } from "./layout.js";
import type { GitopsLayout, LayoutOptions } from "./layout.js";
import { ProposeSetupError } from "./errors.js";

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
  intent?: LoadedIntent;
}

/** `sha256:<hex>` over the intent files (path and content, in path order). */
export function hashIntent(intent: LoadedIntent): string {
  const h = createHash("sha256");
  for (const f of [...intent.files].sort()) {
    h.update(f)
      .update("\0")
      .update(readFileSync(resolve(intent.dir, f)))
      .update("\0");
  }
  return `sha256:${h.digest("hex")}`;
}

/** sha256 hex over files (path and content, in path order) and the target. */
export function hashFiles(files: ReadonlyMap<string, string>, target: string): string {
  const h = createHash("sha256").update(target).update("\0");
  for (const [p, c] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    h.update(p).update("\0").update(c).update("\0");
  return h.digest("hex");
}

export function prepare(options: PrepareOptions): Prepared {
  const loaded = loadIntent(options.dir, {
    cwd: options.cwd,
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
  });
  if (!loaded.intent)
    return { intentErrors: loaded.errors, warnings: loaded.warnings, intentHash: "", apps: [] };
  let intent = loaded.intent;
  if (options.app !== undefined) {
    const only = intent.apps.filter((a) => a.value.metadata.name === options.app);
    if (only.length === 0)
      throw new ProposeSetupError(
        `no app named \`${options.app}\` (found ${intent.apps.map((a) => a.value.metadata.name).join(", ")})`,
      );
    intent = { ...intent, apps: only };
  }
  const envs =
    options.envs && options.envs.length > 0
      ? [...new Set(options.envs.map((e) => pickEnvironment(intent, e)))]
      : environmentNames(intent.platform);
  const compiled = compileEnvironments(
    intent,
    envs,
    loaded.intent.apps.map((a) => a.value.metadata.name),
  );
  const warnings = [...loaded.warnings, ...compiled.warnings];
  if (compiled.errors.length > 0)
    return { intentErrors: compiled.errors, warnings, intentHash: "", apps: [], intent };
  const intentHash = hashIntent(intent);
  const apps = compiled.apps.map((a) => prepareApp(a, options));
  return { intentErrors: [], warnings, intentHash, apps, intent };
}

function prepareApp(app: AppEnvironments, options: LayoutOptions): PreparedApp {
  const layout = renderLayout(app, options);
  const findings: Finding[] = [];
  const summary = { files: 0, objects: 0, valid: 0, invalid: 0, skipped: 0 };
  const add = (r: ReturnType<typeof validateObjects>, files: number) => {
    findings.push(...r.findings);
    summary.files += files;
    summary.objects += r.summary.total;
    summary.valid += r.summary.valid;
    summary.invalid += r.summary.invalid;
    summary.skipped += r.summary.skipped;
  };
  for (const t of layout.targets) {
    const e = app.environments.find((x) => x.env === t.env);
    if (!e) continue;
    add(
      validateObjects(
        t.objects.map((object) => ({ object })),
        { context: validationContext(e.app) },
      ),
      t.objects.length,
    );
    if (t.application) add(validateObjects([{ object: t.application.object }]), 1);
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
    report: { findings, summary, checks: BUILTIN_CHECKS, toolVersion: VERSION },
  };
}
