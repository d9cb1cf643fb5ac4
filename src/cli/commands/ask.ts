import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { forDisplay, printFindings } from "../output.js";
import { findingsOfEnvironments, providerFromFlags, redactPatterns, wrapUsageAsync } from "../ai-options.js";
import { ask } from "../../ai/ask.js";
import type { AskOptions, AskResult } from "../../ai/ask.js";
import { appendAudit, auditUser } from "../../ai/audit.js";
import type { AuditEntry } from "../../ai/audit.js";
import { writeFilesAtomic } from "../../ai/apply.js";
import {
  checkLock,
  findInstructionFiles,
  formatLock,
  LOCK_FILE,
  readLock,
  sha256,
  upsertEntry,
} from "../../ai/lock.js";
import type { InstructionFile, Lock } from "../../ai/lock.js";
import { formatChanges, summarizeChanges } from "../../core/diff.js";
import { describeOp } from "../../intent/edit/index.js";
import { LlmError } from "../../ai/provider.js";
import type { Provider } from "../../ai/provider.js";
import { loadIntent } from "../../intent/load.js";
import { VERSION } from "../../core/version.js";

interface AskFlags {
  env?: string;
  app?: string;
  platform?: string;
  config?: string;
  dryRun?: boolean;
  propose?: boolean;
  repo?: string;
  base?: string;
  intentPath?: string;
  lock?: boolean;
  force?: boolean;
  llm?: string;
  maxRepairs: string;
  allowSecurityRelaxation?: boolean;
  allowNewImageSource?: boolean;
  redact: string[];
  output: "text" | "json";
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerAsk(program: Command, ctx: CommandContext): void {
  program
    .command("ask")
    .description(
      "Plain English in, reviewed intent changes out: a model proposes intent operations (never free YAML); kintent applies, compiles and validates them, repairs up to 3 times, shows the diffs, and writes only a valid result (or opens a pull request)",
    )
    .argument("[request]", "what to change, in plain English (with --lock: read from claudernetes.yaml/.md)")
    .argument("[dir]", "intent directory", ".")
    .option("-e, --env <env>", "the environment the request is about")
    .option("--app <name>", "the app, when the directory holds several")
    .option("--dry-run", "show the diffs and findings; write nothing")
    .option("--propose", "open a pull request (kintent propose) instead of writing the working tree")
    .option(
      "--repo <path-or-url>",
      "with --propose: the GitOps repository (default: platform.spec.gitops.repo)",
    )
    .option("--base <branch>", "with --propose: the branch to propose against")
    .option(
      "--intent-path <path>",
      "with --propose: where the intent lives in the GitOps repository (committed with the manifests; default: its path in its own Git repository)",
    )
    .option(
      "--lock",
      "generate from the directory's claudernetes.yaml / claudernetes.md once, validate, and record it in kintent.lock; later runs (and the Argo CD plugin) need no model until the instructions change",
    )
    .option("--force", "with --lock: regenerate even when kintent.lock is current")
    .option(
      "--llm <provider:model[@baseURL]>",
      "model to use (default: $KINTENT_LLM); without @baseURL, $ANTHROPIC_BASE_URL / $OPENAI_BASE_URL, else the vendor's API",
    )
    .option("--max-repairs <n>", "repair rounds when the answer does not validate", "3")
    .option("--allow-security-relaxation", "a person approves security relaxations the model proposes")
    .option("--allow-new-image-source", "a person approves changing the repository of the app's image")
    .option(
      "--redact <regex>",
      "also redact matches of this pattern before anything is sent (repeatable)",
      collect,
      [],
    )
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option("--config <file>", "validation configuration (default: .kintent.yaml here or in a parent)")
    .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (request: string | undefined, dir: string, flags: AskFlags) => {
      ctx.exitCode = await wrapUsageAsync(() => runAsk(ctx, request, dir, flags));
    });
}

function providerFor(ctx: CommandContext, flags: AskFlags): Provider {
  return providerFromFlags(ctx.io.env, flags.llm);
}

