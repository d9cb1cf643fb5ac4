/**
 * Gitea and Forgejo (same REST API, `/api/v1`), through `fetch`. Endpoints used:
 * - `GET  /repos/{owner}/{repo}/pulls/{base}/{head}` — the latest pull request for a base/head pair (404: none)
 * - `POST /repos/{owner}/{repo}/pulls` — `{head, base, title, body}`
 * - `PATCH /repos/{owner}/{repo}/pulls/{index}` — `{title, body}`
 * - `GET  /repos/{owner}/{repo}/issues?state=open&type=issues&labels=` — open issues with a label (paged)
 * - `POST /repos/{owner}/{repo}/issues` — `{title, body, labels: [ids]}`; labels by id, from
 *   `GET /repos/{owner}/{repo}/labels` (created with `POST …/labels` when missing)
 * - `PATCH /repos/{owner}/{repo}/issues/{index}` — `{body}`; `POST …/issues/{index}/comments` — `{body}`
 * Authentication: `Authorization: token <GITEA_TOKEN>`.
 */
import { Redactor } from "../../core/redact.js";
import { JsonClient } from "./http.js";
import type { Forge, ForgeOptions, Issue, IssueInput, PullRequest, PullRequestInput } from "./types.js";

interface GiteaIssue {
  number: number;
  html_url: string;
  state: string;
  title: string;
  body?: string | null;
}

const toIssue = (i: GiteaIssue): Issue => ({
  number: i.number,
  url: i.html_url,
  state: i.state === "open" ? "open" : "closed",
  title: i.title,
  body: i.body ?? "",
});

interface GiteaPull {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean;
  title: string;
  body?: string | null;
  head: { ref: string };
  base: { ref: string };
}

const segments = (path: string) => path.split("/").map(encodeURIComponent).join("/");

export class GiteaForge implements Forge {
  readonly kind = "gitea" as const;
  readonly noun = "Gitea pull request";
  private readonly client: JsonClient;
  private readonly repo: string;

  constructor(options: ForgeOptions, redactor = new Redactor({ known: [options.token] })) {
    this.repo = `/repos/${segments(options.repoPath)}`;
    this.client = new JsonClient({
      forge: "gitea",
      apiUrl: options.apiUrl,
      headers: {
        authorization: `token ${options.token}`,
        "user-agent": options.userAgent ?? "kintent",
      },
      redactor: redactor.add(options.token),
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  }

  async findPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    const r = await this.client.request<GiteaPull>(
      { path: `${this.repo}/pulls/${encodeURIComponent(base)}/${segments(head)}` },
      true,
    );
    return r.body ? toPull(r.body) : undefined;
  }

  async createPullRequest(input: PullRequestInput): Promise<PullRequest> {
    const r = await this.client.request<GiteaPull>({
      method: "POST",
      path: `${this.repo}/pulls`,
      body: { head: input.head, base: input.base, title: input.title, body: input.body },
    });
    return toPull(required(r.body));
  }

  async updatePullRequest(number: number, change: { title: string; body: string }): Promise<PullRequest> {
    const r = await this.client.request<GiteaPull>({
      method: "PATCH",
      path: `${this.repo}/pulls/${number}`,
      body: { title: change.title, body: change.body },
    });
    return toPull(required(r.body));
  }

  async findIssue(marker: string, label: string): Promise<Issue | undefined> {
    for (let page = 1; page <= 10; page++) {
      const r = await this.client.request<GiteaIssue[]>({
        path: `${this.repo}/issues`,
        query: { state: "open", type: "issues", labels: label, limit: 50, page },
      });
      const list = r.body ?? [];
      const hit = list.find((i) => (i.body ?? "").includes(marker));
      if (hit) return toIssue(hit);
      if (list.length < 50) return undefined;
    }
    return undefined;
  }

  private async labelIds(names: readonly string[]): Promise<number[]> {
    const r = await this.client.request<{ id: number; name: string }[]>({
      path: `${this.repo}/labels`,
      query: { limit: 50 },
    });
    const ids: number[] = [];
    for (const name of names) {
      let id = (r.body ?? []).find((l) => l.name === name)?.id;
      if (id === undefined) {
        const made = await this.client.request<{ id: number }>({
          method: "POST",
          path: `${this.repo}/labels`,
          body: { name, color: "#d93f0b", description: "filed by kintent watch" },
        });
        id = made.body?.id;
      }
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  async createIssue(input: IssueInput): Promise<Issue> {
    const labels = await this.labelIds(input.labels);
    const r = await this.client.request<GiteaIssue>({
      method: "POST",
      path: `${this.repo}/issues`,
      body: { title: input.title, body: input.body, labels },
    });
    return toIssue(required(r.body));
  }

  async updateIssue(number: number, change: { body: string }): Promise<Issue> {
    const r = await this.client.request<GiteaIssue>({
      method: "PATCH",
      path: `${this.repo}/issues/${number}`,
      body: { body: change.body },
    });
    return toIssue(required(r.body));
  }

  async commentIssue(number: number, body: string): Promise<void> {
    await this.client.request({
      method: "POST",
      path: `${this.repo}/issues/${number}/comments`,
      body: { body },
    });
  }
}

function required<T>(body: T | undefined): T {
  if (body === undefined) throw new Error("gitea: empty response body");
  return body;
}

function toPull(p: GiteaPull): PullRequest {
  return {
    number: p.number,
    url: p.html_url,
    state: p.merged ? "merged" : p.state === "open" ? "open" : "closed",
    head: p.head.ref,
    base: p.base.ref,
    title: p.title,
    body: p.body ?? "",
  };
}
