/**
 * The errors kintent throws for conditions that stop a command, kept apart from findings (a finding is a
 * result; an error means there is no result). Every named error says whether the *user* must fix something
 * (`usage`: a flag, a path, a configuration file, an invalid intent) or the *tool* failed (`tool`: git, a
 * forge, a model provider, a missing installation file). The interfaces map both to exit 2 in one place
 * (`cli/main.ts`, `cmp/main.ts`) and print the message without a stack trace; anything else is a bug.
 */

import type { Finding } from "./finding.js";

export type ErrorKind = "usage" | "tool";

export abstract class KintentError extends Error {
  abstract readonly kind: ErrorKind;
}

/** A user mistake: bad flag, missing file, unusable configuration, invalid intent. Exit 2. */
export class UsageError extends KintentError {
  override name = "UsageError";
  readonly kind = "usage" as const;
}

/** Something kintent depends on failed (git, a forge, a model, the installation). Exit 2. */
export class ToolError extends KintentError {
  override name = "ToolError";
  readonly kind = "tool" as const;
}

/**
 * A usage error that comes with located findings (an invalid configuration file or intent): the interfaces
 * print the findings, then the message, and exit 2. `relativeTo` is the directory the findings' paths are
 * relative to (the intent directory), so an interface can show them relative to where the user is.
 */
export class InvalidInputError extends UsageError {
  override name = "InvalidInputError";
  constructor(
    message: string,
    readonly findings: readonly Finding[],
    readonly relativeTo?: string,
  ) {
    super(message);
  }
}

export function isKintentError(e: unknown): e is KintentError {
  return e instanceof KintentError;
}
