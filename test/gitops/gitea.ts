/**
 * A real Gitea (scripts/tools.sh gitea: v1.26.0 built from its Go module, pure-Go SQLite) on a random loopback
 * port, in a temporary directory: migrated database, an admin user and an access token made with Gitea's own
 * CLI, repositories made through its API. Optional tool: tests skip when it is not built.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort, startProcess, toolsBinDir, waitUntil } from "../harness/index.js";
import type { ManagedProcess } from "../harness/index.js";
import { removeDir, startReaper, tailLog } from "../harness/process.js";

export function giteaBinary(): string | undefined {
  const p = join(toolsBinDir(), "gitea");
  try {
    accessSync(p, constants.X_OK);
    return p;
  } catch {
    return undefined;
  }
}

export interface Gitea {
  url: string;
  user: string;
  token: string;
  dir: string;
  process: ManagedProcess;
  /** JSON API call as the admin user; returns status and parsed body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** An empty repository `<user>/<name>` with one commit on main (pushed over HTTP with the token). */
  createRepo(name: string, files?: Record<string, string>): Promise<string>;
  stop(): Promise<void>;
}

const PASSWORD = "Kintent-Test-Password-1";

export async function startGitea(): Promise<Gitea> {
  const bin = giteaBinary();
  if (!bin) throw new Error("gitea is not built: bash scripts/tools.sh gitea");
  const share = join(dirname(dirname(realpathSync(bin))), "share");
  const dir = mkdtempSync(join(tmpdir(), "kintent-gitea-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, "app.ini");
  writeFileSync(
    config,
    [
      "APP_NAME = kintent-test",
      "RUN_MODE = prod",
      `WORK_PATH = ${dir}`,
      // Test machines and CI containers often run as root; Gitea refuses that unless told.
      ...(process.getuid?.() === 0 ? ["I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true"] : []),
      "[server]",
      "PROTOCOL = http",
      "HTTP_ADDR = 127.0.0.1",
      `HTTP_PORT = ${port}`,
      `ROOT_URL = ${url}/`,
      "DISABLE_SSH = true",
      "START_SSH_SERVER = false",
      "OFFLINE_MODE = true",
      "LFS_START_SERVER = false",
      `STATIC_ROOT_PATH = ${share}`,
      `APP_DATA_PATH = ${join(dir, "data")}`,
      "[database]",
      "DB_TYPE = sqlite3",
      `PATH = ${join(dir, "data", "gitea.db")}`,
      "[repository]",
      `ROOT = ${join(dir, "repos")}`,
      "[security]",
      "INSTALL_LOCK = true",
      "SECRET_KEY = kintent-test-secret-key-not-a-real-one",
      "[service]",
      "DISABLE_REGISTRATION = true",
      "[session]",
      "PROVIDER = memory",
      "[cache]",
      "ADAPTER = memory",
      "[mailer]",
      "ENABLED = false",
      "[log]",
      "MODE = file",
      "LEVEL = Warn",
      `ROOT_PATH = ${join(dir, "log")}`,
      "[actions]",
      "ENABLED = false",
      "[packages]",
      "ENABLED = false",
      "[cron]",
      "ENABLED = false",
      "[indexer]",
      "ISSUE_INDEXER_TYPE = db",
      "",
    ].join("\n"),
  );
  const env = { PATH: process.env.PATH, HOME: dir, GITEA_WORK_DIR: dir, USER: "kintent" };
  const cli = (args: string[]): string => {
    const r = spawnSync(bin, [...args, "--config", config], {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 120_000,
    });
    if (r.status !== 0)
      throw new Error(`gitea ${args.slice(0, 3).join(" ")} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  let proc: ManagedProcess | undefined;
  let reaper: ReturnType<typeof startReaper> | undefined;
  try {
    cli(["migrate"]);
    cli([
      "admin",
      "user",
      "create",
      "--username",
      "kintent",
      "--password",
      PASSWORD,
      "--email",
      "kintent@example.test",
      "--admin",
      "--must-change-password=false",
    ]);
    const token = cli([
      "admin",
      "user",
      "generate-access-token",
      "--username",
      "kintent",
      "--token-name",
      "propose-tests",
      "--scopes",
      "all",
      "--raw",
    ])
      .trim()
      .split("\n")
      .pop() as string;
    mkdirSync(join(dir, "log"), { recursive: true });
    proc = startProcess({
      name: "gitea",
      command: bin,
      args: ["web", "--config", config],
      cwd: dir,
      env,
      logFile: join(dir, "log", "web.log"),
    });
    const started = proc;
    reaper = startReaper({ groups: () => [started.pid], dir });
    await waitUntil(
      "gitea",
      async () => {
        const r = await fetch(`${url}/api/v1/version`).catch(() => undefined);
        return r?.ok ? true : undefined;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        onTimeout: () => tailLog(join(dir, "log", "web.log")),
      },
    );
    const api = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `token ${token}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.text();
      return { status: r.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    };
    const stopAll = reaper;
    return {
      url,
      user: "kintent",
      token,
      dir,
      process: started,
      api,
      async createRepo(name, files = {}) {
        const created = await api("POST", "/user/repos", { name, default_branch: "main", auto_init: false });
        if (created.status !== 201)
          throw new Error(`create repo: ${created.status} ${JSON.stringify(created.body)}`);
        const seed = mkdtempSync(join(dir, "seed-"));
        const git = (args: string[]) => {
          const r = spawnSync("git", args, {
            cwd: seed,
            encoding: "utf8",
            env: {
              ...process.env,
              GIT_TERMINAL_PROMPT: "0",
              GIT_CONFIG_COUNT: "1",
              GIT_CONFIG_KEY_0: `http.${url}/.extraHeader`,
              GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`kintent:${token}`).toString("base64")}`,
            },
          });
          if (r.status !== 0) throw new Error(`git ${args[0]}: ${r.stderr}`);
        };
        git(["init", "-q", "-b", "main"]);
        writeFileSync(join(seed, "README.md"), `# ${name}\n`);
        for (const [p, c] of Object.entries(files)) {
          mkdirSync(dirname(join(seed, p)), { recursive: true });
          writeFileSync(join(seed, p), c);
        }
        git(["add", "-A"]);
        git([
          "-c",
          "user.name=Platform Team",
          "-c",
          "user.email=platform@acme.test",
          "commit",
          "-q",
          "-m",
          "init",
        ]);
        git(["push", "-q", `${url}/kintent/${name}.git`, "HEAD:refs/heads/main"]);
        // Gitea records the first push asynchronously; pull requests need a non-empty repository.
        await waitUntil(
          `gitea repository ${name}`,
          async () => {
            const r = await api("GET", `/repos/kintent/${name}`);
            return (r.body as { empty?: boolean }).empty === false ? true : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 100 },
        );
        return `${url}/kintent/${name}.git`;
      },
      async stop() {
        await started.stop();
        stopAll.dismiss();
        removeDir(dir);
      },
    };
  } catch (e) {
    await proc?.stop();
    reaper?.dismiss();
    removeDir(dir);
    throw e;
  }
}
