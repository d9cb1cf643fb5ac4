/**
 * `status`: `kintent status` for an assistant — what the intent deploys in one environment against what is live:
 * each object present, missing or drifted (only the fields kintent sets), rollout progress, the Argo CD
 * Application's revision and health. Objects in pages of bounded size. Reads the cluster; writes nothing.
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { driftLine, formatStatus, readStatus, statusOk } from "../../cluster/status.js";
import {
  clip,
  encodeCursor,
  intentPathInput,
  objectName,
  objectRefSchema,
  pageBySize,
  pageSchema,
  paged,
} from "../answer.js";
import { checkpoint, clusterReaderFor, defineTool, READS_CLUSTER, openCompiled } from "../tool.js";
import type { ToolFactory } from "../tool.js";
import type { McpServerOptions } from "../options.js";

const input = z.strictObject({
  path: intentPathInput,
  env: z.string().max(253).optional().describe("Environment (see describe_project). @default the only one"),
  app: z.string().max(253).optional().describe("App, when the directory holds several"),
  cursor: z.string().max(1024).optional().describe("`nextCursor` of the previous page"),
});

const output = z.object({
  environment: z.string().describe("The environment"),
  cluster: z.string().describe("The cluster read (server URL and context)"),
  readAt: z.string().describe("When (RFC 3339)"),
  ok: z
    .boolean()
    .describe(
      "Everything present, nothing drifted, rollouts healthy, the Argo CD Application synced and healthy",
    ),
  counts: z
    .object({
      present: z.number().int().describe("Objects live as the intent builds them"),
      drifted: z.number().int().describe("Objects whose fields kintent sets differ live"),
      missing: z.number().int().describe("Objects not in the cluster"),
      unknown: z
        .number()
        .int()
        .describe("Objects of kinds the cluster does not serve or the role cannot read"),
    })
    .describe("Objects by state"),
  objects: z
    .array(
      z.object({
        object: objectRefSchema,
        state: z.enum(["present", "missing", "drifted", "unknown"]).describe("Live against the intent"),
        drift: z.array(z.string()).describe("Drifted fields: `path: intent X, live Y` (at most 10)"),
        reason: z.string().optional().describe("Why the state is unknown"),
      }),
    )
    .describe("This page of objects, not-present first"),
  rollouts: z
    .array(z.object({ object: objectRefSchema, summary: z.string(), healthy: z.boolean() }))
    .describe(
      "Rollout progress of the workloads (ready/updated/available; Argo Rollouts phase, step, weight)",
    ),
  applications: z
    .array(
      z.object({
        object: objectRefSchema,
        sync: z.string().optional().describe("Synced / OutOfSync"),
        revision: z.string().optional().describe("The revision it synced"),
        health: z.string().optional().describe("Healthy / Progressing / Degraded / …"),
        message: z.string().optional().describe("The last operation's message"),
      }),
    )
    .describe("The Argo CD Application(s) of this environment"),
  page: pageSchema("object", "Objects", "Objects the intent deploys"),
  nextCursor: z.string().optional().describe("Pass as `cursor` for the next page; absent on the last page"),
});

const ORDER = { missing: 0, drifted: 1, unknown: 2, present: 3 } as const;

export const statusTool: ToolFactory = (options: McpServerOptions) =>
  options.cluster === undefined
    ? undefined
    : defineTool({
        name: "status",
        title: "Status: intent vs live",
        description:
          "What the intent deploys in one environment against what is live, as `kintent status`: each object present, " +
          "missing or drifted (only the fields kintent sets; server defaults are not drift), the workloads' rollout " +
          "progress, Argo Rollouts' phase and weight, and the Argo CD Application's sync revision and health. Reads the " +
          "cluster (get/list only); writes nothing. Follow up with diagnose when something is not ok.",
        input,
        output,
        annotations: READS_CLUSTER,
        writes: false,
        async run(args, ctx) {
          const { cursor, ...request } = args;
          const snap = await paged("status", { root: ctx.options.root, ...request }, cursor, async () => {
            const { project, env, build } = await openCompiled(ctx.options, args.path, args.app, args.env);
            await checkpoint(ctx.signal);
            const reader = clusterReaderFor(ctx.options, project, env);
            await ctx.progress("reading the cluster");
            const r = await readStatus(reader, env, build.objects);
            const count = (s: keyof typeof ORDER) => r.objects.filter((o) => o.state === s).length;
            const value = {
              environment: r.env,
              cluster: r.cluster,
              readAt: r.readAt,
              ok: statusOk(r),
              counts: {
                present: count("present"),
                drifted: count("drifted"),
                missing: count("missing"),
                unknown: count("unknown"),
              },
              rows: [...r.objects]
                .sort((a, b) => ORDER[a.state] - ORDER[b.state])
                .map((o) => ({
                  object: o.object,
                  state: o.state,
                  drift: o.drift.slice(0, 10).map(driftLine),
                  ...(o.reason !== undefined ? { reason: o.reason } : {}),
                })),
              rollouts: r.rollouts
                .slice(0, 50)
                .map((p) => ({ object: p.object, summary: p.summary, healthy: p.healthy })),
              applications: r.applications.slice(0, 10).map((a) => ({
                object: a.object,
                ...(a.sync !== undefined ? { sync: a.sync } : {}),
                ...(a.revision !== undefined ? { revision: a.revision } : {}),
                ...(a.health !== undefined ? { health: a.health } : {}),
                ...(a.message !== undefined ? { message: clip(a.message, 1000) } : {}),
              })),
              text: formatStatus(r),
            };
            const content = createHash("sha256")
              .update(JSON.stringify(value.rows))
              .digest("hex")
              .slice(0, 16);
            return { value, content };
          });
          const { rows, text, ...v } = snap.value;
          const page = pageBySize(rows, snap.offset);
          const out = {
            ...v,
            objects: page.items,
            page: { offset: page.offset, count: page.items.length, total: page.total },
            ...(page.next !== undefined ? { nextCursor: encodeCursor("status", snap.key, page.next) } : {}),
          };
          const head = `${v.environment}: ${v.ok ? "ok" : "not ok"} — ${v.counts.present} present, ${v.counts.drifted} drifted, ${v.counts.missing} missing (${v.cluster})`;
          return {
            output: out,
            text:
              snap.offset === 0
                ? text
                : [head, ...page.items.map((o) => `- ${o.state} ${objectName(o.object)}`)].join("\n"),
          };
        },
      });
