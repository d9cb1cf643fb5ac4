/**
 * Picks the forge adapter. Adapters load lazily: Octokit and friends are imported only when a proposal actually
 * talks to a forge, so no other command pays for them.
 */
import type { ForgeKind } from "../remote.js";
import type { Redactor } from "../../core/redact.js";
import type { Forge, ForgeOptions } from "./types.js";

export type {
  Forge,
  ForgeOptions,
  Issue,
  IssueInput,
  IssueTracker,
  PullRequest,
  PullRequestInput,
  PullRequestState,
} from "./types.js";

export async function createForge(
  kind: ForgeKind,
  options: ForgeOptions,
  redactor?: Redactor,
): Promise<Forge> {
  switch (kind) {
    case "github": {
      const { GithubForge } = await import("./github.js");
      return new GithubForge(options, redactor);
    }
    case "gitea": {
      const { GiteaForge } = await import("./gitea.js");
      return new GiteaForge(options, redactor);
    }
    case "gitlab": {
      const { GitlabForge } = await import("./gitlab.js");
      return new GitlabForge(options, redactor);
    }
  }
}
