/**
 * GitHub (and GitHub Enterprise at `<host>/api/v3`) through `@octokit/rest`. Calls used:
 * `pulls.list({head: "<owner>:<branch>", base, state: "all"})`, `pulls.create`, `pulls.update`; for the health
 * agent `issues.listForRepo({state: "open", labels})`, `issues.create`, `issues.update`, `issues.createComment`.
 */
import { Octokit } from "@octokit/rest";
import { ForgeError } from "../errors.js";
import { Redactor } from "../../core/redact.js";
import type { Forge, ForgeOptions, Issue, IssueInput, PullRequest, PullRequestInput } from "./types.js";

interface GithubIssue {
  number: number;
  html_url: string;
  state: string;
  title: string;
  body?: string | null;
  pull_request?: unknown;
}

const toIssue = (i: GithubIssue): Issue => ({
  number: i.number,
  url: i.html_url,
  state: i.state === "open" ? "open" : "closed",
  title: i.title,
  body: i.body ?? "",
});

interface GithubPull {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
  title: string;
  body?: string | null;
  head: { ref: string };
  base: { ref: string };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export class GithubForge implements Forge {
  readonly kind = "github" as const;
  readonly noun = "GitHub pull request";
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;
  private readonly redactor: Redactor;
  private readonly timeoutMs: number;

  constructor(options: ForgeOptions, redactor = new Redactor()) {
    const slash = options.repoPath.lastIndexOf("/");
    this.owner = options.repoPath.slice(0, slash);
    this.repo = options.repoPath.slice(slash + 1);
    this.redactor = redactor.add(options.token);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: options.apiUrl.replace(/\/+$/, ""),
      userAgent: options.userAgent ?? "kintent",
      log: silent,
    });
  }

  private async call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await fn(AbortSignal.timeout(this.timeoutMs));
    } catch (e) {
      const status =
        typeof e === "object" && e !== null && "status" in e && typeof e.status === "number"
          ? e.status
          : undefined;
      const message = e instanceof Error ? e.message : String(e);
      throw new ForgeError(
        this.redactor.redact(`github: ${what} failed${status ? ` (${status})` : ""}: ${message}`),
        "github",
        status,
      );
    }
  }

  async findPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    const list = await this.call("list pull requests", async (signal) => {
      const r = await this.octokit.rest.pulls.list({
        owner: this.owner,
        repo: this.repo,
        head: `${this.owner}:${head}`,
        base,
        state: "all",
        sort: "created",
        direction: "desc",
        per_page: 10,
        request: { signal },
      });
      return r.data;
    });
    const first = list.find((p) => p.head.ref === head && p.base.ref === base);
    return first ? toPull(first) : undefined;
  }

  async createPullRequest(input: PullRequestInput): Promise<PullRequest> {
    return toPull(
      await this.call("create pull request", async (signal) => {
        const r = await this.octokit.rest.pulls.create({
          owner: this.owner,
          repo: this.repo,
          head: input.head,
          base: input.base,
          title: input.title,
          body: input.body,
          request: { signal },
        });
        return r.data;
      }),
    );
  }

  async updatePullRequest(number: number, change: { title: string; body: string }): Promise<PullRequest> {
    return toPull(
      await this.call("update pull request", async (signal) => {
        const r = await this.octokit.rest.pulls.update({
          owner: this.owner,
          repo: this.repo,
          pull_number: number,
          title: change.title,
          body: change.body,
          request: { signal },
        });
        return r.data;
      }),
    );
  }

  async findIssue(marker: string, label: string): Promise<Issue | undefined> {
    for (let page = 1; page <= 10; page++) {
      const list = await this.call("list issues", async (signal) => {
        const r = await this.octokit.rest.issues.listForRepo({
          owner: this.owner,
          repo: this.repo,
          state: "open",
          labels: label,
          per_page: 100,
          page,
          request: { signal },
        });
        return r.data;
      });
      const hit = list.find((i) => i.pull_request === undefined && (i.body ?? "").includes(marker));
      if (hit) return toIssue(hit);
      if (list.length < 100) return undefined;
    }
    return undefined;
  }

  async createIssue(input: IssueInput): Promise<Issue> {
    return toIssue(
      await this.call("create issue", async (signal) => {
        const r = await this.octokit.rest.issues.create({
          owner: this.owner,
          repo: this.repo,
          title: input.title,
          body: input.body,
          labels: [...input.labels],
          request: { signal },
        });
        return r.data;
      }),
    );
  }

  async updateIssue(number: number, change: { body: string }): Promise<Issue> {
    return toIssue(
      await this.call("update issue", async (signal) => {
        const r = await this.octokit.rest.issues.update({
          owner: this.owner,
          repo: this.repo,
          issue_number: number,
          body: change.body,
          request: { signal },
        });
        return r.data;
      }),
    );
  }

  async commentIssue(number: number, body: string): Promise<void> {
    await this.call("comment on issue", async (signal) => {
      await this.octokit.rest.issues.createComment({
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        body,
        request: { signal },
      });
    });
  }
}

function toPull(p: GithubPull): PullRequest {
  return {
    number: p.number,
    url: p.html_url,
    state: p.merged_at ? "merged" : p.state === "open" ? "open" : "closed",
    head: p.head.ref,
    base: p.base.ref,
    title: p.title,
    body: p.body ?? "",
  };
}
