/**
 * Gitea and Forgejo (same REST API, `/api/v1`), through `fetch`. Endpoints used:
 * - `GET  /repos/{owner}/{repo}/pulls/{base}/{head}` — the latest pull request for a base/head pair (404: none)
 * - `POST /repos/{owner}/{repo}/pulls` — `{head, base, title, body}`
 * - `PATCH /repos/{owner}/{repo}/pulls/{index}` — `{title, body}`
 * Authentication: `Authorization: token <GITEA_TOKEN>`.
 */
import { Redactor } from "../../core/redact.js";
import { JsonClient } from "./http.js";
import type { Forge, ForgeOptions, PullRequest, PullRequestInput } from "./types.js";

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
