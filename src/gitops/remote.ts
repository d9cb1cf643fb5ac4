/**
 * What `--repo` names: a local path or a Git URL, and the forge behind it. Pure: no network, no filesystem
 * (the caller says whether a path exists).
 */

/** Forge token variables kintent reads. Their values are never printed. */
export const TOKEN_ENV_VARS = ["GITHUB_TOKEN", "GITEA_TOKEN", "FORGEJO_TOKEN", "GITLAB_TOKEN"] as const;

export type ForgeKind = "github" | "gitea" | "gitlab";

export const FORGE_KINDS: readonly ForgeKind[] = ["github", "gitea", "gitlab"];

export interface RemoteInfo {
  /** What git clones and pushes to (an absolute path for local repositories). */
  url: string;
  /** For messages: the URL without credentials, or the path. */
  display: string;
  local: boolean;
  /** For URLs: scheme (`https`, `http`, `ssh`, `git`, `file`). */
  scheme?: string;
  host?: string;
  /** `host:port` when a port is given. */
  hostPort?: string;
  /** Repository path on the host without `.git`, e.g. `platform/gitops` or `group/sub/project`. */
  path?: string;
  owner?: string;
  name?: string;
}

/** scp-like syntax: `git@host:owner/repo.git`. */
const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;

/** Parse a remote given as a URL (or scp-like `user@host:path`); `undefined` when it is not one. */
export function parseRemoteUrl(remote: string): RemoteInfo | undefined {
  let scheme: string;
  let host: string;
  let hostPort: string;
  let rawPath: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    let u: URL;
    try {
      u = new URL(remote);
    } catch {
      return undefined;
    }
    scheme = u.protocol.replace(/:$/, "");
    host = u.hostname;
    hostPort = u.port ? `${u.hostname}:${u.port}` : u.hostname;
    rawPath = decodeURIComponent(u.pathname);
    const display = `${scheme}://${hostPort}${u.pathname}`;
    if (scheme === "file") return { url: remote, display, local: true, scheme };
    return { ...describePath(rawPath), url: remote, display, local: false, scheme, host, hostPort };
  }
  const m = SCP_LIKE.exec(remote);
  if (m && !remote.startsWith("/") && !remote.startsWith(".")) {
    host = m[1] as string;
    rawPath = m[2] as string;
    return {
      ...describePath(rawPath),
      url: remote,
      display: `${host}:${rawPath}`,
      local: false,
      scheme: "ssh",
      host,
      hostPort: host,
    };
  }
  return undefined;
}

function describePath(rawPath: string): Pick<RemoteInfo, "path" | "owner" | "name"> {
  const path = rawPath
    .replace(/^\/+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  const parts = path.split("/").filter(Boolean);
  const name = parts[parts.length - 1];
  const owner = parts.slice(0, -1).join("/");
  return { path, ...(owner ? { owner } : {}), ...(name ? { name } : {}) };
}

/** The forge a host is known to run, or undefined (then `--forge` / KINTENT_FORGE decides). */
export function detectForge(remote: RemoteInfo): ForgeKind | undefined {
  const h = remote.host?.toLowerCase();
  if (!h || remote.local) return undefined;
  if (h === "github.com" || h.startsWith("github.")) return "github";
  if (h === "gitlab.com" || h.startsWith("gitlab.")) return "gitlab";
  if (h === "codeberg.org" || h.startsWith("gitea.") || h.startsWith("forgejo.") || h.startsWith("codeberg."))
    return "gitea";
  return undefined;
}

/**
 * The forge's web base URL (`https://host[:port]`), from the remote: http(s) remotes keep their scheme and port;
 * ssh and git remotes are assumed to be served over https on the same host.
 */
export function webBaseUrl(remote: RemoteInfo): string | undefined {
  if (remote.local || !remote.host) return undefined;
  if (remote.scheme === "http" || remote.scheme === "https") return `${remote.scheme}://${remote.hostPort}`;
  return `https://${remote.host}`;
}

/** The REST API root of a forge. */
export function apiBaseUrl(kind: ForgeKind, web: string): string {
  const base = web.replace(/\/+$/, "");
  switch (kind) {
    case "github":
      return /^https:\/\/github\.com$/i.test(base) ? "https://api.github.com" : `${base}/api/v3`;
    case "gitea":
      return `${base}/api/v1`;
    case "gitlab":
      return `${base}/api/v4`;
  }
}

/** Token variable per forge (GITEA_TOKEN also covers Forgejo; FORGEJO_TOKEN is accepted too). */
export function tokenFor(kind: ForgeKind, env: NodeJS.ProcessEnv): string | undefined {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== "");
  switch (kind) {
    case "github":
      return pick("GITHUB_TOKEN");
    case "gitea":
      return pick("GITEA_TOKEN", "FORGEJO_TOKEN");
    case "gitlab":
      return pick("GITLAB_TOKEN");
  }
}

/** The user name git sends with a token over HTTP basic auth (each forge documents its own). */
export function basicAuthUser(kind: ForgeKind): string {
  return kind === "github" ? "x-access-token" : kind === "gitlab" ? "oauth2" : "kintent";
}