async function runAsk(
  ctx: CommandContext,
  requestArg: string | undefined,
  dirArg: string,
  flags: AskFlags,
): Promise<number> {
  const { io } = ctx;
  let request = requestArg;
  let dir = dirArg;
  // `kintent ask --lock <dir>`: the only argument is the directory.
  if (flags.lock && request !== undefined && dir === "." && existsSync(resolve(io.cwd, request))) {
    dir = request;
    request = undefined;
  }
  const maxRepairs = Number(flags.maxRepairs);
  if (!Number.isInteger(maxRepairs) || maxRepairs < 0 || maxRepairs > 10)
    throw new UsageError(`--max-repairs must be 0–10, got ${flags.maxRepairs}`);
  if (flags.propose && flags.dryRun) throw new UsageError("--propose and --dry-run exclude each other");
  const abs = resolve(io.cwd, dir);
  if (!existsSync(abs)) throw new UsageError(`no such directory: ${dir}`);

  if (flags.lock) return runLock(ctx, abs, request, flags, maxRepairs);
  if (request === undefined || request.trim() === "")
    throw new UsageError('say what to change: kintent ask "<request>" [dir]');
  const provider = providerFor(ctx, flags);
  const options = askOptions(ctx, abs, request, flags, provider, maxRepairs);
  const result = await runModel(ctx, abs, "ask", options);
  if (!result) return ExitCode.Failure;
  const code = printResult(ctx, abs, result, flags);
  if (result.status !== "ok") {
    audit(ctx, abs, "ask", result, outcomeOf(result));
    return code;
  }
  if (flags.dryRun) {
    audit(ctx, abs, "ask", result, "dry-run");
    io.stderr.write("kintent: dry run; nothing written\n");
    return ExitCode.Ok;
  }
  if (flags.propose) return proposeResult(ctx, abs, result, flags, provider);
  writeFilesAtomic(result.writes);
  audit(ctx, abs, "ask", result, "written");
  io.stderr.write(
    `kintent: wrote ${[...result.writes.keys()].map((f) => relative(io.cwd, f) || f).join(", ")}\n`,
  );
  return ExitCode.Ok;
}

function askOptions(
  ctx: CommandContext,
  abs: string,
  request: string,
  flags: AskFlags,
  provider: Provider,
  maxRepairs: number,
  instructions?: InstructionFile,
): AskOptions {
  return {
    request,
    dir: abs,
    cwd: ctx.io.cwd,
    provider,
    maxRepairs,
    redact: { patterns: redactPatterns(ctx.io.env, flags.redact) },
    gate: {
      ...(flags.allowSecurityRelaxation ? { allowSecurityRelaxation: true } : {}),
      ...(flags.allowNewImageSource ? { allowNewImageSource: true } : {}),
    },
    log: (line) => ctx.io.stderr.write(`kintent: ${line}\n`),
    ...(flags.env !== undefined ? { env: flags.env } : {}),
    ...(flags.app !== undefined ? { app: flags.app } : {}),
    ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
    ...(flags.config !== undefined ? { configFile: flags.config } : {}),
    ...(instructions ? { instructions } : {}),
  };
}

/** Call the model; provider failures are printed (and audited) as tool failures. */
async function runModel(
  ctx: CommandContext,
  abs: string,
  action: AuditEntry["action"],
  options: AskOptions,
): Promise<AskResult | undefined> {
  try {
    return await ask(options);
  } catch (e) {
    if (!(e instanceof LlmError)) throw e;
    ctx.io.stderr.write(`kintent: ${e.message}\n`);
    appendAudit(abs, {
      time: new Date().toISOString(),
      user: auditUser(ctx.io.env),
      action,
      provider: options.provider.kind,
      model: options.provider.id,
      requestHash: "",
      tokens: { input: 0, output: 0 },
      rounds: 0,
      operations: [],
      outcome: "error",
      files: [],
      redacted: {},
      error: `${e.reason}: ${e.message}`,
    });
    return undefined;
  }
}

function outcomeOf(r: AskResult): string {
  return r.status;
}

function audit(
  ctx: CommandContext,
  abs: string,
  action: AuditEntry["action"],
  r: AskResult,
  outcome: string,
  proposal?: string,
): void {
  appendAudit(abs, {
    time: new Date().toISOString(),
    user: auditUser(ctx.io.env),
    action,
    provider: r.model.split(":")[0] ?? r.model,
    model: r.model,
    requestHash: r.requestHash,
    tokens: {
      input: r.usage.input,
      output: r.usage.output,
      ...(r.usage.estimated ? { estimated: true } : {}),
    },
    rounds: r.rounds,
    operations: r.ops.map(describeOp),
    ...(r.extra ? { extra: `extra/${r.extra.name}.yaml` } : {}),
    outcome,
    files:
      outcome === "written" || outcome === "locked" || outcome === "proposed"
        ? [...r.writes.keys()].map((f) => relative(abs, f))
        : [],
    redacted: r.redactions,
    ...(proposal ? { proposal } : {}),
  });
}

