/**
 * Applying intent operations to an intent directory (the deterministic path shared by `kintent set` and
 * scripts): load, edit the App's file in memory, preview every environment, and — only when the result
 * compiles without error findings — write atomically. Effects: reading the intent, writing files.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import type { Finding } from "../core/finding.js";
import { openProject } from "../project/index.js";
import type { OpenProjectOptions } from "../project/index.js";
import { editIntentText } from "../intent/edit/index.js";
import type { IntentOp, OpError } from "../intent/edit/index.js";
import { previewChange } from "./preview.js";
import type { Preview, PreviewOptions } from "./preview.js";

export interface ApplyOpsOptions extends PreviewOptions {
  /** Where relative paths are resolved (and shown from). */
  cwd: string;
  platformFile?: string;
  /** An explicit validation configuration (`--config`). */
  configFile?: string;
  /** The app, when the directory holds several. */
  app?: string;
  /** Compute and report, but write nothing. */
  dryRun?: boolean;
}

export interface ApplyOpsResult {
  /** `written`: files changed; `unchanged`: the operations changed nothing; `invalid`: the result has error
   * findings (nothing written); `failed`: an operation or the resulting intent is wrong (nothing written). */
  status: "written" | "dry-run" | "unchanged" | "invalid" | "failed";
  file?: string;
  app?: string;
  diff: string;
  applied: string[];
  errors: OpError[];
  intentErrors: Finding[];
  preview?: Preview;
  /** The intent directory (paths in findings are relative to it). */
  dir: string;
  /**
   * Absolute path → edited content, when the operations changed the file (also for `dry-run` and `invalid`):
   * what a proposal stages instead of writing the working tree.
   */
  writes?: Map<string, string>;
}

/** Thrown for mistakes in how the command was called (no such app, a Score file): usage errors. */
export class ApplySetupError extends UsageError {
  override name = "ApplySetupError";
}

export async function applyOpsToDir(
  dir: string,
  ops: readonly IntentOp[],
  options: ApplyOpsOptions,
): Promise<ApplyOpsResult> {
  const open: OpenProjectOptions = {
    cwd: options.cwd,
    ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
    ...(options.configFile !== undefined ? { configFile: options.configFile } : {}),
  };
  const project = await openProject(dir, open);
  const intent = project.intent;
  if (!intent)
    return {
      status: "failed",
      diff: "",
      applied: [],
      errors: [],
      intentErrors: [...project.errors],
      dir: project.dir,
    };
  const apps = intent.apps;
  const target =
    options.app !== undefined
      ? apps.find((a) => a.value.metadata.name === options.app)
      : apps.length === 1
        ? apps[0]
        : undefined;
  if (!target)
    throw new ApplySetupError(
      options.app !== undefined
        ? `no app named \`${options.app}\` (found ${apps.map((a) => a.value.metadata.name).join(", ")})`
        : `the directory holds several apps (${apps.map((a) => a.value.metadata.name).join(", ")}): choose one with --app`,
    );
  if (target.format === "score")
    throw new ApplySetupError(
      `${target.source.file} is a Score workload: edit it directly (kintent set edits kintent App files)`,
    );
  const file = resolve(project.dir, target.source.file);
  const rel = relative(options.cwd, file) || file;
  const original = readFileSync(file, "utf8");
  const edit = editIntentText(
    original,
    rel,
    ops,
    {
      environments: [...project.environments],
      engine: project.platform?.value.spec.progressiveDelivery ?? "none",
    },
    target.source.index,
  );
  const base = {
    file: rel,
    app: target.value.metadata.name,
    diff: edit.diff,
    applied: edit.applied,
    errors: edit.errors,
    dir: project.dir,
  };
  if (edit.errors.length > 0) return { ...base, status: "failed", intentErrors: [] };
  if (edit.text === original) return { ...base, status: "unchanged", intentErrors: [] };
  const writes = new Map([[file, edit.text]]);
  const scoped =
    options.app !== undefined || apps.length > 1
      ? await openProject(dir, { ...open, app: target.value.metadata.name })
      : project;
  const preview = previewChange(scoped, writes, options.envs ? { envs: options.envs } : {});
  if (preview.intentErrors.length > 0)
    return { ...base, status: "failed", intentErrors: preview.intentErrors, preview };
  if (preview.envs.some((e) => e.errors.length > 0))
    return { ...base, status: "invalid", intentErrors: [], preview, writes };
  if (options.dryRun) return { ...base, status: "dry-run", intentErrors: [], preview, writes };
  writeFilesAtomic(writes);
  return { ...base, status: "written", intentErrors: [], preview, writes };
}

/** Write each file through a temporary sibling and a rename: a reader never sees half a file. */
export function writeFilesAtomic(files: ReadonlyMap<string, string>): void {
  for (const [file, text] of files) {
    const dir = dirname(file);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const tmp = `${file}.kintent-tmp-${process.pid}`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
}
