import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import { useColor } from "../output.js";
import { readStdin } from "../read-stdin.js";
import { loadManifests, ManifestReadError } from "../../validate/load.js";
import { validateObjects, BUILTIN_CHECKS } from "../../validate/index.js";
import type { ManifestInput } from "../../validate/index.js";
import { SchemaLoadError, SchemaRegistry, defaultBundleDir } from "../../validate/schema/registry.js";
import { EMPTY_CONFIG, findConfig, loadConfig } from "../../validate/config.js";
import type { KintentConfig } from "../../validate/config.js";
import { applyFixes } from "../../validate/fix.js";
import type { Finding } from "../../core/finding.js";
import { formatReport, REPORTERS } from "../../report/index.js";
import type { ReporterName } from "../../report/index.js";
import { buildIntent } from "../../build.js";
import { loadIntent, IntentReadError } from "../../intent/load.js";
import { environmentNames } from "../../intent/resolve.js";
import { VERSION } from "../../core/version.js";

interface ValidateFlags {
  format: ReporterName;
  strict?: boolean;
  schemas: string[];
  policy: string[];
  config?: string;
  fix?: boolean;
  env?: string;
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
    .action(async (paths: string[], flags: ValidateFlags) => {
      ctx.exitCode = await runValidate(ctx, paths, flags);
    });
}

async function runValidate(ctx: CommandContext, paths: string[], flags: ValidateFlags): Promise<number> {
  const { io } = ctx;
  // Configuration.
  let config: KintentConfig = EMPTY_CONFIG;
  const configFile = flags.config ?? findConfig(io.cwd);
  if (configFile) {
    let loaded;
    try {
      loaded = loadConfig(configFile, relative(io.cwd, configFile) || configFile);
    } catch (e) {
      throw new UsageError(`cannot read ${configFile}: ${(e as Error).message}`);
    }
    if (!loaded.config) {
      io.stderr.write(
        formatReport(
          "stylish",
          {
            findings: loaded.errors,
            summary: { files: 1, objects: 0, valid: 0, invalid: 0, skipped: 0 },
            checks: BUILTIN_CHECKS,
            toolVersion: VERSION,
          },
          { color: useColor(ctx) },
        ),
      );
      return ExitCode.Failure;
    }
    config = loaded.config;
  }
  const policyPaths = [...config.policies, ...flags.policy.map((p) => resolve(io.cwd, p))];
  let policies: ((inputs: readonly ManifestInput[]) => Finding[]) | undefined;
  if (policyPaths.length > 0) {
    for (const p of policyPaths)
      if (!existsSync(p))
        throw new UsageError(`--policy: no such file or directory: ${relative(io.cwd, p) || p}`);
    const { policyGate } = await import("../../policy/gate.js");
    const pg = policyGate(policyPaths);
    if (!pg.gate)
      throw new UsageError(
        `cannot load policies: ${pg.errors.map((e) => `${relative(io.cwd, e.file) || e.file}: ${e.message}`).join("; ")}`,
      );
    if (pg.gate.count === 0)
      throw new UsageError(
        `--policy: no Kyverno or ValidatingAdmissionPolicy documents in ${policyPaths.map((p) => relative(io.cwd, p) || p).join(", ")}`,
      );
    policies = pg.gate.evaluate;
  }

  // Schemas (a failure here is the tool's, not the manifests').
  let registry: SchemaRegistry;
  try {
    registry = new SchemaRegistry(defaultBundleDir());
    for (const d of [...config.schemas, ...flags.schemas.map((x) => resolve(io.cwd, x))])
      registry.addCrdsFrom(d);
  } catch (e) {
    if (e instanceof SchemaLoadError) throw new UsageError(e.message);
    throw e;
  }

  // Inputs.
  const stdin = paths.includes("-") ? await readStdin(io.stdin) : undefined;
  let loaded;
  try {
    loaded = loadManifests(paths, { cwd: io.cwd, ...(stdin !== undefined ? { stdin } : {}) });
  } catch (e) {
    if (e instanceof ManifestReadError) throw new UsageError(e.message);
    throw e;
  }
  const strict = flags.strict ?? config.strict;
  const options = {
    strict,
    registry,
    settings: config.settings,
    extraChecks: config.customChecks,
    ...(policies ? { policies } : {}),
  };
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
  let result = validateObjects(inputs, { ...options, context: config.context });
  if (flags.fix) {
    const fixed = applyFixes(inputs, result.findings, io.cwd);
    if (fixed.applied > 0) {
      io.stderr.write(`kintent: applied ${fixed.applied} fix(es) in ${fixed.files.join(", ")}\n`);
      const again = loadManifests(
        paths.filter((p) => p !== "-"),
        { cwd: io.cwd, ...(stdin !== undefined ? { stdin } : {}) },
      );
      inputs = again.inputs;
      result = validateObjects(inputs, { ...options, context: config.context });
    }
  }
  findings.push(...result.findings);
  tally(result.summary);

  // Intent directories: compile each environment and validate the output in its context.
  for (const dir of loaded.intentDirs) {
    const shown = relative(io.cwd, dir) || ".";
    let envs: string[];
    try {
      const li = loadIntent(dir, { cwd: io.cwd });
      if (!li.intent) {
        findings.push(...li.errors, ...li.warnings);
        continue;
      }
      envs = flags.env ? [flags.env] : environmentNames(li.intent.platform);
    } catch (e) {
      if (e instanceof IntentReadError) throw new UsageError(e.message);
      throw e;
    }
    for (const env of envs) {
      const b = buildIntent(dir, { cwd: io.cwd, env, validateOptions: options });
      findings.push(...b.errors, ...b.warnings);
      for (const f of b.validation) findings.push({ ...f, message: `${f.message} (${shown}, env ${env})` });
      const n = b.build?.results.reduce((k, r) => k + r.objects.length, 0) ?? 0;
      objects += n;
      const bad = new Set(
        b.validation
          .filter((f) => f.severity === "error")
          .map((f) => `${f.object?.kind}/${f.object?.namespace}/${f.object?.name}`),
      );
      tally({ valid: n - bad.size, invalid: bad.size, skipped: 0 });
    }
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
    checks: [...BUILTIN_CHECKS, ...config.customChecks],
    toolVersion: VERSION,
  };
  io.stdout.write(
    formatReport(flags.format, report, { color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR }),
  );
  return findings.some((f) => f.severity === "error") ? ExitCode.Findings : ExitCode.Ok;
}
