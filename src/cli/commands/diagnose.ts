import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { clusterIntent, clusterReader } from "../cluster.js";
import { forDisplay, printFindings } from "../output.js";
import { providerFromFlags, redactPatterns } from "../ai-options.js";

interface DiagnoseFlags {
  env?: string;
  namespace?: string;
  allNamespaces?: boolean;
  kubeconfig?: string;
  context?: string;
  analyzer: string[];
  list?: boolean;
  format: "text" | "markdown" | "json";
  output: "text" | "json";
  propose?: boolean;
  repo?: string;
  base?: string;
  intentPath?: string;
  platform?: string;
  config?: string;
  app?: string;
  redact: string[];
  explain?: boolean;
  llm?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** Files that make a directory an intent directory (src/intent/load.ts reads exactly these). */
export function holdsIntent(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => /^(kintent|score|.+\.kintent|.+\.score)\.ya?ml$/.test(f));
  } catch {
    return false;
  }
}

export function registerDiagnose(program: Command, ctx: CommandContext): void {
  program
    .command("diagnose")
    .description(
      "Read the cluster (list/get/watch only) and diagnose failures with evidence: image pulls, crash loops, OOMKills, missing ConfigMaps, unschedulable pods, Services without endpoints, failed canaries, …; with an intent, trace each to its intent line and propose the fix as intent operations",
    )
    .argument("[dir]", "intent directory (default: the current directory when it holds an intent)")
    .option(
      "-e, --env <env>",
      "the environment: its namespaces and its kubeconfig context (platform `context`)",
    )
    .option("-n, --namespace <ns>", "diagnose this namespace")
    .option("-A, --all-namespaces", "diagnose every namespace")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)")
    .option(
      "--context <name>",
      "kubeconfig context (default: the environment's `context`, else the current one)",
    )
    .option("--analyzer <id>", "only this analyzer (repeatable)", collect, [])
    .option("--list", "list the analyzers (with --format)")
    .addOption(
      new Option("--format <format>", "--list format").choices(["text", "markdown", "json"]).default("text"),
    )
    .addOption(new Option("--output <format>", "report format").choices(["text", "json"]).default("text"))
    .option("--propose", "open a pull request for each fix that compiles, validates and clears the cause")
    .option(
      "--repo <path-or-url>",
      "with --propose: the GitOps repository (default: platform.spec.gitops.repo)",
    )
    .option("--base <branch>", "with --propose: the branch to propose against")
    .option("--intent-path <path>", "with --propose: where the intent lives in the GitOps repository")
    .option(
      "--redact <regex>",
      "also redact matches of this pattern in the report and in what --explain sends (repeatable)",
      collect,
      [],
    )
    .option(
      "--explain",
      "add a plain-English summary and next steps written by the configured model ($KINTENT_LLM or --llm) from the redacted report; the diagnoses stay the source of truth",
    )
    .option(
      "--llm <provider:model[@baseURL]>",
      "with --explain: the model (default: $KINTENT_LLM); without @baseURL, $ANTHROPIC_BASE_URL / $OPENAI_BASE_URL, else the vendor's API",
    )
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option("--config <file>", "validation configuration (default: .kintent.yaml here or in a parent)")
    .option("--app <name>", "the app, when the directory holds several")
    .action(async (dir: string | undefined, flags: DiagnoseFlags) => {
      ctx.exitCode = await runDiagnose(ctx, dir, flags);
    });
}

