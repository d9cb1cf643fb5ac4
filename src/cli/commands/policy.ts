import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../context.js";
import { ExitCode } from "../io.js";
import type { RegisterCommand } from "./index.js";
import {
  DEFAULT_TEST_FILE,
  findTestFiles,
  formatCategoryTable,
  formatSummaryLine,
  formatTestTable,
  loadTest,
  ratio,
  runTest,
  summarize,
} from "../../policy/index.js";
import type { TestReport } from "../../policy/index.js";
import { countRows } from "../../policy/kyverno-test/table.js";

interface TestFlags {
  fileName: string;
  detailedResults?: boolean;
  failOnly?: boolean;
  conformance?: boolean;
  floor?: string;
  json?: boolean;
}

function runAll(dirs: string[], fileName: string, onReport?: (r: TestReport) => void): TestReport[] {
  const reports: TestReport[] = [];
  for (const dir of dirs) {
    for (const file of findTestFiles(dir, fileName)) {
      for (const test of loadTest(file)) {
        const report = runTest(test);
        reports.push(report);
        onReport?.(report);
      }
    }
  }
  return reports;
}

function testAction(ctx: CommandContext, dirArgs: string[], flags: TestFlags): void {
  const { io } = ctx;
  const dirs = dirArgs.map((d) => resolve(io.cwd, d));
  for (const d of dirs) if (!existsSync(d)) throw new UsageError(`no such file or directory: ${d}`);
  if (flags.conformance) {
    if (dirs.length !== 1) throw new UsageError("--conformance takes exactly one corpus directory");
    const root = dirs[0] ?? "";
    const started = Date.now();
    const reports = runAll(dirs, flags.fileName);
    const seconds = (Date.now() - started) / 1000;
    const summary = summarize(reports, root);
    const figure = ratio(summary.total);
    if (flags.json) {
      io.stdout.write(JSON.stringify({ ...summary, ratio: figure, seconds }, null, 2) + "\n");
    } else {
      io.stdout.write(`Kyverno conformance over ${summary.tests} test suites (${seconds.toFixed(1)} s)\n\n`);
      io.stdout.write(formatCategoryTable(summary) + "\n\n");
      const t = summary.total;
      io.stdout.write(
        `met ${t.met} / ${t.met + t.unmet + t.skipped} = ${(figure * 100).toFixed(2)}%` +
          ` (unmet ${t.unmet}, skipped ${t.skipped}; excluded: unsupported ${t.unsupported}, missing fixture ${t.missing})\n`,
      );
      if (summary.unmet.length > 0) {
        io.stdout.write("\nNot met:\n");
        for (const u of summary.unmet) {
          io.stdout.write(
            `- [${u.status}] ${u.category} ${u.policy}${u.rule ? `/${u.rule}` : ""} ${u.resource} (want ${u.expected}): ${u.reason ?? ""}\n`,
          );
        }
      }
    }
    let floor: number | undefined;
    if (flags.floor !== undefined) {
      const path = resolve(io.cwd, flags.floor);
      try {
        const parsed = JSON.parse(readFileSync(path, "utf8")) as { ratio?: unknown };
        if (typeof parsed.ratio === "number") floor = parsed.ratio;
      } catch (e) {
        throw new UsageError(`cannot read floor file ${path}: ${(e as Error).message}`);
      }
      if (floor === undefined) throw new UsageError(`floor file ${path} has no numeric "ratio"`);
    }
    if (floor !== undefined && figure < floor) {
      io.stderr.write(
        `kintent: conformance ${(figure * 100).toFixed(2)}% is below the floor ${(floor * 100).toFixed(2)}%\n`,
      );
      ctx.exitCode = ExitCode.Findings;
      return;
    }
    ctx.exitCode = ExitCode.Ok;
    return;
  }
  const reports = runAll(dirs, flags.fileName, (report) => {
    if (flags.json) return;
    io.stdout.write(`Loading test ${report.test} ( ${report.path} ) ...\n`);
    io.stdout.write(
      formatTestTable(report, {
        detailed: flags.detailedResults === true,
        failOnly: flags.failOnly === true,
      }) + "\n\n",
    );
  });
  if (reports.length === 0) {
    io.stderr.write(`kintent: no ${flags.fileName} found\n`);
    ctx.exitCode = ExitCode.Failure;
    return;
  }
  const counts = countRows(reports);
  if (flags.json) io.stdout.write(JSON.stringify({ reports, summary: counts }, null, 2) + "\n");
  else io.stdout.write(formatSummaryLine(counts) + "\n");
  ctx.exitCode = counts.failed > 0 ? ExitCode.Findings : ExitCode.Ok;
}

/** `kintent policy test <dir>…`: runs Kyverno CLI test files, like `kyverno test`. */
export const registerPolicy: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const policy = program
    .command("policy")
    .description("Kyverno-compatible policies: run Kyverno CLI tests offline");
  policy
    .command("test")
    .description(
      `Run Kyverno CLI test files (${DEFAULT_TEST_FILE}, cli.kyverno.io/v1alpha1 Test) found under each directory`,
    )
    .argument("<dir...>", "directories (searched recursively) or test files")
    .option("-f, --file-name <name>", "test file name", DEFAULT_TEST_FILE)
    .option("--detailed-results", "add the rule message to each row")
    .option("--fail-only", "print only the rows that did not meet their expectation")
    .option("--json", "print the reports as JSON")
    .option(
      "--conformance",
      "summarize per category (top-level directory): met / unmet / skipped / unsupported",
    )
    .option("--floor <file>", 'with --conformance: exit 1 when the figure is below the floor file\'s "ratio"')
    .action((dirs: string[], flags: TestFlags) => {
      testAction(ctx, dirs, flags);
    });
};