/** Diffs and explanation on stdout, problems on stderr. */
function printResult(ctx: CommandContext, abs: string, r: AskResult, flags: AskFlags): number {
  const { io } = ctx;
  const code =
    r.status === "ok" || r.status === "unchanged"
      ? ExitCode.Ok
      : r.status === "blocked" || r.status === "refused"
        ? ExitCode.Findings
        : ExitCode.Failure;
  if (flags.output === "json") {
    io.stdout.write(
      JSON.stringify(
        {
          status: r.status,
          explanation: r.explanation,
          refusal: r.refusal,
          operations: r.ops,
          extra: r.extra ? { name: r.extra.name, why: r.extra.why } : undefined,
          files: [...r.writes.keys()].map((f) => relative(abs, f)),
          diff: r.intentDiff,
          environments: (r.preview?.envs ?? []).map((e) => ({
            env: e.env,
            changes: e.changes,
            findings: e.findings,
          })),
          problems: r.problems,
          blocked: r.blocked,
          rounds: r.rounds,
          tokens: r.usage,
          model: r.model,
        },
        null,
        2,
      ) + "\n",
    );
    return code;
  }
  const tokens = `${r.usage.input} in / ${r.usage.output} out${r.usage.estimated ? " (estimated)" : ""}`;
  const redacted = Object.values(r.redactions).reduce((a, b) => a + b, 0);
  io.stderr.write(
    `kintent: ${r.model}, ${r.rounds} call(s), ${tokens} tokens${redacted > 0 ? `, ${redacted} secret value(s) redacted before sending` : ""}\n`,
  );
  if (r.status === "refused") {
    io.stderr.write(`kintent: the model declined: ${r.refusal ?? ""}\n`);
    return code;
  }
  if (r.status === "invalid" || r.status === "blocked") {
    io.stderr.write(
      `kintent: ${r.status === "blocked" ? "blocked" : "no usable answer"} after ${r.rounds} call(s); nothing written:\n`,
    );
    for (const p of [...r.blocked, ...r.problems]) io.stderr.write(`  ${p}\n`);
    return code;
  }
  if (r.explanation) io.stdout.write(`${r.explanation.trim()}\n\n`);
  if (r.ops.length > 0)
    io.stdout.write(`operations:\n${r.ops.map((o) => `  ${describeOp(o)}`).join("\n")}\n\n`);
  if (r.status === "unchanged") {
    io.stderr.write("kintent: the answer changes nothing\n");
    return code;
  }
  io.stdout.write(r.intentDiff);
  for (const e of r.preview?.envs ?? []) {
    io.stdout.write(`\n# manifests, environment ${e.env}: ${summarizeChanges(e.changes)}\n`);
    io.stdout.write(formatChanges(e.changes, "  "));
  }
  printFindings(ctx, forDisplay(ctx, { dir: abs }, findingsOfEnvironments(r.preview?.envs ?? [])));
  return code;
}

/** `--propose`: the change goes to a pull request (kintent propose), never to the working tree. */
async function proposeResult(
  ctx: CommandContext,
  abs: string,
  r: AskResult,
  flags: AskFlags,
  provider: Provider,
): Promise<number> {
  const { io } = ctx;
  const loaded = loadIntent(abs, {
    cwd: io.cwd,
    ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
  });
  const platformFile = loaded.intent?.platform
    ? resolve(io.cwd, loaded.intent.platform.source.file)
    : undefined;
  const repo = flags.repo ?? loaded.intent?.platform?.value.spec.gitops?.repo;
  if (!repo) throw new UsageError("--propose needs --repo (or platform.spec.gitops.repo)");
  // Stage the changed intent in a temporary copy (with its platform file where the loader finds it):
  // the working tree is never touched.
  const { repoPrefix, stageIntent } = await import("../../gitops/stage.js");
  const stage = stageIntent(abs, r.writes, {
    tmpDir: io.env.TMPDIR ?? tmpdir(),
    ...(platformFile !== undefined ? { platformFile } : {}),
  });
  try {
    const staged = stage.dir;
    const intentPath = flags.intentPath ?? repoPrefix(abs);
    const { propose } = await import("../../gitops/propose.js");
    const errors = await import("../../gitops/errors.js");
    let outcome;
    try {
      outcome = await propose({
        dir: staged,
        cwd: io.cwd,
        repo,
        env: io.env,
        tmpDir: io.env.TMPDIR ?? tmpdir(),
        message: r.explanation,
        proposedBy: `kintent ask (${provider.id})`,
        log: (line) => io.stderr.write(`kintent: ${line}\n`),
        ...(intentPath !== undefined ? { intentPath } : {}),
        ...(flags.base !== undefined ? { base: flags.base } : {}),
        ...(r.app ? { app: r.app } : {}),
      });
    } catch (e) {
      if (e instanceof errors.ProposeSetupError) throw new UsageError(e.message);
      if (
        e instanceof errors.ProposeConflictError ||
        e instanceof errors.GitError ||
        e instanceof errors.ForgeError
      ) {
        io.stderr.write(`kintent: ${e.message}\n`);
        audit(ctx, abs, "ask", r, "propose-failed");
        return e instanceof errors.ProposeConflictError ? ExitCode.Findings : ExitCode.Failure;
      }
      throw e;
    }
    if (outcome.intentErrors.length > 0) {
      printFindings(ctx, forDisplay(ctx, { dir: outcome.dir }, outcome.intentErrors));
      audit(ctx, abs, "ask", r, "propose-failed");
      return ExitCode.Failure;
    }
    let code: number = ExitCode.Ok;
    const links: string[] = [];
    for (const p of outcome.results) {
      io.stdout.write(`${p.summary}\n`);
      if (p.pullRequest) links.push(p.pullRequest.url);
      else if (p.branch) links.push(p.branch);
      for (const i of p.instructions) io.stdout.write(`  ${i}\n`);
      if (p.status === "refused") code = ExitCode.Findings;
      if (p.forgeError !== undefined) code = ExitCode.Failure;
    }
    audit(ctx, abs, "ask", r, code === ExitCode.Ok ? "proposed" : "propose-failed", links.join(" "));
    return code;
  } finally {
    stage.remove();
  }
}

