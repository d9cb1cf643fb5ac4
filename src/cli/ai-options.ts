/** Options shared by `kintent set` and `kintent ask`: the project's validation (checks and team policies). */
import { resolve } from "node:path";
import type { CommandContext } from "./context.js";
import { UsageError } from "./context.js";
import type { BuildOptions } from "../build.js";
import type { Finding } from "../core/finding.js";
import type { EnvPreview } from "../ai/preview.js";
import { projectValidation } from "../validate/project.js";
import { IntentReadError } from "../intent/load.js";
import { UnknownEnvironmentError } from "../compile/index.js";
import { ApplySetupError } from "../ai/apply.js";
import { AskSetupError } from "../ai/ask.js";

/**
 * `.kintent.yaml` from the intent directory up (or `--config`): check settings, custom checks and the team's
 * policies, so every change is validated like `kintent build` validates it.
 */
export async function loadValidateOptions(
  ctx: CommandContext,
  dir: string,
  configFlag: string | undefined,
): Promise<BuildOptions["validateOptions"]> {
  const project = await projectValidation(
    resolve(ctx.io.cwd, dir),
    ctx.io.cwd,
    configFlag !== undefined ? resolve(ctx.io.cwd, configFlag) : undefined,
  );
  if (project.errors.length > 0)
    throw new UsageError(
      project.errors
        .map((e) => `${e.loc ? `${e.loc.file}:${e.loc.line}:${e.loc.column}: ` : ""}${e.message}`)
        .join("; "),
    );
  return project.options;
}

/** Run an async command body, turning known user mistakes into UsageError (exit 2, no stack trace). */
export async function wrapUsageAsync<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (
      e instanceof IntentReadError ||
      e instanceof UnknownEnvironmentError ||
      e instanceof ApplySetupError ||
      e instanceof AskSetupError
    )
      throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Findings of every environment for printing: manifest findings name their environment; findings on the
 * intent file itself (with a position) are the same in every environment and are printed once.
 */
export function findingsOfEnvironments(envs: readonly EnvPreview[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const e of envs) {
    for (const f of e.findings) {
      if (f.loc && !f.object) {
        const key = `${f.loc.file}:${f.loc.line}:${f.loc.column}:${f.checkId}:${f.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(f);
      } else out.push({ ...f, message: `${f.message} (env ${e.env})` });
    }
  }
  return out;
}
