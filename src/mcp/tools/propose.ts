/**
 * `propose`: the only way a change leaves through the MCP server — rendered, validated, committed on a branch
 * `kintent/<app>/<hash>` and opened (or updated) as a pull request by `kintent propose`'s code. With
 * `operations`, the edited intent is staged in a temporary copy and committed with the manifests: the working
 * tree is never touched. Never merges, never writes to a cluster.
 */
import { resolve } from "node:path";
import { tmpdir } from "node:os";
import * as z from "zod";
import { opProblem } from "../../ai/answer.js";
import { countChanges } from "../../core/diff.js";
import { propose } from "../../gitops/propose.js";
import type { ProposeOutcome } from "../../gitops/propose.js";
import { ProposeConflictError } from "../../gitops/errors.js";
import { repoPrefix, stageIntent } from "../../gitops/stage.js";
import type { StagedIntent } from "../../gitops/stage.js";
import {
  changeLines,
  clip,
  countSeverities,
  findingLine,
  findingSchema,
  intentPathInput,
  objectChangeSchema,
  severityCountsSchema,
  toMcpChange,
  ToolFailure,
  topFindings,
} from "../answer.js";
import { CancelledError, defineTool, openAt } from "../tool.js";
import type { ToolFactory } from "../tool.js";
import type { McpServerOptions } from "../options.js";
import { parseOps } from "../../intent/edit/index.js";
import { changeIntent } from "./change-intent.js";

const input = z.strictObject({
  path: intentPathInput,
  app: z.string().max(253).optional().describe("Only this app, when the directory holds several"),
  envs: z
    .array(z.string().max(253))
    .max(50)
    .optional()
    .describe("Environments to propose. @default every environment"),
  message: z
    .string()
    .min(1)
    .max(4000)
    .describe("Why the change is made, for the reviewer: the commit body and the pull request's description"),
  operations: z
    .array(
      z
        .looseObject({
          op: z.string().describe("The operation's name; its other fields as change_intent's schema says"),
        })
        .describe("One intent operation"),
    )
    .min(1)
    .max(100)
    .optional()
    .describe(
      "Intent operations to propose, exactly as change_intent takes them (its input schema lists every operation): " +
        "applied to a temporary copy of the intent and committed with the manifests. Preview them with " +
        "change_intent first. Omit to propose the intent as it is in the working tree.",
    ),
});

const output = z.object({
  status: z
    .enum(["proposed", "unchanged", "refused", "failed"])
    .describe(
      "proposed: a branch (and pull request) was created or updated; unchanged: already proposed, nothing to " +
        "do; refused: error findings, nothing pushed; failed: the operations or the intent are wrong, nothing pushed",
    ),
  results: z
    .array(
      z.object({
        app: z.string().describe("The app proposed"),
        envs: z.array(z.string()).describe("Its environments proposed"),
        status: z
          .enum(["created", "updated", "unchanged", "refused"])
          .describe("What happened to its branch"),
        summary: z.string().describe("One line for people"),
        branch: z.string().optional().describe("The proposal branch"),
        commit: z.string().optional().describe("The commit made"),
        pullRequest: z
          .object({
            number: z.number().int().describe("Pull request number"),
            url: z.string().describe("Where a person reviews and merges it"),
            action: z.string().describe("created, updated or unchanged"),
          })
          .optional()
          .describe("The pull request, when a forge is configured"),
        changes: z
          .object({
            added: z.number().int().describe("Objects added"),
            changed: z.number().int().describe("Objects changed"),
            removed: z.number().int().describe("Objects removed"),
          })
          .describe("What the pull request changes against the base branch"),
        changeList: z.array(objectChangeSchema).describe("The first 30 object changes"),
        validation: z
          .object({
            counts: severityCountsSchema,
            findings: z.array(findingSchema).describe("First findings, errors first (at most 20)"),
          })
          .describe("The validation report of what was proposed"),
        instructions: z
          .array(z.string())
          .describe("How to open or review it by hand (no forge, or it failed)"),
        notes: z.array(z.string()).describe("Things to know that did not stop the proposal"),
        forgeError: z
          .string()
          .optional()
          .describe(
            "The branch is pushed but the forge failed: call propose again to finish the pull request",
          ),
      }),
    )
    .describe("One result per app"),
  change: z
    .object({
      file: z.string().optional().describe("The intent file changed"),
      applied: z.array(z.string()).describe("Operations applied, in words"),
      errors: z.array(z.string()).describe("Operations that do not apply, and why"),
      intentDiff: z.string().describe("Unified diff of the intent (cut past 8,000 characters)"),
    })
    .optional()
    .describe("The intent change proposed (with `operations`)"),
  intentErrors: z.array(findingSchema).describe("Errors of the intent (at most 20): nothing was proposed"),
});