async function runDiagnose(
  ctx: CommandContext,
  dirArg: string | undefined,
  flags: DiagnoseFlags,
): Promise<number> {
  const { io } = ctx;
  const { ANALYZERS } = await import("../../cluster/analyzers/index.js");
  if (flags.list) {
    if (flags.format === "markdown") {
      const { analyzersMarkdown } = await import("../../cluster/docs.js");
      io.stdout.write(analyzersMarkdown(ANALYZERS));
    } else if (flags.format === "json")
      io.stdout.write(
        JSON.stringify(
          ANALYZERS.map((a) => ({
            id: a.id,
            title: a.title,
            description: a.description,
            remediation: a.remediation,
            kinds: a.kinds,
            ...(a.staticCounterpart ? { staticCounterpart: a.staticCounterpart } : {}),
          })),
          null,
          2,
        ) + "\n",
      );
    else {
      const w = Math.max(...ANALYZERS.map((a) => a.id.length));
      for (const a of ANALYZERS) io.stdout.write(`${a.id.padEnd(w)}  ${a.title}\n`);
    }
    return ExitCode.Ok;
  }
  if (flags.namespace !== undefined && flags.allNamespaces)
    throw new UsageError("--namespace and --all-namespaces exclude each other");
  const { runDiagnose, unknownAnalyzers } = await import("../../cluster/run.js");
  for (const id of unknownAnalyzers(flags.analyzer))
    throw new UsageError(`no analyzer \`${id}\` (kintent diagnose --list shows them)`);
  const patterns = redactPatterns(io.env, flags.redact);
  const dir = dirArg ?? (holdsIntent(io.cwd) ? "." : undefined);
  if (dir !== undefined && !existsSync(resolve(io.cwd, dir)))
    throw new UsageError(`no such directory: ${dir}`);
  if (dir === undefined && (flags.env !== undefined || flags.propose))
    throw new UsageError(`${flags.propose ? "--propose" : "--env"} needs an intent directory`);
  if (flags.llm !== undefined && !flags.explain) throw new UsageError("--llm goes with --explain");
  // The model is configured before the cluster is read: a missing KINTENT_LLM is a usage error, not a late one.
  const provider = flags.explain ? providerFromFlags(io.env, flags.llm) : undefined;

  const { formatReport, reportJson } = await import("../../cluster/format.js");
  const { Redactor } = await import("../../core/redact.js");

  const intent = dir !== undefined ? await clusterIntent(ctx, dir, flags) : undefined;
  const report = await runDiagnose({
    reader: await clusterReader(ctx, flags, intent),
    ...(intent ? { intent } : {}),
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
    ...(flags.allNamespaces ? { allNamespaces: true } : {}),
    analyzers: flags.analyzer,
    cwd: io.cwd,
  });
  const { diagnoses, fixes } = report;
  const redactor = new Redactor({ patterns });
  if (provider && diagnoses.length > 0) {
    const { explainDiagnoses } = await import("../../ai/explain-diagnoses.js");
    // The model reads the text report a person reads, through the same redactor (events included).
    const e = await explainDiagnoses(provider, formatReport({ ...report, skipped: [] }, redactor), redactor);
    report.explanation = { model: e.model, summary: e.summary, steps: e.steps, truncated: e.truncated };
  }
  io.stdout.write(flags.output === "json" ? reportJson(report, redactor) : formatReport(report, redactor));
  for (const f of fixes)
    if (f.status === "invalid" && f.preview)
      printFindings(
        ctx,
        forDisplay(
          ctx,
          { dir: intent?.project.dir ?? io.cwd },
          f.preview.envs.flatMap((e) => e.errors),
        ),
      );

  let code: number = diagnoses.length > 0 ? ExitCode.Findings : ExitCode.Ok;
  if (flags.propose && intent) {
    const { project, env } = intent;
    const repo = flags.repo ?? project.platform?.value.spec.gitops?.repo;
    if (!repo) throw new UsageError("--propose needs --repo (or platform.spec.gitops.repo)");
    const { proposeFix } = await import("../../cluster/propose-fix.js");
    const errors = await import("../../gitops/errors.js");
    for (const f of fixes.filter((x) => x.status === "ready")) {
      const d = diagnoses.find((x) => x.fingerprint === f.fingerprint);
      if (!d) continue;
      try {
        const outcome = await proposeFix(d, f, {
          project,
          env,
          cwd: io.cwd,
          repo,
          processEnv: io.env,
          redact: flags.redact,
          log: (line) => io.stderr.write(`kintent: ${line}\n`),
          ...(flags.base !== undefined ? { base: flags.base } : {}),
          ...(flags.intentPath !== undefined ? { intentPath: flags.intentPath } : {}),
        });
        if (outcome.intentErrors.length > 0) {
          printFindings(ctx, forDisplay(ctx, { dir: outcome.dir }, outcome.intentErrors));
          code = ExitCode.Failure;
        }
        for (const p of outcome.results) {
          io.stdout.write(`${p.summary}${p.pullRequest ? `: ${p.pullRequest.url}` : ""}\n`);
          for (const i of p.instructions) io.stdout.write(`  ${i}\n`);
          if (p.forgeError !== undefined) code = ExitCode.Failure;
        }
      } catch (e) {
        if (e instanceof errors.ProposeSetupError) throw new UsageError(e.message);
        if (
          e instanceof errors.ProposeConflictError ||
          e instanceof errors.GitError ||
          e instanceof errors.ForgeError
        ) {
          io.stderr.write(`kintent: ${e.message}\n`);
          code = ExitCode.Failure;
          continue;
        }
        throw e;
      }
    }
  }
  return code;
}
