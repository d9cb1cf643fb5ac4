/**
 * `change_intent`: intent operations (the vocabulary of `kintent set` and `kintent ask`) applied to the App's
 * file in memory, compiled and validated for every environment: the intent diff, the manifest changes per
 * environment and the findings. Writes the working tree only when the server runs with `--allow-write` and the
 * call asks for it, and only a valid result (as `kintent set`).
 *
 * Through MCP the user's own assistant is the model: it turns the request into operations itself, so this path
 * needs no provider and no API key (`kintent ask` does the same with a configured model).
 */
import { sep } from "node:path";
import * as z from "zod";
import { applyOpsToDir } from "../../ai/apply.js";
import { opProblem } from "../../ai/answer.js";
import { countChanges } from "../../core/diff.js";
import { intentOp, OP_NAMES, operationNamed } from "../../intent/edit/index.js";
import type { IntentOp } from "../../intent/edit/index.js";
import {
  changeLines,
  clip,
  countSeverities,
  encodeCursor,
  findingLine,
  findingSchema,
  intentPathInput,
  objectChangeSchema,
  pageBySize,
  paged,
  pageSchema,
  requestKey,
  severityCountsSchema,
  toMcpChange,
  topFindings,
} from "../answer.js";
import { checkpoint, defineTool, resolveInRoot } from "../tool.js";
import type { ToolContext, ToolFactory } from "../tool.js";
import type { McpServerOptions } from "../options.js";

export const operationsSchema = z
  .array(intentOp)
  .min(1)
  .max(100)
  .describe(
    "Intent operations, applied in order to the App's YAML (comments and formatting kept). Each is an object " +
      `with \`op\` (one of ${OP_NAMES.join(", ")}) and its fields; \`env\` limits an operation to one environment.`,
  );

const baseInput = {
  path: intentPathInput,
  app: z.string().max(253).optional().describe("The app to change, when the directory holds several"),
  operations: operationsSchema,
  why: z
    .string()
    .min(1)
    .max(2000)
    .optional()
    .describe(
      "Why the change is made: recorded in the intent's spec.why under the first operation's topic (as kintent set --why), where the reviewer and the runbook read it",
    ),
  envs: z
    .array(z.string().max(253))
    .max(50)
    .optional()
    .describe("Environments to preview. @default every environment"),
  cursor: z.string().max(1024).optional().describe("`nextCursor` of the previous page (same arguments)"),
};

const output = z.object({
  status: z
    .enum(["preview", "written", "unchanged", "invalid", "failed"])
    .describe(
      "preview: valid, nothing written; written: valid and written to the working tree; unchanged: the " +
        "operations change nothing; invalid: the result has error findings (nothing written); failed: an " +
        "operation does not apply or the resulting intent is invalid (see errors, intentErrors)",
    ),
  file: z
    .string()
    .optional()
    .describe("The intent file changed, relative to the directory the server serves"),
  app: z.string().optional().describe("The app changed"),
  applied: z.array(z.string()).describe("The operations applied, in words"),
  errors: z.array(z.string()).describe("Operations that do not apply, and why"),
  intentErrors: z.array(findingSchema).describe("Errors of the resulting intent (at most 20)"),
  intentDiff: z.string().describe("Unified diff of the intent file (cut past 12,000 characters)"),
  environments: z
    .array(
      z.object({
        env: z.string().describe("Environment"),
        changes: z
          .object({
            added: z.number().int().describe("Objects added"),
            changed: z.number().int().describe("Objects changed"),
            removed: z.number().int().describe("Objects removed"),
          })
          .describe("Manifest changes in this environment"),
        findings: severityCountsSchema.describe("Findings of the result in this environment"),
        errors: z.array(findingSchema).describe("Error findings of the result here (at most 10)"),
      }),
    )
    .describe("Per environment: what the manifests become"),
  changes: z
    .array(objectChangeSchema.extend({ env: z.string().describe("The environment of this change") }))
    .describe("This page of manifest changes, environment by environment"),
  page: pageSchema("change", "Changes", "Changes in every environment"),
  written: z.boolean().describe("Whether the working tree was written"),
  next: z.string().describe("What to do next"),
  nextCursor: z.string().optional().describe("Pass as `cursor` (with the same arguments) for the next page"),
});

type Output = z.infer<typeof output>;

/** Apply (or preview) `ops` and shape the answer. Shared with `propose`'s operations. */
export async function changeIntent(
  ctx: ToolContext,
  args: {
    path?: string | undefined;
    app?: string | undefined;
    operations: IntentOp[];
    why?: string | undefined;
    envs?: string[] | undefined;
  },
  write: boolean,
) {
  const { abs } = resolveInRoot(ctx.options.root, args.path);
  // `why` lands where `kintent set --why` puts it: under the first operation's topic (rollout, resources, …).
  const whyKey = args.operations[0] ? (operationNamed(args.operations[0].op).why ?? "app") : "app";
  const ops: IntentOp[] = [
    ...args.operations,
    ...(args.why !== undefined ? [{ op: "why" as const, key: whyKey, text: args.why }] : []),
  ];
  await ctx.progress(`applying ${ops.length} operation(s) and building every environment`);
  const result = await applyOpsToDir(abs, ops, {
    cwd: ctx.options.root,
    ...(ctx.options.platformFile !== undefined ? { platformFile: ctx.options.platformFile } : {}),
    ...(ctx.options.configFile !== undefined ? { configFile: ctx.options.configFile } : {}),
    ...(args.app !== undefined ? { app: args.app } : {}),
    ...(args.envs !== undefined && args.envs.length > 0 ? { envs: args.envs } : {}),
    dryRun: !write,
  });
  await checkpoint(ctx.signal);
  return result;
}