type Output = z.infer<typeof output>;

export const proposeTool: ToolFactory = (options: McpServerOptions) =>
  defineTool({
    name: "propose",
    title: "Propose as a pull request",
    description:
      "Deliver a change the GitOps way: render the app for its environments into the GitOps repository's layout " +
      "(plus the Argo CD Application), validate everything (error findings refuse), commit on a branch " +
      "`kintent/<app>/<hash>` in a temporary clone, push, and open or update the pull request — exactly " +
      "`kintent propose`. Returns the pull request URL (or how to open one), the object changes and the " +
      "validation report. With `operations`, the intent change is committed too and the working tree is never " +
      "touched. Never merges and never touches a cluster: a person reviews and merges. Safe to repeat (same " +
      "intent, same branch, nothing new). Reports progress (clone, commit, push, pull request) and stops at the " +
      "next step when cancelled.",
    input,
    output,
    // Pushing may rewrite kintent's own proposal branch (a rebase with a lease): destructive, as a hint.
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    writes: true,
    async run(args, ctx) {
      const settings = options.propose ?? {};
      const { project, shown } = await openAt(ctx.options, args.path);
      let stage: StagedIntent | undefined;
      let change: Output["change"];
      let dir = project.dir;
      let intentPath = settings.intentPath;
      try {
        if (args.operations !== undefined) {
          const parsed = parseOps(args.operations);
          if (parsed.errors.length > 0) throw new ToolFailure(parsed.errors.map(opProblem).join("\n"));
          const r = await changeIntent(
            ctx,
            { path: args.path, app: args.app, operations: parsed.ops, envs: args.envs },
            false,
          );
          change = {
            ...(r.file !== undefined ? { file: r.file } : {}),
            applied: r.applied.slice(0, 100).map((a) => clip(a, 500)),
            errors: r.errors.slice(0, 50).map((e) => clip(opProblem(e), 1000)),
            intentDiff: clip(ctx.redactor.text(r.diff), 8000),
          };
          if (r.status !== "dry-run" || !r.writes) {
            const errors = [...r.intentErrors, ...(r.preview?.envs ?? []).flatMap((e) => e.errors)];
            const status =
              r.status === "invalid"
                ? ("refused" as const)
                : r.status === "unchanged"
                  ? ("unchanged" as const)
                  : ("failed" as const);
            const out: Output = { status, results: [], change, intentErrors: topFindings(errors) };
            const why =
              status === "unchanged"
                ? "the operations change nothing; nothing proposed"
                : status === "refused"
                  ? "the change has error findings; nothing proposed"
                  : "the operations do not apply; nothing proposed";
            return {
              output: out,
              text: [why, ...change.errors, ...out.intentErrors.map(findingLine)].join("\n"),
            };
          }
          intentPath ??= repoPrefix(project.dir);
          if (intentPath === undefined)
            throw new ToolFailure(
              `${shown} is not in a subdirectory of a Git repository, so the edited intent has no path to be committed at: start the server with --with-intent PATH (where the intent goes in the GitOps repository), or propose without operations`,
            );
          const platformFile = project.platform
            ? resolve(project.dir, project.platform.source.file)
            : undefined;
          stage = stageIntent(project.dir, r.writes, {
            tmpDir: options.env.TMPDIR ?? tmpdir(),
            ...(platformFile !== undefined ? { platformFile } : {}),
          });
          dir = stage.dir;
        }
        let outcome: ProposeOutcome;
        try {
          outcome = await propose({
            dir,
            cwd: ctx.options.root,
            env: options.env,
            tmpDir: options.env.TMPDIR ?? tmpdir(),
            message: args.message,
            proposedBy: `kintent mcp${ctx.client ? ` (${ctx.client})` : ""}`,
            log: (line) => {
              if (ctx.signal.aborted) throw new CancelledError();
              options.log?.(line);
              void ctx.progress(line);
            },
            ...(settings.repo !== undefined ? { repo: settings.repo } : {}),
            ...(settings.base !== undefined ? { base: settings.base } : {}),
            ...(settings.forge !== undefined ? { forge: settings.forge } : {}),
            ...(settings.forgeUrl !== undefined ? { forgeUrl: settings.forgeUrl } : {}),
            ...(ctx.options.platformFile !== undefined ? { platformFile: ctx.options.platformFile } : {}),
            ...(ctx.options.configFile !== undefined ? { configFile: ctx.options.configFile } : {}),
            ...(args.app !== undefined ? { app: args.app } : {}),
            ...(args.envs !== undefined && args.envs.length > 0 ? { envs: args.envs } : {}),
            ...(intentPath !== undefined ? { intentPath } : {}),
          });
        } catch (e) {
          if (e instanceof ProposeConflictError) throw new ToolFailure(`${e.message}\n${e.hint}`);
          throw e;
        }
        if (outcome.intentErrors.length > 0) {
          const out: Output = {
            status: "failed",
            results: [],
            ...(change ? { change } : {}),
            intentErrors: topFindings(outcome.intentErrors),
          };
          return {
            output: out,
            text: [
              `The intent in ${shown} does not compile; nothing proposed:`,
              ...out.intentErrors.map(findingLine),
            ].join("\n"),
          };
        }
        const results = outcome.results.map((r) => ({
          app: r.app,
          envs: r.envs,
          status: r.status,
          summary: clip(r.summary, 1000),
          ...(r.branch !== undefined ? { branch: r.branch } : {}),
          ...(r.commit !== undefined ? { commit: r.commit } : {}),
          ...(r.pullRequest
            ? {
                pullRequest: {
                  number: r.pullRequest.number,
                  url: r.pullRequest.url,
                  action: r.pullRequestAction ?? "unchanged",
                },
              }
            : {}),
          changes: countChanges(r.changes),
          changeList: r.changes.slice(0, 30).map((c) => toMcpChange(c, ctx.redactor)),
          validation: { counts: countSeverities(r.findings), findings: topFindings(r.findings, 20, 6144) },
          instructions: r.instructions.slice(0, 10).map((i) => clip(i, 1000)),
          notes: r.notes.slice(0, 20).map((n) => clip(n, 1000)),
          ...(r.forgeError !== undefined ? { forgeError: clip(r.forgeError, 2000) } : {}),
        }));
        const status: Output["status"] = results.some((r) => r.status === "refused")
          ? "refused"
          : results.some((r) => r.status === "created" || r.status === "updated") ||
              results.some((r) => r.pullRequest?.action === "created")
            ? "proposed"
            : "unchanged";
        const out: Output = {
          status,
          results,
          ...(change ? { change } : {}),
          intentErrors: [],
        };
        const text = results
          .flatMap((r) => [
            r.summary,
            ...(r.pullRequest
              ? [`pull request #${r.pullRequest.number}: ${r.pullRequest.url} (${r.pullRequest.action})`]
              : []),
            `changes: ${r.changes.added} added, ${r.changes.changed} changed, ${r.changes.removed} removed; validation: ${r.validation.counts.error} error, ${r.validation.counts.warning} warning`,
            ...r.validation.findings.filter((f) => f.severity === "error").map(findingLine),
            ...r.instructions,
            ...(r.forgeError !== undefined
              ? [`the forge failed after the push: ${r.forgeError} (call propose again)`]
              : []),
            ...changeLines(r.changeList.slice(0, 10), "  "),
          ])
          .join("\n");
        return { output: out, text };
      } finally {
        stage?.remove();
      }
    },
  });
