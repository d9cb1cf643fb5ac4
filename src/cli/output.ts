import type { CommandContext } from "./context.js";
import { UsageError } from "./context.js";
import type { Finding } from "../core/finding.js";
import { formatStylish } from "../report/stylish.js";
import { IntentReadError } from "../intent/load.js";
import { UnknownEnvironmentError } from "../compile/index.js";

export function useColor(ctx: CommandContext): boolean {
  return Boolean(ctx.io.stderr.isTTY) && !ctx.io.env.NO_COLOR && ctx.io.env.TERM !== "dumb";
}

/** Findings go to stderr, so stdout stays pipeable. */
export function printFindings(ctx: CommandContext, findings: readonly Finding[]): void {
  if (findings.length === 0) return;
  ctx.io.stderr.write(formatStylish(findings, { color: useColor(ctx) }));
}

/** Run a command body, turning known user mistakes into UsageError (exit 2, no stack trace). */
export function wrapUsage<T>(_ctx: CommandContext, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof IntentReadError || e instanceof UnknownEnvironmentError) throw new UsageError(e.message);
    throw e;
  }
}