function nextStep(status: Output["status"], allowWrite: boolean, readOnly: boolean): string {
  switch (status) {
    case "preview":
      return readOnly
        ? "Show the user the diffs. This server is read-only: nothing can be written or proposed through it."
        : `Show the user the diffs; to deliver, call propose with the same operations (a pull request a person reviews)${allowWrite ? ", or call change_intent again with write: true to change the working tree" : ""}.`;
    case "written":
      return readOnly
        ? "Written to the working tree."
        : "Written to the working tree; call propose (without operations) to open the pull request.";
    case "unchanged":
      return "The intent already says this; nothing to do.";
    case "invalid":
      return "Fix the error findings (another operation, or a different value) and preview again.";
    case "failed":
      return "Fix the operations (see errors and intentErrors) and preview again.";
  }
}

export const changeIntentTool: ToolFactory = (options: McpServerOptions) => {
  const canWrite = options.allowWrite === true && options.readOnly !== true;
  const input = z.strictObject({
    ...baseInput,
    ...(canWrite
      ? {
          write: z
            .boolean()
            .optional()
            .describe(
              "Write the result to the working tree when it is valid (the server runs with --allow-write). @default false: preview",
            ),
        }
      : {}),
  });
  return defineTool({
    name: "change_intent",
    title: canWrite ? "Change the intent" : "Preview an intent change",
    description:
      "Change what is deployed by changing the intent — never the manifests. Translate the user's request into " +
      "`operations` yourself (their JSON Schema below is the whole vocabulary, the same as `kintent set` and " +
      "`kintent ask`: image, replicas, env, resources, autoscaling, canary-image, canary-weight, canary-promote, " +
      "canary-abort, rollout-steps, gate, expose, probe, tier, …); kintent applies them to the App's YAML " +
      "(comments kept), compiles and validates every environment, and returns the intent diff, the manifest " +
      "changes per environment and the findings, in pages of bounded size. " +
      (canWrite
        ? "It writes the working tree only with `write: true` and only a valid result; "
        : "It writes nothing (the server was started without --allow-write); ") +
      "to deliver a change, call propose with the same operations: a branch and a pull request a person merges.",
    input,
    output,
    annotations: canWrite
      ? { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false }
      : { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    writes: canWrite,
    async run(args, ctx) {
      const { cursor, ...request } = args;
      // A page after the first never writes again: it is cut from the first call's answer.
      const write = canWrite && (args as { write?: boolean }).write === true && cursor === undefined;
      const snap = await paged("change_intent", { root: ctx.options.root, ...request }, cursor, async () => {
        const r = await changeIntent(ctx, args, write);
        const status: Output["status"] = r.status === "dry-run" ? "preview" : r.status;
        const value = {
          status,
          ...(r.file !== undefined ? { file: r.file.split(sep).join("/") } : {}),
          ...(r.app !== undefined ? { app: r.app } : {}),
          applied: r.applied.slice(0, 100).map((a) => clip(a, 500)),
          errors: r.errors.slice(0, 50).map((e) => clip(opProblem(e), 1000)),
          intentErrors: topFindings(r.intentErrors),
          intentDiff: clip(ctx.redactor.text(r.diff), 12_000),
          environments: (r.preview?.envs ?? []).map((e) => ({
            env: e.env,
            changes: countChanges(e.changes),
            findings: countSeverities(e.findings),
            errors: topFindings(e.errors, 10, 4096),
          })),
          written: r.status === "written",
          next: nextStep(status, canWrite, options.readOnly === true),
          changes: (r.preview?.envs ?? []).flatMap((e) =>
            e.changes.map((c) => ({ env: e.env, ...toMcpChange(c, ctx.redactor) })),
          ),
        };
        return { value, content: requestKey(r.diff) };
      });
      const { changes, ...v } = snap.value;
      const page = pageBySize(changes, snap.offset);
      const out: Output = {
        ...v,
        changes: page.items,
        page: { offset: page.offset, count: page.items.length, total: page.total },
        ...(page.next !== undefined
          ? { nextCursor: encodeCursor("change_intent", snap.key, page.next) }
          : {}),
      };
      const text = [
        `${v.status}${v.app ? ` (${v.app})` : ""}: ${v.next}`,
        ...v.errors,
        ...v.intentErrors.map(findingLine),
        ...(v.applied.length > 0 ? ["operations:", ...v.applied.map((a) => `  ${a}`)] : []),
        ...(v.intentDiff ? ["intent diff:", clip(v.intentDiff, 6000)] : []),
        ...v.environments.map(
          (e) =>
            `${e.env}: ${e.changes.added} added, ${e.changes.changed} changed, ${e.changes.removed} removed; ${e.findings.error} error finding(s)`,
        ),
        ...v.environments.flatMap((e) => e.errors.map(findingLine)),
        clip(changeLines(page.items).join("\n"), 8000),
        ...(page.next !== undefined ? ["… more changes: pass nextCursor"] : []),
      ]
        .filter((l) => l !== "")
        .join("\n");
      return { output: out, text };
    },
  });
};
