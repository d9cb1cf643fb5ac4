import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { readStdin } from "../read-stdin.js";
import { loadManifests } from "../../validate/load.js";
import { validateObjects } from "../../validate/index.js";
import type { ManifestInput } from "../../validate/index.js";
import { applyFixes } from "../../validate/fix.js";
import type { Finding } from "../../core/finding.js";
import { formatReport, REPORTERS } from "../../report/index.js";
import type { ReporterName } from "../../report/index.js";
import { buildFleet, failureError, loadValidation } from "../../project/index.js";
import { cacheOption, fleetFindings, parseJobs } from "./build-all.js";
import type { ValidationSetupOptions } from "../../project/index.js";
import { VERSION } from "../../core/version.js";

interface ValidateFlags {
  format: ReporterName;
  strict?: boolean;
  schemas: string[];
  policy: string[];
  config?: string;
  fix?: boolean;
  env?: string;
  jobs?: number;
  cache: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command("validate")
    .description(
      "Validate manifests (files, directories, `-` for stdin) or intent directories: strict schemas, built-in checks, the cross-resource graph",
    )
    .argument("[paths...]", "files, directories or - (stdin)", ["."])
    .addOption(new Option("-f, --format <format>", "report format").choices(REPORTERS).default("stylish"))
    .option("--strict", "kinds without a schema are errors, not skipped")
    .option("--schemas <dir>", "extra CRD YAML files (repeatable)", collect, [])
    .option("--policy <path>", "Kyverno policy file or directory (repeatable)", collect, [])
    .option("--config <file>", "configuration file (default: .kintent.yaml here or in a parent)")
    .option(
      "--fix",
      "apply safe fixes to the files (comments and formatting kept); suggestions are never applied",
    )
    .option("-e, --env <env>", "for intent directories: only this environment (default: all)")
    .option("-j, --jobs <n>", "intent directories built at once (default: one per core but one)", parseJobs)
    .option(
      "--no-cache",
      "for intent directories: rebuild every one (default: unchanged ones come from the build cache)",
    )
    .action(async (paths: string[], flags: ValidateFlags) => {
      ctx.exitCode = await runValidate(ctx, paths, flags);
    });
}

async function runValidate(ctx: CommandContext, paths: string[], flags: ValidateFlags): Promise<number> {
  const { io } = ctx;
  // The same validation setup as every other path: .kintent.yaml (here or a parent, or --config), its checks,
  // custom checks, policies and schemas, plus the flags.
  const setup: ValidationSetupOptions = {
    cwd: io.cwd,
    ...(flags.config !== undefined ? { configFile: flags.config } : {}),
    ...(flags.policy.length > 0 ? { policies: flags.policy } : {}),
    ...(flags.schemas.length > 0 ? { schemas: flags.schemas } : {}),
    ...(flags.strict !== undefined ? { strict: flags.strict } : {}),
  };
  const validation = await loadValidation(io.cwd, setup);

  // Inputs.
  const stdin = paths.includes("-") ? await readStdin(io.stdin) : undefined;
  const loaded = loadManifests(paths, { cwd: io.cwd, ...(stdin !== undefined ? { stdin } : {}) });
  const options = { ...validation.options, context: validation.context };
  const findings: Finding[] = [...loaded.errors];
  let objects = loaded.inputs.length;
  let valid = 0;
  let invalid = 0;
  let skipped = 0;
  const tally = (s: { valid: number; invalid: number; skipped: number }) => {
    valid += s.valid;
    invalid += s.invalid;
    skipped += s.skipped;
  };

  let inputs: ManifestInput[] = loaded.inputs;
  let result = validateObjects(inputs, options);
  if (flags.fix) {
    const fixed = applyFixes(inputs, result.findings, io.cwd);
    if (fixed.applied > 0) {
      io.stderr.write(`kintent: applied ${fixed.applied} fix(es) in ${fixed.files.join(", ")}\n`);
      const again = loadManifests(
        paths.filter((p) => p !== "-"),
        { cwd: io.cwd, ...(stdin !== undefined ? { stdin } : {}) },
      );
      inputs = again.inputs;
      result = validateObjects(inputs, options);
    }
  }
  findings.push(...result.findings);
  tally(result.summary);

  // Intent directories: built by the engine for each environment — exactly what `kintent build` validates.
  let intentErrors = false;
  const checks = [...validation.checks];
  // Policies that matched nothing, per engine run (the manifests', each intent directory's).
  const unmatched: Finding[][] = [];
  // Each directory is one engine run; they are independent, so they run on worker threads (src/project/fleet.ts)
  // and unchanged ones come from the build cache. Results are read in directory order.
  const apps = await buildFleet(loaded.intentDirs, {
    ...(flags.env !== undefined ? { environments: [flags.env] } : {}),
    open: setup,
    ...(flags.jobs !== undefined ? { workers: flags.jobs } : {}),
    ...(flags.cache ? cacheOption(io.env) : {}),
  });
  for (const app of apps) {
    if (app.failure) throw failureError(app.failure);
    unmatched.push(app.unmatchedPolicies);
    for (const c of app.customChecks) if (!checks.some((k) => k.id === c.id)) checks.push(c);
    if (app.errors.length > 0) intentErrors = true;
    findings.push(...fleetFindings(ctx, app));
    for (const b of app.environments) {
      objects += b.summary.total;
      tally(b.summary);
    }
  }

  // A --policy run says which rules and policies matched nothing over the whole run (every input and env).
  if (flags.policy.length > 0) {
    if (loaded.inputs.length > 0 || loaded.intentDirs.length === 0)
      unmatched.push(validation.unmatchedPolicies());
    const [first, ...rest] = unmatched;
    for (const f of first ?? [])
      if (rest.every((l) => l.some((g) => g.checkId === f.checkId))) findings.push(f);
  }
  if (objects === 0 && !findings.some((f) => f.severity === "error")) {
    findings.push({
      checkId: "input",
      messageId: "empty",
      severity: "warning",
      message: `no Kubernetes objects in ${paths.join(", ")}: nothing was validated`,
    });
  }
  const report = {
    findings,
    summary: { files: loaded.files.length + loaded.intentDirs.length, objects, valid, invalid, skipped },
    checks,
    toolVersion: VERSION,
  };
  io.stdout.write(
    formatReport(flags.format, report, { color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR }),
  );
  // An invalid intent is a usage error on every command (2); error findings in valid input are 1.
  if (intentErrors) return ExitCode.Failure;
  return findings.some((f) => f.severity === "error") ? ExitCode.Findings : ExitCode.Ok;
}