/** `--lock`: generate from claudernetes instructions once; a current lock means no model call at all. */
async function runLock(
  ctx: CommandContext,
  abs: string,
  request: string | undefined,
  flags: AskFlags,
  maxRepairs: number,
): Promise<number> {
  const { io } = ctx;
  const found = findInstructionFiles(abs);
  if (found.errors.length > 0) throw new UsageError(found.errors.join("; "));
  let sources: InstructionFile[] = found.files;
  if (request !== undefined && request.trim() !== "")
    sources = [{ path: `request:${sha256(request).slice(0, 12)}`, text: request, instructions: request }];
  if (sources.length === 0)
    throw new UsageError(
      `no claudernetes.yaml or claudernetes.md in ${relative(io.cwd, abs) || "."} (or give a request)`,
    );
  const status = checkLock(abs);
  if (request === undefined && status.status === "locked" && !flags.force) {
    const missing = status.entries.flatMap((e) =>
      e.files.filter((f) => !existsSync(join(abs, f.path))).map((f) => f.path),
    );
    if (missing.length === 0) {
      io.stderr.write(
        `kintent: ${LOCK_FILE} is current for ${sources.map((s) => s.path).join(", ")}; nothing to do (no model call)\n`,
      );
      return ExitCode.Ok;
    }
    io.stderr.write(`kintent: ${missing.join(", ")} listed in ${LOCK_FILE} are missing; regenerating\n`);
  }
  const provider = providerFor(ctx, flags);
  let lock: Lock | undefined = readLock(abs)?.lock;
  let code: number = ExitCode.Ok;
  for (const source of sources) {
    const options = askOptions(ctx, abs, source.instructions, flags, provider, maxRepairs, source);
    const result = await runModel(ctx, abs, "ask --lock", options);
    if (!result) return ExitCode.Failure;
    const c = printResult(ctx, abs, result, flags);
    if (result.status !== "ok") {
      audit(ctx, abs, "ask --lock", result, outcomeOf(result));
      code = Math.max(code, c === ExitCode.Ok ? ExitCode.Findings : c);
      continue;
    }
    if (flags.dryRun) {
      audit(ctx, abs, "ask --lock", result, "dry-run");
      continue;
    }
    writeFilesAtomic(result.writes);
    lock = upsertEntry(lock, {
      source: source.path,
      hash: `sha256:${sha256(source.text)}`,
      model: provider.id,
      kintentVersion: VERSION,
      files: [...result.writes].map(([f, t]) => ({ path: relative(abs, f), sha256: sha256(t) })),
      tokens: { input: result.usage.input, output: result.usage.output },
    });
    writeFilesAtomic(new Map([[join(abs, LOCK_FILE), formatLock(lock)]]));
    audit(ctx, abs, "ask --lock", result, "locked");
    io.stderr.write(
      `kintent: wrote ${[...result.writes.keys()].map((f) => relative(io.cwd, f) || f).join(", ")} and ${relative(io.cwd, join(abs, LOCK_FILE))}; commit them together\n`,
    );
  }
  if (flags.dryRun) io.stderr.write("kintent: dry run; nothing written\n");
  return code;
}
