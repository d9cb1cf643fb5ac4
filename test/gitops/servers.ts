/**
 * Git servers and forges on loopback for the propose tests:
 * - `startGitServer`: real `git http-backend` (smart HTTP, the CGI Apache or nginx would run) behind a small
 *   Node front end that demands the forge token as HTTP basic auth, like a forge does, and records every
 *   request line so tests can prove no token ever travels in a URL. It can also serve the REST endpoints of a
 *   forge (below), so one host is both the Git remote and the API, as on a real forge.
 * - `githubApi` / `gitlabApi`: exactly the endpoints kintent's adapters call, for forges that cannot run here
 *   (GitHub is not open source; GitLab is a Rails monolith). The GitHub adapter is driven through Octokit.
 * - `startGitDaemon`: `git daemon` (git://) for the unauthenticated protocol.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { freePort, startProcess, waitUntil } from "../harness/index.js";
import type { ManagedProcess } from "../harness/index.js";

export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
  body?: string;
}

export type ApiHandler = (
  req: IncomingMessage,
  url: URL,
  body: string,
) => { status: number; body?: unknown } | undefined;

export interface GitServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Answer the next matching API request with this status instead (forge outage after a push). */
  failNext(method: string, pathPattern: RegExp, status: number): void;
  stop(): Promise<void>;
}

const GIT_PATH = /^\/(.+?\.git)(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.*))$/;

/** Serve the bare repositories under `root` (`<root>/<owner>/<name>.git`) over smart HTTP on 127.0.0.1. */
export async function startGitServer(options: {
  root: string;
  /** When set, every Git and API request must carry it (Git: basic-auth password; API: the handler checks). */
  token?: string;
  api?: ApiHandler;
}): Promise<GitServer> {
  const requests: RecordedRequest[] = [];
  const failures: { method: string; path: RegExp; status: number }[] = [];
  const children = new Set<ChildProcess>();
  const port = await freePort();

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    const auth = req.headers.authorization;
    const git = GIT_PATH.exec(url.pathname);
    if (git) {
      requests.push({
        method: req.method ?? "GET",
        url: req.url ?? "",
        ...(auth ? { authorization: auth } : {}),
      });
      if (options.token !== undefined) {
        const m = /^Basic (.+)$/.exec(auth ?? "");
        const password = m
          ? Buffer.from(m[1] ?? "", "base64")
              .toString("utf8")
              .split(":")
              .slice(1)
              .join(":")
          : "";
        if (password !== options.token) {
          res.writeHead(401, { "www-authenticate": 'Basic realm="git"', "content-type": "text/plain" });
          res.end("authentication required\n");
          return;
        }
      }
      cgi(req, res, git[1] as string, git[2] as string, url.search.replace(/^\?/, ""));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    requests.push({
      method: req.method ?? "GET",
      url: req.url ?? "",
      ...(auth ? { authorization: auth } : {}),
      body,
    });
    const failure = failures.findIndex((f) => f.method === req.method && f.path.test(url.pathname));
    if (failure >= 0) {
      const [f] = failures.splice(failure, 1);
      res.writeHead(f?.status ?? 500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "the forge is having a bad day" }));
      return;
    }
    const answer = options.api?.(req, url, body);
    if (!answer) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "Not Found" }));
      return;
    }
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
  }

  /** git http-backend as a CGI program (see git-http-backend(1)). */
  function cgi(req: IncomingMessage, res: ServerResponse, repo: string, rest: string, query: string): void {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: options.root,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: "kintent", // enables receive-pack (http.receivepack defaults to on for authenticated users)
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: `/${repo}${rest}`,
      QUERY_STRING: query,
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
      ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
      ...(req.headers["content-length"] ? { CONTENT_LENGTH: req.headers["content-length"] } : {}),
    };
    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    child.on("close", () => children.delete(child));
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
        const i = line.indexOf(":");
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === "status") status = Number(v.split(" ")[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    child.stdout.on("end", () => res.end());
  }

  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    failNext(method, path, status) {
      failures.push({ method, path, status });
    },
    async stop() {
      for (const c of children) c.kill("SIGKILL");
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A bare repository `<root>/<owner>/<name>.git` with one commit on `main` (README). */
export function createBareRepo(
  root: string,
  owner: string,
  name: string,
  files: Record<string, string> = {},
): string {
  const bare = join(root, owner, `${name}.git`);
  const seed = join(root, `.seed-${owner}-${name}`);
  git(root, ["init", "-q", "--bare", "-b", "main", bare]);
  git(root, ["init", "-q", "-b", "main", seed]);
  writeFileSync(join(seed, "README.md"), `# ${name}\n`);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, p)), { recursive: true });
    writeFileSync(join(seed, p), c);
  }
  git(seed, ["add", "-A"]);
  git(seed, [
    "-c",
    "user.name=Platform Team",
    "-c",
    "user.email=platform@acme.test",
    "commit",
    "-q",
    "-m",
    "init",
  ]);
  git(seed, ["push", "-q", bare, "HEAD:refs/heads/main"]);
  rmSync(seed, { recursive: true, force: true });
  return bare;
}

