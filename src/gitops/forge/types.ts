/** The three operations `kintent propose` needs from a forge, whatever it calls pull requests. */
import type { ForgeKind } from "../remote.js";

export type PullRequestState = "open" | "closed" | "merged";

export interface PullRequest {
  /** The number shown to people (GitHub/Gitea index, GitLab `iid`). */
  number: number;
  url: string;
  state: PullRequestState;
  head: string;
  base: string;
  title: string;
  body: string;
}

export interface PullRequestInput {
  head: string;
  base: string;
  title: string;
  body: string;
}

export interface Forge {
  readonly kind: ForgeKind;
  /** Human name for messages ("GitHub pull request", "GitLab merge request"). */
  readonly noun: string;
  /** The most recent pull request from `head` into `base`, whatever its state; undefined when none exists. */
  findPullRequest(head: string, base: string): Promise<PullRequest | undefined>;
  createPullRequest(input: PullRequestInput): Promise<PullRequest>;
  updatePullRequest(number: number, change: { title: string; body: string }): Promise<PullRequest>;
}

/** Where a forge is and who we are there. */
export interface ForgeOptions {
  /** REST API root, e.g. `https://api.github.com`, `http://127.0.0.1:3000/api/v1`. */
  apiUrl: string;
  /** Web root, for links. */
  webUrl: string;
  /** Repository path on the forge: `owner/name` (GitLab: `group/sub/project`). */
  repoPath: string;
  token: string;
  /** Per-request timeout. @default 30000 */
  timeoutMs?: number;
  userAgent?: string;
}
