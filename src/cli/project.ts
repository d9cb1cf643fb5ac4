/**
 * The CLI's side of the engine: open a project from the common flags, print findings relative to where the
 * user is (the engine's paths are relative to the intent directory, so artifacts never depend on the working
 * directory; diagnostics on stderr are for people and their editors), and turn intent errors into the one
 * usage error `main` prints (exit 2 on every command).
 */
import type { Finding } from "../core/finding.js";
import { InvalidInputError, openProject } from "../project/index.js";
import type { OpenProjectOptions, Project } from "../project/index.js";
import type { CommandContext } from "./context.js";
import { forDisplay, printFindings } from "./output.js";

export interface ProjectFlags {
  platform?: string;
  config?: string;
  app?: string;
}

export async function openFromFlags(
  ctx: CommandContext,
  dir: string,
  flags: ProjectFlags,
  more: Omit<OpenProjectOptions, "cwd" | "platformFile" | "configFile" | "app"> = {},
): Promise<Project> {
  return openProject(dir, {
    cwd: ctx.io.cwd,
    ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
    ...(flags.config !== undefined ? { configFile: flags.config } : {}),
    ...(flags.app !== undefined ? { app: flags.app } : {}),
    ...more,
  });
}

/** Print a project's findings on stderr (stylish), relative to the working directory. */
export function printProjectFindings(
  ctx: CommandContext,
  project: { dir: string },
  findings: readonly Finding[],
): void {
  printFindings(ctx, forDisplay(ctx, project, findings));
}

/** Intent errors stop every command the same way: located findings on stderr, exit 2 (printed by `main`). */
export function throwIntentErrors(
  project: Project,
  errors: readonly Finding[],
  warnings: readonly Finding[] = [],
): void {
  if (errors.length === 0) return;
  throw new InvalidInputError("", [...errors, ...warnings], project.dir);
}
