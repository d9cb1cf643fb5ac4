import { tmpdir } from "node:os";
import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { forDisplay, printFindings } from "../output.js";
import { InvalidInputError } from "../../core/errors.js";
import type { ForgeKind } from "../../gitops/remote.js";
import type { ProposeOutcome, ProposeResult } from "../../gitops/propose.js";

interface ProposeFlags {
  env?: string[];
  repo?: string;
  message?: string;
  base?: string;
  forge?: ForgeKind | "none";
  forgeUrl?: string;
  app?: string;
  platform?: string;
  config?: string;
  proposedBy?: string;
  applicationsDir?: string;
  application: boolean;
  repoUrl?: string;
  withIntent?: string;
  output: "text" | "json";
}

const collect = (v: string, prev: string[] | undefined) => [
  ...(prev ?? []),
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

export function registerPropose(program: Command, ctx: CommandContext): void {
  program
    .command("propose")
    .description(
      "Render the app into the GitOps repository on a branch kintent/<app>/<hash>, validate, commit, push and open (or update) the pull request — never merges",
    )
    .argument("[dir]", "intent directory or file", ".")
    .option(
      "-e, --env <env>",
      "environment to propose (repeatable, or comma-separated; default: every environment)",
      collect,
    )
    .option(
      "--repo <path-or-url>",
      "the GitOps repository: a local path (bare or not) or a Git URL (default: platform.spec.gitops.repo)",
    )
    .option("-m, --message <why>", "why the change is made (commit body and pull request)")
    .option("--base <branch>", "branch to propose against (default: platform.spec.gitops.revision, main)")
    .addOption(
      new Option(
        "--forge <forge>",
        "forge behind the remote (default: detected from the URL, or KINTENT_FORGE)",
      ).choices(["github", "gitea", "gitlab", "none"]),
    )
    .option("--forge-url <url>", "the forge's web root, when it is not the remote URL's scheme://host[:port]")
    .option("--app <name>", "only this app, when the directory holds several")
    .option("--platform <file>", "platform file (default: platform.yaml in the directory or a parent)")
    .option(
      "--config <file>",
      "validation settings and policies (default: .kintent.yaml from the intent directory up)",
    )
    .option(
      "--proposed-by <who>",
      "record who proposed the change (Proposed-By trailer), e.g. for AI-originated changes",
    )
    .option(
      "--applications-dir <dir>",
      "where the Argo CD Applications go in the repository (default: argocd)",
    )
    .option("--no-application", "do not write Argo CD Applications")
    .option(
      "--repo-url <url>",
      "repository URL for the Applications' spec.source.repoURL (default: platform.spec.gitops.repo)",
    )
    .option(
      "--with-intent <path>",
      "also commit the intent (and its platform file, kintent.lock) at this path of the repository, for repositories that hold intents and manifests",
    )
    .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (dir: string, flags: ProposeFlags) => {
      ctx.exitCode = await runPropose(ctx, dir, flags);
    });
}

async function runPropose(ctx: CommandContext, dir: string, flags: ProposeFlags): Promise<number> {
  const { io } = ctx;
  const { propose } = await import("../../gitops/propose.js");
  const errors = await import("../../gitops/errors.js");
  let outcome: ProposeOutcome;
  try {
    outcome = await propose({
      dir,
      cwd: io.cwd,
      ...(flags.repo !== undefined ? { repo: flags.repo } : {}),
      ...(flags.env !== undefined ? { envs: flags.env } : {}),
      env: io.env,
      tmpDir: io.env.TMPDIR ?? tmpdir(),
      log: (line) => io.stderr.write(`kintent: ${line}\n`),
      ...(flags.message !== undefined ? { message: flags.message } : {}),
      ...(flags.base !== undefined ? { base: flags.base } : {}),
      ...(flags.forge !== undefined ? { forge: flags.forge } : {}),
      ...(flags.forgeUrl !== undefined ? { forgeUrl: flags.forgeUrl } : {}),
      ...(flags.app !== undefined ? { app: flags.app } : {}),
      ...(flags.platform !== undefined ? { platformFile: flags.platform } : {}),
      ...(flags.config !== undefined ? { configFile: flags.config } : {}),
      ...(flags.proposedBy !== undefined ? { proposedBy: flags.proposedBy } : {}),
      ...(flags.repoUrl !== undefined ? { repoURL: flags.repoUrl } : {}),
      ...(flags.withIntent !== undefined ? { intentPath: flags.withIntent } : {}),
      ...(!flags.application
        ? { applicationsDir: false as const }
        : flags.applicationsDir !== undefined
          ? { applicationsDir: flags.applicationsDir }
          : {}),
    });
  } catch (e) {
    if (e instanceof errors.ProposeConflictError) {
      io.stderr.write(`kintent: ${e.message}\n${e.hint}\n`);
      return ExitCode.Findings;
    }
    if (e instanceof errors.GitError || e instanceof errors.ForgeError) {
      io.stderr.write(`kintent: ${e.message}\n`);
      return ExitCode.Failure;
    }
    throw e;
  }

  if (outcome.intentErrors.length > 0)
    throw new InvalidInputError("", [...outcome.intentErrors, ...outcome.warnings], outcome.dir);
  if (flags.output === "json") io.stdout.write(JSON.stringify(outcome, null, 2) + "\n");
  printFindings(
    ctx,
    forDisplay(ctx, { dir: outcome.dir }, [
      ...outcome.warnings,
      ...outcome.results.flatMap((r) => r.findings),
    ]),
  );
  let code: number = ExitCode.Ok;
  for (const r of outcome.results) {
    if (flags.output !== "json") io.stdout.write(describe(r));
    if (r.status === "refused") {
      io.stderr.write(`kintent: ${r.summary}\n`);
      code = Math.max(code, ExitCode.Findings);
    }
    if (r.forgeError !== undefined) {
      io.stderr.write(
        `kintent: ${r.branch} is pushed, but the pull request could not be opened: ${r.forgeError}\n` +
          "kintent: the branch stays; run kintent propose again to finish\n",
      );
      code = ExitCode.Failure;
    }
  }
  return code;
}

function describe(r: ProposeResult): string {
  if (r.status === "refused") return "";
  const lines = [`${r.summary}`];
  if (r.status !== "unchanged" || r.branch) {
    const c = { added: 0, changed: 0, removed: 0 };
    for (const x of r.changes) c[x.change]++;
    lines.push(`  changes against ${r.base}: ${c.added} added, ${c.changed} changed, ${c.removed} removed`);
  }
  if (r.commit) lines.push(`  commit: ${r.commit}`);
  if (r.pullRequest)
    lines.push(
      `  pull request: #${r.pullRequest.number} ${r.pullRequest.url} (${r.pullRequestAction ?? "unchanged"})`,
    );
  else if (r.branch && r.instructions.length > 0) {
    lines.push(`  no pull request opened: open one from ${r.branch} into ${r.base}`);
    for (const i of r.instructions) lines.push(`  ${i}`);
  }
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join("\n") + "\n";
}
