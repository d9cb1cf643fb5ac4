/**
 * GitLab merge requests (REST `/api/v4`), through `fetch`. Endpoints used:
 * - `GET  /projects/{id}/merge_requests?source_branch=&target_branch=&state=all&order_by=created_at&sort=desc`
 * - `POST /projects/{id}/merge_requests` — `{source_branch, target_branch, title, description}`
 * - `PUT  /projects/{id}/merge_requests/{iid}` — `{title, description}`
 * - `GET  /projects/{id}/issues?state=opened&labels=&per_page=100` (paged), `POST /projects/{id}/issues`
 *   `{title, description, labels: "a,b"}`, `PUT /projects/{id}/issues/{iid}` `{description}`,
 *   `POST /projects/{id}/issues/{iid}/notes` `{body}`
 * `{id}` is the URL-encoded project path (`group%2Fsub%2Fproject`). Authentication: `PRIVATE-TOKEN`.
 */
import { Redactor } from "../../core/redact.js";
import { JsonClient } from "./http.js";
import type { Forge, ForgeOptions, Issue, IssueInput, PullRequest, PullRequestInput } from "./types.js";

interface GitlabIssue {
  iid: number;
  web_url: string;
  state: string;
  title: string;
  description?: string | null;
}

const toIssue = (i: GitlabIssue): Issue => ({
  number: i.iid,
  url: i.web_url,
  state: i.state === "opened" ? "open" : "closed",
  title: i.title,
  body: i.description ?? "",
});

interface GitlabMergeRequest {
  iid: number;
  web_url: string;
  state: string;
  title: string;
  description?: string | null;
  source_branch: string;
  target_branch: string;
}

export class GitlabForge implements Forge {
  readonly kind = "gitlab" as const;
  readonly noun = "GitLab merge request";
  private readonly client: JsonClient;
  private readonly project: string;

  constructor(options: ForgeOptions, redactor = new Redactor({ known: [options.token] })) {
    this.project = `/projects/${encodeURIComponent(options.repoPath)}`;
    this.client = new JsonClient({
      forge: "gitlab",
      apiUrl: options.apiUrl,
      headers: { "private-token": options.token, "user-agent": options.userAgent ?? "kintent" },
      redactor: redactor.add(options.token),
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  }

  async findPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    const r = await this.client.request<GitlabMergeRequest[]>({
      path: `${this.project}/merge_requests`,
      query: {
        source_branch: head,
        target_branch: base,
        state: "all",
        order_by: "created_at",
        sort: "desc",
        per_page: 20,
      },
    });
    const first = (r.body ?? []).find((m) => m.source_branch === head && m.target_branch === base);
    return first ? toPull(first) : undefined;
  }

  async createPullRequest(input: PullRequestInput): Promise<PullRequest> {
    const r = await this.client.request<GitlabMergeRequest>({
      method: "POST",
      path: `${this.project}/merge_requests`,
      body: {
        source_branch: input.head,
        target_branch: input.base,
        title: input.title,
        description: input.body,
      },
    });
    return toPull(required(r.body));
  }

  async updatePullRequest(number: number, change: { title: string; body: string }): Promise<PullRequest> {
    const r = await this.client.request<GitlabMergeRequest>({
      method: "PUT",
      path: `${this.project}/merge_requests/${number}`,
      body: { title: change.title, description: change.body },
    });
    return toPull(required(r.body));
  }

  async findIssue(marker: string, label: string): Promise<Issue | undefined> {
    for (let page = 1; page <= 10; page++) {
      const r = await this.client.request<GitlabIssue[]>({
        path: `${this.project}/issues`,
        query: { state: "opened", labels: label, per_page: 100, page },
      });
      const list = r.body ?? [];
      const hit = list.find((i) => (i.description ?? "").includes(marker));
      if (hit) return toIssue(hit);
      if (list.length < 100) return undefined;
    }
    return undefined;
  }

  async createIssue(input: IssueInput): Promise<Issue> {
    const r = await this.client.request<GitlabIssue>({
      method: "POST",
      path: `${this.project}/issues`,
      body: { title: input.title, description: input.body, labels: input.labels.join(",") },
    });
    return toIssue(required(r.body));
  }

  async updateIssue(number: number, change: { body: string }): Promise<Issue> {
    const r = await this.client.request<GitlabIssue>({
      method: "PUT",
      path: `${this.project}/issues/${number}`,
      body: { description: change.body },
    });
    return toIssue(required(r.body));
  }

  async commentIssue(number: number, body: string): Promise<void> {
    await this.client.request({
      method: "POST",
      path: `${this.project}/issues/${number}/notes`,
      body: { body },
    });
  }
}

function required<T>(body: T | undefined): T {
  if (body === undefined) throw new Error("gitlab: empty response body");
  return body;
}

function toPull(m: GitlabMergeRequest): PullRequest {
  return {
    number: m.iid,
    url: m.web_url,
    state: m.state === "opened" ? "open" : m.state === "merged" ? "merged" : "closed",
    head: m.source_branch,
    base: m.target_branch,
    title: m.title,
    body: m.description ?? "",
  };
}
