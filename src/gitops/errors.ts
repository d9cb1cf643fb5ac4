import { ToolError, UsageError } from "../core/errors.js";
/**
 * Tool failures of the GitOps stage, kept apart from findings (a refused proposal is a result, not an error).
 * Every message is redacted before it is built: no token, no credential in a URL.
 */

/** A `git` command failed. `stderr` is redacted. */
export class GitError extends ToolError {
  override name = "GitError";
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** A forge API (GitHub, Gitea, GitLab) answered with an error or could not be reached. */
export class ForgeError extends ToolError {
  override name = "ForgeError";
  constructor(
    message: string,
    readonly forge: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The proposal cannot be made without a human decision: the branch conflicts with the base branch, or the
 * target directory holds files kintent did not write. `hint` says what to do.
 */
export class ProposeConflictError extends UsageError {
  override name = "ProposeConflictError";
  constructor(
    message: string,
    readonly hint: string,
    readonly files: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The repository or its configuration is unusable (no base branch, unknown forge, bad layout). A usage error. */
export class ProposeSetupError extends UsageError {
  override name = "ProposeSetupError";
}
