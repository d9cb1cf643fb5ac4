/**
 * `diagnose`: `kintent diagnose` for an assistant — the cluster read (list/get/watch only, one list per kind and
 * namespace), the analyzers, evidence quoted verbatim, and, with an intent, each failure traced to its intent
 * line with the fix as intent operations (compiled, validated, checked). Diagnoses in pages of bounded size. To
 * deliver a fix, pass its `operations` to `propose`. Never writes anything, anywhere.
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { describeObject } from "../../core/object.js";
import { describeOp } from "../../intent/edit/index.js";
import { didYouMeanText, showValue } from "../../cluster/format.js";
import { runDiagnose, unknownAnalyzers } from "../../cluster/run.js";
import type { Diagnosis } from "../../cluster/diagnosis.js";
import type { FixPlan } from "../../cluster/fixes.js";
import {
  clip,
  encodeCursor,
  objectName,
  objectRefSchema,
  pageBySize,
  pageSchema,
  paged,
  ToolFailure,
} from "../answer.js";
import { checkpoint, clusterReaderFor, defineTool, READS_CLUSTER, openCompiled } from "../tool.js";
import type { ToolFactory } from "../tool.js";
import type { McpServerOptions } from "../options.js";

const input = z.strictObject({
  path: z
    .string()
    .max(1024)
    .optional()
    .describe(
      "Intent directory, relative to the directory the server serves: its environment's namespaces are read and each failure is traced to the intent with a fix. Omit to diagnose namespaces without an intent.",
    ),
  env: z.string().max(253).optional().describe("Environment of the intent. @default the only one"),
  app: z.string().max(253).optional().describe("App, when the directory holds several"),
  namespace: z.string().max(253).optional().describe("Only this namespace (instead of the environment's)"),
  allNamespaces: z.boolean().optional().describe("Every namespace. @default false"),
  analyzers: z
    .array(z.string().max(100))
    .max(50)
    .optional()
    .describe(
      "Only these analyzers (ids, as the kintent://analyzers list or `kintent diagnose --list` name them)",
    ),
  cursor: z.string().max(1024).optional().describe("`nextCursor` of the previous page"),
});

const fixSchema = z
  .object({
    status: z
      .enum(["ready", "unfixable", "invalid", "not-cleared"])
      .describe(
        "ready: compiled, validated and the cause is gone (propose `operations`); unfixable: the intent cannot fix it (why says); invalid: the fix does not validate; not-cleared: the static check still sees the cause",
      ),
    why: z.string().describe("The reasoning, for the reviewer"),
    source: z
      .string()
      .optional()
      .describe("The intent line that produced the failing field (file:line:column, relative to the intent)"),
    operations: z
      .array(z.record(z.string(), z.unknown()))
      .describe("The fix as intent operations (change_intent / propose take them as they are)"),
    applied: z.array(z.string()).describe("The operations in words"),
    intentDiff: z.string().describe("Unified diff of the intent change (cut past 4,000 characters)"),
  })
  .describe("The fix kintent proposes, when an intent was given");

const diagnosisSchema = z.object({
  analyzer: z.string().describe("The analyzer's id"),
  variant: z.string().describe("Which case of the analyzer (not-found, unauthorized, …)"),
  severity: z.enum(["error", "warning"]).describe("error: something is down or cannot start"),
  object: objectRefSchema.describe("The object the evidence is about"),
  owner: objectRefSchema.optional().describe("The workload that owns it"),
  objects: z
    .number()
    .int()
    .describe("How many objects show this failure (pods of one workload are one diagnosis)"),
  cause: z.string().describe("The cause, one sentence"),
  evidence: z
    .array(z.string())
    .describe("Status fields and events quoted verbatim, events newest first (at most 8 lines)"),
  didYouMean: z.string().optional().describe("The existing name a dangling one probably meant"),
  fix: fixSchema.optional(),
});

const output = z.object({
  cluster: z.string().describe("The cluster read (server URL and context)"),
  namespaces: z.array(z.string()).describe("Namespaces read (empty: every namespace)"),
  readAt: z.string().describe("When the cluster was read (RFC 3339)"),
  listRequests: z.number().int().describe("List requests made (one per kind and namespace)"),
  skipped: z.array(z.string()).describe("Kinds not read, and why (e.g. a CRD that is not installed)"),
  counts: z
    .object({
      error: z.number().int().describe("Diagnoses of severity error"),
      warning: z.number().int().describe("Diagnoses of severity warning"),
      fixes: z.number().int().describe("Fixes ready to propose"),
    })
    .describe("What was found"),
  diagnoses: z.array(diagnosisSchema).describe("This page of diagnoses, errors first"),
  page: pageSchema("diagnosis", "Diagnoses", "Diagnoses found"),
  nextCursor: z.string().optional().describe("Pass as `cursor` for the next page; absent on the last page"),
});

type McpDiagnosis = z.infer<typeof diagnosisSchema>;

function toMcp(d: Diagnosis, fix: FixPlan | undefined): McpDiagnosis {
  const evidence = [
    ...d.fields.slice(0, 3).map((f) => `${describeObject(f.object)} ${f.path}: ${showValue(f.value)}`),
    ...d.events
      .slice(0, 5)
      .map(
        (e) =>
          `${e.lastTime ?? ""} ${e.type} ${e.reason}${e.count > 1 ? ` (x${e.count})` : ""}${e.source ? ` [${e.source}]` : ""}: ${clip(e.message, 400)}`,
      ),
  ];
  return {
    analyzer: d.analyzer,
    variant: d.variant,
    severity: d.severity,
    object: d.object,
    ...(d.owner ? { owner: d.owner } : {}),
    objects: d.objects.length,
    cause: d.cause,
    evidence,
    ...(didYouMeanText(d) !== undefined ? { didYouMean: didYouMeanText(d) } : {}),
    ...(fix
      ? {
          fix: {
            status: fix.status,
            why: fix.why,
            ...(fix.source?.loc
              ? { source: `${fix.source.loc.file}:${fix.source.loc.line}:${fix.source.loc.column}` }
              : {}),
            operations: fix.ops as unknown as Record<string, unknown>[],
            applied: fix.ops.map(describeOp),
            intentDiff: clip(fix.diff, 4000),
          },
        }
      : {}),
  };
}

export const diagnoseTool: ToolFactory = (options: McpServerOptions) =>
  options.cluster === undefined
    ? undefined
    : defineTool({
        name: "diagnose",
        title: "Diagnose the cluster",
        description:
          "Read the cluster (list/get/watch only: kintent never writes to a cluster) and diagnose failures as " +
          "`kintent diagnose` does: image pulls (tag not found vs unauthorized vs unreachable), crash loops, " +
          "OOMKills, missing ConfigMaps/Secrets/keys, pods stuck in ContainerCreating, unschedulable pods, failing " +
          "probes, Services without endpoints, missing route backends, pending claims, HPAs without metrics, " +
          "PDBs blocking evictions, degraded Argo Rollouts canaries, Argo CD Applications out of sync. Each " +
          "diagnosis quotes its evidence verbatim. With `path` (an intent), the environment's namespaces are read and " +
          "each failure is traced to the intent line that produced it, with the fix as intent operations that were " +
          "compiled, validated and shown to clear the cause — deliver one by passing its operations to `propose`. " +
          "Healthy workloads produce nothing. Paginated (`nextCursor`).",
        input,
        output,
        annotations: READS_CLUSTER,
        writes: false,
        async run(args, ctx) {
          const unknown = unknownAnalyzers(args.analyzers ?? []);
          if (unknown.length > 0)
            throw new ToolFailure(`analyzers: no analyzer ${unknown.map((u) => `\`${u}\``).join(", ")}`);
          if (args.namespace !== undefined && args.allNamespaces === true)
            throw new ToolFailure("namespace and allNamespaces exclude each other");
          if (args.path === undefined && (args.env !== undefined || args.app !== undefined))
            throw new ToolFailure("env and app need an intent `path`");
          const { cursor, ...request } = args;
          const snap = await paged("diagnose", { root: ctx.options.root, ...request }, cursor, async () => {
            const intent =
              args.path !== undefined
                ? await openCompiled(ctx.options, args.path, args.app, args.env)
                : undefined;
            await checkpoint(ctx.signal);
            await ctx.progress("reading the cluster");
            const report = await runDiagnose({
              reader: clusterReaderFor(ctx.options, intent?.project, intent?.env),
              ...(intent ? { intent } : {}),
              ...(args.namespace !== undefined ? { namespace: args.namespace } : {}),
              ...(args.allNamespaces === true ? { allNamespaces: true } : {}),
              analyzers: args.analyzers ?? [],
              cwd: ctx.options.root,
            });
            const { fixes } = report;
            const byFingerprint = new Map(fixes.map((f) => [f.fingerprint, f]));
            const rows = [...report.diagnoses]
              .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1))
              .map((d) => toMcp(d, byFingerprint.get(d.fingerprint)));
            const value = {
              cluster: report.cluster,
              namespaces: report.namespaces === "all" ? [] : [...report.namespaces],
              readAt: report.readAt,
              listRequests: report.apiCalls.list,
              skipped: [...report.skipped],
              counts: {
                error: report.diagnoses.filter((d) => d.severity === "error").length,
                warning: report.diagnoses.filter((d) => d.severity === "warning").length,
                fixes: fixes.filter((f) => f.status === "ready").length,
              },
              rows,
            };
            // A cursor pages through this read of the cluster, not a later one.
            const content = createHash("sha256").update(JSON.stringify(rows)).digest("hex").slice(0, 16);
            return { value, content };
          });
          const v = snap.value;
          const page = pageBySize(v.rows, snap.offset);
          const out = {
            cluster: v.cluster,
            namespaces: v.namespaces,
            readAt: v.readAt,
            listRequests: v.listRequests,
            skipped: v.skipped,
            counts: v.counts,
            diagnoses: page.items,
            page: { offset: page.offset, count: page.items.length, total: page.total },
            ...(page.next !== undefined ? { nextCursor: encodeCursor("diagnose", snap.key, page.next) } : {}),
          };
          const where = v.namespaces.length > 0 ? v.namespaces.join(", ") : "every namespace";
          const text =
            page.total === 0
              ? `healthy: nothing to report in ${where} (${v.cluster}, ${v.listRequests} list requests)`
              : [
                  `${page.total} diagnosis(es) in ${where} (${v.counts.error} error, ${v.counts.warning} warning; ${v.counts.fixes} fix(es) ready)${page.next !== undefined ? "; more: pass nextCursor" : ""}`,
                  ...page.items.map(
                    (d) =>
                      `- ${d.analyzer}/${d.variant} ${objectName(d.owner ?? d.object)}: ${d.cause}${d.fix ? ` — fix ${d.fix.status}${d.fix.applied.length ? `: ${d.fix.applied.join("; ")}` : ""}` : ""}`,
                  ),
                ].join("\n");
          return { output: out, text };
        },
      });
