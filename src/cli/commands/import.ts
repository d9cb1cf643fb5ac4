import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import type { ImportResult } from "../../importer/index.js";
import { Redactor } from "../../core/redact.js";

interface CommonFlags {
  out: string;
  exact?: boolean;
  namespace?: string;
  output: "text" | "json";
  force?: boolean;
}

interface HelmFlags extends CommonFlags {
  release?: string;
  values: string[];
}

interface ManifestFlags extends CommonFlags {
  env: string[];
}

const collect = (v: string, prev: string[]) => [...prev, v];

function common(cmd: Command): Command {
  return cmd
    .requiredOption(
      "-o, --out <dir>",
      "directory to write the intent into (new, empty, or an earlier import's)",
    )
    .option(
      "--exact",
      "reproduce every source object in every environment (kintent's defaults overridden where the source differs); default: adopt kintent's secure defaults and list every change",
    )
    .option("-n, --namespace <ns>", "namespace of objects that name none (the release namespace)", "default")
    .addOption(
      new Option("--output <format>", "report on stdout: a summary, or the full report as JSON")
        .choices(["text", "json"])
        .default("text"),
    )
    .option("--force", "replace an earlier import even where its files were edited since");
}

export function registerImport(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command("import")
    .description(
      "Turn a Helm chart or manifests into intent files (kintent.yaml per app, platform.yaml, extra/), with a parity report per environment (IMPORT.md)",
    );
  common(
    cmd
      .command("helm")
      .description(
        "Import a chart directory: `helm template` per environment's values (helm from KINTENT_HELM, PATH, or ~/.cache/kintent-tools)",
      )
      .argument("<chart>", "chart directory, its dependencies vendored under charts/")
      .option("--release <name>", "release name (default: the chart's name)")
      .option(
        "-f, --values <env=file>",
        "an environment and its values file (repeatable; several files for one environment apply in order); default: one environment, `default`, with the chart's values",
        collect,
        [],
      ),
  ).action(async (chart: string, flags: HelmFlags) => {
    const { importHelm } = await import("../../importer/index.js");
    const result = await importHelm({
      chart,
      ...(flags.release !== undefined ? { release: flags.release } : {}),
      namespace: flags.namespace ?? "default",
      values: flags.values,
      mode: flags.exact ? "exact" : "default",
      cwd: ctx.io.cwd,
      env: ctx.io.env,
    });
    ctx.exitCode = await finish(ctx, result, flags);
  });
  common(
    cmd
      .command("manifests")
      .description("Import manifest files or directories; `ENV=PATH` gives one environment its own manifests")
      .argument("<paths...>", "files or directories of YAML manifests, each optionally ENV=PATH")
      .option(
        "-e, --env <env>",
        "an environment (repeatable); a plain PATH belongs to every one",
        collect,
        [],
      ),
  ).action(async (paths: string[], flags: ManifestFlags) => {
    const { importManifests } = await import("../../importer/index.js");
    const result = await importManifests({
      paths,
      environments: flags.env,
      namespace: flags.namespace ?? "default",
      mode: flags.exact ? "exact" : "default",
      cwd: ctx.io.cwd,
    });
    ctx.exitCode = await finish(ctx, result, flags);
  });
}

async function finish(ctx: CommandContext, result: ImportResult, flags: CommonFlags): Promise<number> {
  const importer = await import("../../importer/index.js");
  importer.writeImport(resolve(ctx.io.cwd, flags.out), result.files, { force: flags.force === true });
  const r = result.report;
  if (flags.output === "json") ctx.io.stdout.write(new Redactor().text(JSON.stringify(r, null, 2)) + "\n");
  else {
    const f = r.figure;
    ctx.io.stdout.write(
      `kintent: imported ${r.apps.join(", ")} into ${flags.out} (${r.mode}): ${f.expressed} object(s) expressed as intent, ${f.carried} carried in extra/, ` +
        `${f.referenced} Secret(s) referenced, ${f.dropped} dropped, over ${r.environments.length} environment(s) — parity ${r.parity ? "holds" : "does NOT hold"}; see ${flags.out}/IMPORT.md\n`,
    );
    for (const w of r.warnings) ctx.io.stderr.write(`kintent: note: ${w}\n`);
  }
  return r.parity ? ExitCode.Ok : ExitCode.Findings;
}
