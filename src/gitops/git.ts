/**
 * The real `git` CLI, run with execFile (no shell). Everything git prints passes through the redactor before it
 * reaches an error message. Credentials are handed to git through `GIT_CONFIG_*` environment variables
 * (an `http.extraHeader`), so they are never on a command line, in a remote URL or in a `.git/config`.
 */
import { execFile } from "node:child_process";
import { GitError } from "./errors.js";
import { Redactor } from "../core/redact.js";

export interface GitOptions {
  /** Working directory of every command. */
  cwd: string;
  /** Base environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Extra `git -c` style settings passed through the environment (never on the command line). */
  config?: Record<string, string>;
  /** Hides secrets in error messages. */
  redactor?: Redactor;
  /** Kill a command after this long (network operations can hang). @default 120000 */
  timeoutMs?: number;
  /** The git executable. @default "git" */
  gitPath?: string;
}

export interface GitRunOptions {
  /** Don't throw on a non-zero exit; the caller reads `code`. */
  allowFailure?: boolean;
  /** Text for stdin. */
  input?: string;
  /** Extra environment for this command only. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Variables that would point git at another repository than the one we mean. */
const REPO_ENV = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
];

export class Git {
  readonly cwd: string;
  private readonly options: GitOptions;
  private readonly env: NodeJS.ProcessEnv;
  private readonly redactor: Redactor;
  private readonly timeoutMs: number;
  private readonly gitPath: string;

  constructor(options: GitOptions) {
    this.options = options;
    this.cwd = options.cwd;
    this.redactor = options.redactor ?? new Redactor();
    options.redactor ??= this.redactor;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.gitPath = options.gitPath ?? "git";
    const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
    for (const k of REPO_ENV) delete env[k];
    env.GIT_TERMINAL_PROMPT = "0";
    env.LC_ALL = "C";
    env.LANGUAGE = "C";
    // Append our settings after any GIT_CONFIG_* the caller already has.
    const entries = Object.entries(options.config ?? {});
    if (entries.length > 0) {
      const start = Number(env.GIT_CONFIG_COUNT ?? "0") || 0;
      entries.forEach(([k, v], i) => {
        env[`GIT_CONFIG_KEY_${start + i}`] = k;
        env[`GIT_CONFIG_VALUE_${start + i}`] = v;
      });
      env.GIT_CONFIG_COUNT = String(start + entries.length);
    }
    this.env = env;
  }

  /** A Git bound to another directory, sharing environment and redactor. */
  at(cwd: string): Git {
    return new Git({ ...this.options, cwd });
  }

  async run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    const result = await new Promise<GitResult>((resolve, reject) => {
      const child = execFile(
        this.gitPath,
        [...args],
        {
          cwd: options.cwd ?? this.cwd,
          env: { ...this.env, ...(options.env ?? {}) },
          maxBuffer: 256 * 1024 * 1024,
          timeout: this.timeoutMs,
          killSignal: "SIGKILL",
          encoding: "utf8",
        },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== "number") {
            const why = error.killed ? `timed out after ${this.timeoutMs} ms` : error.message;
            reject(
              new GitError(
                this.redactor.redact(`git ${args[0] ?? ""} failed: ${why}`),
                args.map((a) => this.redactor.redact(a)),
                null,
                this.redactor.redact(stderr),
              ),
            );
            return;
          }
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
    if (result.code !== 0 && !options.allowFailure) {
      const stderr = this.redactor.redact(result.stderr.trim());
      const detail = stderr.split("\n").filter(Boolean).slice(-4).join(" | ");
      throw new GitError(
        `git ${args[0] ?? ""} failed (exit ${result.code})${detail ? `: ${detail}` : ""}`,
        args.map((a) => this.redactor.redact(a)),
        result.code,
        stderr,
      );
    }
    return result;
  }

  /** stdout of a command, trailing newline removed. */
  async out(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.replace(/\n$/, "");
  }

  /** True when the command exits 0 (for predicates such as `merge-base --is-ancestor`). */
  async ok(args: readonly string[], options: GitRunOptions = {}): Promise<boolean> {
    return (await this.run(args, { ...options, allowFailure: true })).code === 0;
  }
}
