/**
 * The errors kintent throws for conditions that stop a command, kept apart from findings (a finding is a
 * result; an error means there is no result). Every named error says whether the *user* must fix something
 * (`usage`: a flag, a path, a configuration file, an invalid intent) or the *tool* failed (`tool`: git, a
 * forge, a model provider, a missing installation file). The interfaces map both to exit 2 in one place
 * (`cli/main.ts`, `cmp/main.ts`) and print the message without a stack trace; anything else is a bug.
 */

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

export function isKintentError(e: unknown): e is KintentError {
  return e instanceof KintentError;
}
