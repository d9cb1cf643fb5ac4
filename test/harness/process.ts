import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";

/** A long-running child started in its own process group, logging to a file. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartProcessOptions {
  name: string;
  command: string;
  args: readonly string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Process groups still running, killed synchronously if this process exits without stopping them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

export function startProcess(options: StartProcessOptions): ManagedProcess {
  installExitHook();
  const out = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true, // own process group, so stop() reaches every descendant
      stdio: ["ignore", out, out],
    });
  } finally {
    closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.name} (${options.command})`);
  liveGroups.add(pid);
  const exited = new Promise<number | string>((resolveExit) => {
    child.once("exit", (code, signal) => {
      liveGroups.delete(pid);
      resolveExit(code ?? signal ?? "unknown");
    });
    child.once("error", (err) => {
      liveGroups.delete(pid);
      resolveExit(err.message);
    });
  });
  child.unref();
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    async stop(graceMs = 10_000): Promise<void> {
      if (!liveGroups.has(pid)) {
        killGroup(pid, "SIGKILL"); // stray descendants of an exited leader
        return;
      }
      killGroup(pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      killGroup(pid, "SIGKILL");
    },
  };
}

/** The last `lines` lines of a log file, for error messages. */
export function tailLog(path: string, lines = 30): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * A detached watchdog that kills the given process groups / pid files and removes `dir` once the test process
 * is gone — so environments are cleaned up even when the runner is killed without running its hooks.
 * Returns a function that dismisses the watchdog after a normal shutdown.
 */
export function startReaper(options: { groups: () => readonly number[]; pidGlob?: string; dir: string }): {
  update(): void;
  dismiss(): void;
} {
  let reaper: ChildProcess | undefined;
  const launch = (): void => {
    reaper?.kill("SIGKILL");
    const groups = options.groups().join(" ");
    const pidFiles = options.pidGlob ?? "";
    // Plain sh so nothing here depends on the test runner; `kill -0` polls the parent every second.
    const script = [
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
      `for g in ${groups}; do kill -9 -$g 2>/dev/null; done`, // dash: no "--" for kill
      pidFiles
        ? `for f in ${pidFiles}; do [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null; done`
        : "true",
      `rm -rf '${options.dir.replaceAll("'", "'\\''")}'`,
    ].join("\n");
    reaper = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
    reaper.unref();
  };
  launch();
  return {
    update: launch,
    dismiss(): void {
      reaper?.kill("SIGKILL");
      reaper = undefined;
    },
  };
}

/** Removes a directory tree, tolerating files still being written by exiting processes. */
export function removeDir(dir: string): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch {
      spawnSync("sleep", ["0.2"]);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** A free TCP port on 127.0.0.1 (the kernel picks it; there is a small window before the caller binds it). */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  options: {
    timeoutMs?: number;
    intervalMs?: number;
    /** Extra context appended to the timeout (or fatal) error, e.g. a log tail. */
    onTimeout?: () => string;
    /** Returns a reason to give up at once (e.g. a process exited). */
    fatal?: () => string | undefined;
  } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    const fatal = options.fatal?.();
    if (fatal !== undefined) {
      const extra = options.onTimeout ? `\n${options.onTimeout()}` : "";
      throw new Error(`gave up waiting for ${what}: ${fatal}${extra}`);
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      const extra = options.onTimeout ? `\n${options.onTimeout()}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}${extra}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
