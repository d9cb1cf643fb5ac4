/** `policy_test`: Kyverno CLI test suites (`kyverno-test.yaml`) run with kintent's policy engine, in pages. */
import { statSync } from "node:fs";
import { basename, dirname, relative } from "node:path";
import * as z from "zod";
import { DEFAULT_TEST_FILE, findTestFiles, loadTest, runTest } from "../../policy/index.js";
import type { TestReport } from "../../policy/index.js";
import { countRows } from "../../policy/kyverno-test/table.js";
import { clip, encodeCursor, pageBySize, paged, pageSchema, requestKey, ToolFailure } from "../answer.js";
import { checkpoint, defineTool, resolveInRoot } from "../tool.js";
import type { ToolFactory } from "../tool.js";

const input = z.strictObject({
  path: z
    .string()
    .max(1024)
    .describe(
      `A directory searched recursively for ${DEFAULT_TEST_FILE} files, or one test file, relative to the directory the server serves`,
    ),
  failedOnly: z
    .boolean()
    .optional()
    .describe("List only the rows whose expectation did not hold. @default false"),
  cursor: z.string().max(1024).optional().describe("`nextCursor` of the previous page"),
});

const output = z.object({
  status: z.enum(["passed", "failed"]).describe("failed: at least one expectation did not hold"),
  summary: z
    .object({
      tests: z.number().int().describe("Test suites run"),
      passed: z.number().int().describe("Rows whose expectation held"),
      failed: z.number().int().describe("Rows whose expectation did not hold"),
      unsupported: z.number().int().describe("Expectations not evaluated (mutation, generation)"),
    })
    .describe("Like `kyverno test`'s summary line"),
  rows: z
    .array(
      z.object({
        test: z.string().describe("Test suite name"),
        file: z.string().describe("Its test file, relative to the directory the server serves"),
        policy: z.string().describe("Policy"),
        rule: z.string().describe("Rule"),
        resource: z.string().describe("Resource"),
        ok: z.boolean().describe("Whether the expectation held"),
        expected: z.string().describe("pass, fail, skip, warn, error"),
        actual: z.string().optional().describe("What the engine decided"),
        reason: z.string().describe("Ok, Want pass, got fail, Excluded, Not found…"),
        message: z.string().optional().describe("The rule's message"),
      }),
    )
    .describe("This page of result rows"),
  page: pageSchema("row", "Rows", "Rows listed"),
  nextCursor: z.string().optional().describe("Pass as `cursor` (with the same arguments) for the next page"),
});

export const policyTest: ToolFactory = () =>
  defineTool({
    name: "policy_test",
    title: "Run Kyverno policy tests",
    description:
      `Run Kyverno CLI test suites (${DEFAULT_TEST_FILE}, cli.kyverno.io/v1alpha1 Test) with kintent's ` +
      "Kyverno-compatible engine, offline — as `kintent policy test` and `kyverno test` do. Returns the summary " +
      "and the result rows (policy, rule, resource, expected, actual) in pages of bounded size. Writes nothing.",
    input,
    output,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    writes: false,
    async run(args, ctx) {
      const { cursor, ...request } = args;
      const snap = await paged("policy_test", { root: ctx.options.root, ...request }, cursor, async () => {
        const { abs } = resolveInRoot(ctx.options.root, args.path);
        const files = statSync(abs).isDirectory()
          ? findTestFiles(abs)
          : basename(abs) === DEFAULT_TEST_FILE || /\.ya?ml$/.test(abs)
            ? [abs]
            : [];
        if (files.length === 0) throw new ToolFailure(`no ${DEFAULT_TEST_FILE} under ${args.path}`);
        const reports: TestReport[] = [];
        for (const [i, file] of files.entries()) {
          await checkpoint(ctx.signal);
          await ctx.progress(
            `running ${relative(ctx.options.root, dirname(file)) || "."} (${i + 1}/${files.length})`,
            files.length,
          );
          for (const test of loadTest(file)) reports.push(runTest(test));
        }
        const counts = countRows(reports);
        const rows = reports.flatMap((r) =>
          r.rows
            .filter((row) => !args.failedOnly || !row.ok)
            .map((row) => ({
              test: r.test,
              file: relative(ctx.options.root, r.path).split("\\").join("/"),
              policy: row.policy,
              rule: row.rule,
              resource: row.resource,
              ok: row.ok,
              expected: row.expected,
              ...(row.actual !== undefined ? { actual: row.actual } : {}),
              reason: clip(row.reason, 500),
              ...(row.message ? { message: clip(row.message, 1000) } : {}),
            })),
        );
        const value = { summary: { tests: reports.length, ...counts }, rows };
        return { value, content: requestKey(value) };
      });
      const { summary, rows } = snap.value;
      const page = pageBySize(rows, snap.offset);
      const out = {
        status: summary.failed > 0 ? ("failed" as const) : ("passed" as const),
        summary,
        rows: page.items,
        page: { offset: page.offset, count: page.items.length, total: page.total },
        ...(page.next !== undefined ? { nextCursor: encodeCursor("policy_test", snap.key, page.next) } : {}),
      };
      const text = [
        `Test Summary: ${summary.passed} tests passed and ${summary.failed} tests failed (${summary.tests} suite(s))`,
        ...page.items
          .filter((r) => !r.ok)
          .slice(0, 30)
          .map((r) => `- ${r.policy}/${r.rule} ${r.resource}: ${r.reason}`),
      ].join("\n");
      return { output: out, text };
    },
  });