/**
 * Run git without blocking the event loop — required when the server is in this process (startGitServer):
 * a synchronous git talking to it would deadlock.
 */
export async function gitAsync(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    execFile(
      "git",
      [...args],
      { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...env } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args.join(" ")} failed: ${stderr}`));
        else resolve(stdout.trim());
      },
    );
  });
}

/** Run git synchronously (local repositories only); throws with stderr on failure. */
export function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...env },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout.trim();
}

interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed";
  merged: boolean;
}

/** The forge-side state the fake APIs keep: pull requests, by number. */
export interface FakeForgeState {
  pulls: FakePull[];
  /** Branches that exist on the Git side (the API refuses pull requests from unknown branches, as forges do). */
  branchExists(branch: string): boolean;
}

function json(body: string): Record<string, unknown> {
  return body ? (JSON.parse(body) as Record<string, unknown>) : {};
}

/**
 * GitHub's REST endpoints kintent's Octokit adapter calls, under `/api/v3` (GitHub Enterprise layout):
 * `GET/POST /repos/{owner}/{repo}/pulls`, `PATCH /repos/{owner}/{repo}/pulls/{n}`. Requires `token <t>`.
 */
export function githubApi(state: FakeForgeState, token: string, web: () => string): ApiHandler {
  const toJson = (owner: string, repo: string, p: FakePull) => ({
    number: p.number,
    html_url: `${web()}/${owner}/${repo}/pull/${p.number}`,
    state: p.state,
    merged_at: p.merged ? "2026-01-01T00:00:00Z" : null,
    title: p.title,
    body: p.body,
    head: { ref: p.head, label: `${owner}:${p.head}` },
    base: { ref: p.base },
  });
  return (req, url, body) => {
    const m = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/pulls(?:\/(\d+))?$/.exec(url.pathname);
    if (!m) return undefined;
    if (req.headers.authorization !== `token ${token}`)
      return { status: 401, body: { message: "Bad credentials" } };
    const [, owner = "", repo = "", num] = m;
    if (req.method === "GET" && !num) {
      const head = url.searchParams.get("head");
      const base = url.searchParams.get("base");
      const st = url.searchParams.get("state") ?? "open";
      const list = state.pulls
        .filter((p) => (head ? `${owner}:${p.head}` === head : true))
        .filter((p) => (base ? p.base === base : true))
        .filter((p) => st === "all" || p.state === st)
        .sort((a, b) => b.number - a.number);
      return { status: 200, body: list.map((p) => toJson(owner, repo, p)) };
    }
    if (req.method === "POST" && !num) {
      const b = json(body);
      const head = String(b.head);
      if (!state.branchExists(head))
        return {
          status: 422,
          body: { message: "Validation Failed", errors: [{ field: "head", code: "invalid" }] },
        };
      if (state.pulls.some((p) => p.head === head && p.state === "open"))
        return { status: 422, body: { message: `A pull request already exists for ${owner}:${head}.` } };
      const p: FakePull = {
        number: state.pulls.length + 1,
        title: String(b.title),
        body: String(b.body),
        head,
        base: String(b.base),
        state: "open",
        merged: false,
      };
      state.pulls.push(p);
      return { status: 201, body: toJson(owner, repo, p) };
    }
    if (req.method === "PATCH" && num) {
      const p = state.pulls.find((x) => x.number === Number(num));
      if (!p) return { status: 404, body: { message: "Not Found" } };
      const b = json(body);
      if (typeof b.title === "string") p.title = b.title;
      if (typeof b.body === "string") p.body = b.body;
      return { status: 200, body: toJson(owner, repo, p) };
    }
    return { status: 405, body: { message: "method not allowed" } };
  };
}

/**
 * GitLab's merge-request endpoints kintent calls, under `/api/v4`: `GET/POST /projects/{id}/merge_requests`,
 * `PUT /projects/{id}/merge_requests/{iid}`, `{id}` the URL-encoded project path. Requires `PRIVATE-TOKEN`.
 */
export function gitlabApi(state: FakeForgeState, token: string, web: () => string): ApiHandler {
  const toJson = (project: string, p: FakePull) => ({
    iid: p.number,
    web_url: `${web()}/${project}/-/merge_requests/${p.number}`,
    state: p.merged ? "merged" : p.state === "open" ? "opened" : "closed",
    title: p.title,
    description: p.body,
    source_branch: p.head,
    target_branch: p.base,
  });
  return (req, url, body) => {
    // The raw path keeps %2F in the project id.
    const raw = (req.url ?? "").split("?")[0] ?? "";
    const m = /^\/api\/v4\/projects\/([^/]+)\/merge_requests(?:\/(\d+))?$/.exec(raw);
    if (!m) return undefined;
    if (req.headers["private-token"] !== token) return { status: 401, body: { message: "401 Unauthorized" } };
    const project = decodeURIComponent(m[1] ?? "");
    const iid = m[2];
    if (req.method === "GET" && !iid) {
      const src = url.searchParams.get("source_branch");
      const tgt = url.searchParams.get("target_branch");
      const list = state.pulls
        .filter((p) => (src ? p.head === src : true) && (tgt ? p.base === tgt : true))
        .sort((a, b) => b.number - a.number);
      return { status: 200, body: list.map((p) => toJson(project, p)) };
    }
    if (req.method === "POST" && !iid) {
      const b = json(body);
      const head = String(b.source_branch);
      if (!state.branchExists(head))
        return { status: 422, body: { message: ["Source branch does not exist"] } };
      const p: FakePull = {
        number: state.pulls.length + 1,
        title: String(b.title),
        body: String(b.description),
        head,
        base: String(b.target_branch),
        state: "open",
        merged: false,
      };
      state.pulls.push(p);
      return { status: 201, body: toJson(project, p) };
    }
    if (req.method === "PUT" && iid) {
      const p = state.pulls.find((x) => x.number === Number(iid));
      if (!p) return { status: 404, body: { message: "404 Not found" } };
      const b = json(body);
      if (typeof b.title === "string") p.title = b.title;
      if (typeof b.description === "string") p.body = b.description;
      return { status: 200, body: toJson(project, p) };
    }
    return { status: 405, body: { message: "405 Method Not Allowed" } };
  };
}

/** `git daemon` serving `root` on a random loopback port, pushes allowed. */
export async function startGitDaemon(
  root: string,
  logFile: string,
): Promise<{ url: string; process: ManagedProcess }> {
  const port = await freePort();
  const p = startProcess({
    name: "git-daemon",
    command: "git",
    args: [
      "daemon",
      "--reuseaddr",
      "--listen=127.0.0.1",
      `--port=${port}`,
      `--base-path=${root}`,
      "--export-all",
      "--enable=receive-pack",
      "--informative-errors",
      root,
    ],
    logFile,
  });
  const url = `git://127.0.0.1:${port}`;
  await waitUntil(
    "git daemon",
    () =>
      new Promise<true | undefined>((resolve) => {
        const s = connect(port, "127.0.0.1");
        s.once("connect", () => {
          s.destroy();
          resolve(true);
        });
        s.once("error", () => resolve(undefined));
      }),
    { timeoutMs: 15_000, intervalMs: 100, fatal: () => (p.pid ? undefined : "not started") },
  );
  return { url, process: p };
}
