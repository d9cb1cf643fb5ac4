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

/** An issue, as the health agent (`kintent watch`) files them. */
export interface Issue {
  number: number;
  url: string;
  state: "open" | "closed";
  title: string;
  body: string;
}

export interface IssueInput {
  title: string;
  body: string;
  labels: readonly string[];
}

/**
 * Issues, for the health agent: one per distinct failure, found again by a marker kintent writes in the body,
 * updated when the failure recurs. There is deliberately no way to close one: kintent closes nothing, least of
 * all what it did not open.
 */
export interface IssueTracker {
  /** The newest open issue whose body contains `marker` (only issues with `label` are searched), if any. */
  findIssue(marker: string, label: string): Promise<Issue | undefined>;
  createIssue(input: IssueInput): Promise<Issue>;
  updateIssue(number: number, change: { body: string }): Promise<Issue>;
  commentIssue(number: number, body: string): Promise<void>;
}

export interface Forge extends IssueTracker {
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
