import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import type { Command } from "commander";
import { Option } from "commander";
import { redactPatterns } from "../ai-options.js";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import type { ForgeKind } from "../../gitops/remote.js";

interface McpFlags {
  port?: string;
  host?: string;
  tokenFile?: string;
  allowHost: string[];
  allowOrigin: string[];
  allowWrite?: boolean;
  readOnly?: boolean;
  repo?: string;
  base?: string;
  forge?: ForgeKind | "none";
  forgeUrl?: string;
  withIntent?: string;
  platform?: string;
  config?: string;
  redact: string[];
  kubeconfig?: string;
  context?: string;
  cluster?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerMcp(program: Command, ctx: CommandContext): void {
  program
    .command("mcp")
    .description(
      "Serve the intent directory to AI assistants over the Model Context Protocol (stdio, or Streamable HTTP with --port): typed, bounded, redacted answers; every write a pull request; never a cluster write",
    )
    .argument("[dir]", "the directory served (tools take paths inside it)", ".")
    .option(
      "--port <port>",
      "serve Streamable HTTP on http://<host>:<port>/mcp instead of stdio (0: any free port)",
    )
    .option(
      "--host <address>",
      "address to bind with --port (default 127.0.0.1; anything but loopback needs a bearer token in KINTENT_MCP_TOKEN)",
    )
    .option("--token-file <file>", "read the bearer token from this file instead of KINTENT_MCP_TOKEN")
    .option(
      "--allow-host <name>",
      "also accept this Host header name with --port (a reverse proxy; repeatable)",
      collect,
      [],
    )
    .option(
      "--allow-origin <name>",
      "also accept browser requests whose Origin has this host name (repeatable; loopback origins are accepted on a loopback bind)",
      collect,
      [],
    )
    .option("--allow-write", "change_intent may write the intent in the working tree (only a valid result)")
    .option("--read-only", "offer no tool that writes anything: no propose; change_intent only previews")
    .option(
      "--repo <path-or-url>",
      "the GitOps repository propose writes to (default: platform.spec.gitops.repo)",
    )
    .option("--base <branch>", "branch propose targets (default: platform.spec.gitops.revision, main)")
    .addOption(
      new Option(
        "--forge <forge>",
        "forge behind the repository (default: detected, or KINTENT_FORGE)",
      ).choices(["github", "gitea", "gitlab", "none"]),
    )
    .option("--forge-url <url>", "the forge's web root, when it is not the remote URL's scheme://host[:port]")
    .option(
      "--with-intent <path>",
      "where propose commits the intent in the GitOps repository (default with operations: the intent's path in its own Git repository)",
    )
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option(
      "--config <file>",
      "validation settings and policies (default: .kintent.yaml from the intent directory up)",
    )
    .option(
      "--cluster",
      "offer the cluster tools: status, diagnose, rollout_status (read-only) and rollout_step/abort/promote (through Git)",
    )
    .option(
      "--kubeconfig <file>",
      "with the cluster tools (implies --cluster): the cluster they read (default: $KUBECONFIG, in-cluster, ~/.kube/config)",
    )
    .option(
      "--context <name>",
      "kubeconfig context (default: the environment's `context`, else the current one)",
    )
    .option(
      "--redact <regex>",
      "also redact matches of this pattern from every answer (repeatable; and KINTENT_REDACT)",
      collect,
      [],
    )
    .action(async (dir: string, flags: McpFlags) => {
      ctx.exitCode = await runMcp(ctx, dir, flags);
    });
}

async function runMcp(ctx: CommandContext, dir: string, flags: McpFlags): Promise<number> {
  const { io } = ctx;
  if (flags.readOnly && flags.allowWrite)
    throw new UsageError("--read-only and --allow-write exclude each other");
  const root = resolve(io.cwd, dir);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new UsageError(`${dir}: not a directory (kintent mcp serves a directory)`);
  if (flags.port !== undefined && !/^\d{1,5}$/.test(flags.port))
    throw new UsageError(`--port ${flags.port}: not a TCP port (0–65535)`);
  const port = flags.port === undefined ? undefined : Number(flags.port);
  if (port === undefined && (flags.host !== undefined || flags.tokenFile !== undefined))
    throw new UsageError("--host and --token-file apply to HTTP: add --port");
  let token = io.env.KINTENT_MCP_TOKEN;
  if (flags.tokenFile !== undefined) {
    try {
      token = readFileSync(resolve(io.cwd, flags.tokenFile), "utf8").trim();
    } catch (e) {
      throw new UsageError(`cannot read --token-file ${flags.tokenFile}: ${(e as Error).message}`);
    }
  }
  const log = (line: string) => io.stderr.write(`kintent: ${line}\n`);
  const { serveStdioUntilClosed, startHttpServer, checkHttpOptions } = await import("../../mcp/index.js");
  const http =
    port !== undefined
      ? {
          port,
          ...(flags.host !== undefined ? { host: flags.host } : {}),
          ...(token !== undefined && token !== "" ? { token } : {}),
          allowedHosts: flags.allowHost,
          allowedOrigins: flags.allowOrigin,
        }
      : undefined;
  if (http) checkHttpOptions(http);
  const options = {
    root,
    env: io.env,
    log,
    ...(flags.allowWrite ? { allowWrite: true } : {}),
    ...(flags.readOnly ? { readOnly: true } : {}),
    ...(flags.platform !== undefined ? { platformFile: resolve(io.cwd, flags.platform) } : {}),
    ...(flags.config !== undefined ? { configFile: resolve(io.cwd, flags.config) } : {}),
    propose: {
      ...(flags.repo !== undefined ? { repo: flags.repo } : {}),
      ...(flags.base !== undefined ? { base: flags.base } : {}),
      ...(flags.forge !== undefined ? { forge: flags.forge } : {}),
      ...(flags.forgeUrl !== undefined ? { forgeUrl: flags.forgeUrl } : {}),
      ...(flags.withIntent !== undefined ? { intentPath: flags.withIntent } : {}),
    },
    redact: { patterns: redactPatterns(io.env, flags.redact), known: token !== undefined ? [token] : [] },
    ...(flags.cluster || flags.kubeconfig !== undefined || flags.context !== undefined
      ? {
          cluster: {
            ...(flags.kubeconfig !== undefined ? { kubeconfig: resolve(io.cwd, flags.kubeconfig) } : {}),
            ...(flags.context !== undefined ? { context: flags.context } : {}),
          },
        }
      : {}),
  };
  const mode = `${flags.readOnly ? "read-only" : flags.allowWrite ? "allow-write" : "preview + propose"}${"cluster" in options ? ", cluster tools" : ""}`;
  if (!http) {
    log(`MCP server on stdio for ${root} (${mode})`);
    // bin/kintent.js passes the process's streams; the CLI's IO type only promises `write`.
    await serveStdioUntilClosed(options, io.stdin as Readable, io.stdout as unknown as Writable);
    return ExitCode.Ok;
  }
  const running = await startHttpServer(options, http);
  log(
    `MCP server listening on ${running.url} for ${root} (${mode}${http.token !== undefined ? ", bearer token required" : ""})`,
  );
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolveStop();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await running.close();
  log("MCP server stopped");
  return ExitCode.Ok;
}
