import type { CommandContext } from "./context.js";
import { isAbsolute, join, relative, sep } from "node:path";
import type { Finding } from "../core/finding.js";
import { rebaseFindings } from "../core/finding.js";
import { formatStylish } from "../report/stylish.js";

export function useColor(ctx: CommandContext): boolean {
  return Boolean(ctx.io.stderr.isTTY) && !ctx.io.env.NO_COLOR && ctx.io.env.TERM !== "dumb";
}

/** Findings go to stderr, so stdout stays pipeable. */
export function printFindings(ctx: CommandContext, findings: readonly Finding[]): void {
  if (findings.length === 0) return;
  ctx.io.stderr.write(formatStylish(findings, { color: useColor(ctx) }));
}

/** A path relative to `from` (the intent directory) as the user sees it from `cwd`. */
export function fromCwd(cwd: string, from: string, file: string): string {
  if (isAbsolute(file)) return file;
  const rel = relative(cwd, join(from, file));
  return (rel === "" ? "." : rel).split(sep).join("/");
}

/** Findings of a project, with paths relative to the working directory. */
export function forDisplay(
  ctx: CommandContext,
  project: { dir: string },
  findings: readonly Finding[],
): Finding[] {
  return rebaseFindings(findings, (f) => fromCwd(ctx.io.cwd, project.dir, f));
}
