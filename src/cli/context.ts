import type { CliIO } from "./io.js";

/** Shared state for one CLI invocation; a command's action sets `exitCode`. */
export interface CommandContext {
  io: CliIO;
  exitCode: number;
}

/** A user mistake (bad flag, missing file, bad config): printed without a stack trace, exit 2. */
export { UsageError } from "../core/errors.js";
