/** `explain`: the runbook of one app in one environment, in pages. */
import * as z from "zod";
import { renderRunbook } from "../../render/runbook.js";
import type { Project } from "../../project/index.js";
import {
  countSeverities,
  encodeCursor,
  findingLine,
  findingSchema,
  intentPathInput,
  PAGE_BYTES,
  paged,
  severityCountsSchema,
  ToolFailure,
  topFindings,
} from "../answer.js";
import { checkpoint, defineTool, openAt, pickEnv } from "../tool.js";
import type { ToolFactory } from "../tool.js";
import type { McpServerOptions } from "../options.js";

const input = z.strictObject({
  path: intentPathInput,
  env: z.string().max(253).optional().describe("Environment (see describe_project). @default the only one"),
  app: z
    .string()
    .max(253)
    .optional()
    .describe("App, when the directory holds several. @default the only one"),
  allowInvalid: z
    .boolean()
    .optional()
    .describe(
      "Return the runbook even when the manifests have error findings (as --allow-invalid). @default false",
    ),
  cursor: z.string().max(1024).optional().describe("`nextCursor` of the previous page"),
});

const output = z.object({
  path: z.string().describe("The intent directory, relative to the directory the server serves"),
  app: z.string().describe("The app the runbook is about"),
  environment: z.string().describe("The environment the runbook is about"),
  status: z
    .enum(["ok", "invalid", "intent-error"])
    .describe("ok; invalid: error findings, no runbook unless allowInvalid; intent-error: nothing compiled"),
  markdown: z
    .string()
    .describe(
      "This page of the runbook: what exists and why, platform notes, how to deploy, verify, roll back",
    ),
  page: z
    .object({
      offset: z.number().int().describe("Character offset of this page in the runbook"),
      length: z.number().int().describe("Characters on this page"),
      total: z.number().int().describe("Characters in the whole runbook"),
    })
    .describe("Where this page is"),
  counts: severityCountsSchema.describe("Findings of the build by severity"),
  findings: z.array(findingSchema).describe("First findings, errors first (at most 20)"),
  nextCursor: z.string().optional().describe("Pass as `cursor` for the next page; absent on the last page"),
});

/** The runbook of `app` in `env`, with the build's findings (the page the `runbook` resource serves too). */
export function runbookOf(
  project: Project,
  env: string,
  app: string | undefined,
): { app: string; markdown: string; findings: ReturnType<Project["build"]>["findings"]; errors: boolean } {
  const b = project.build(env);
  const all = [...b.errors, ...b.warnings, ...b.findings];
  if (b.errors.length > 0) return { app: app ?? "", markdown: "", findings: all, errors: true };
  const names = b.apps.map((a) => a.app.name);
  const chosen =
    app !== undefined ? b.apps.find((a) => a.app.name === app) : b.apps.length === 1 ? b.apps[0] : undefined;
  if (!chosen)
    throw new ToolFailure(
      app !== undefined
        ? `app: no app \`${app}\` (found ${names.join(", ")})`
        : `app: choose one of ${names.join(", ")}`,
    );
  const markdown = renderRunbook({ app: chosen.app, result: chosen.result, sources: [...project.inputs] });
  return { app: chosen.app.name, markdown, findings: all, errors: false };
}

/** Cut `text` at `offset` into a page of at most `budget` bytes, ending at a line break when one is near. */
export function textPage(text: string, offset: number, budget = PAGE_BYTES): { page: string; next?: number } {
  if (offset >= text.length) return { page: "" };
  let end = Math.min(text.length, offset + budget);
  while (end > offset + 1 && Buffer.byteLength(text.slice(offset, end)) > budget) end -= 256;
  if (end < text.length) {
    const nl = text.lastIndexOf("\n", end);
    if (nl > offset + budget / 2) end = nl + 1;
  }
  return { page: text.slice(offset, end), ...(end < text.length ? { next: end } : {}) };
}

export const explain: ToolFactory = (_options: McpServerOptions) =>
  defineTool({
    name: "explain",
    title: "Explain (the runbook)",
    description:
      "The runbook of one app in one environment, as `kintent explain` writes it: what exists and why (each " +
      "decision with its source line), the platform's notes, the Argo CD Application that deploys it, how to " +
      "deploy, verify and roll back through Git. Markdown in pages of bounded size (`nextCursor`). Refuses when " +
      "the manifests have error findings unless `allowInvalid`. Also readable as the resource " +
      "kintent://runbook/{app}/{env}. Writes nothing.",
    input,
    output,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    writes: false,
    async run(args, ctx) {
      const { cursor, ...request } = args;
      const snap = await paged("explain", { root: ctx.options.root, ...request }, cursor, async () => {
        const { project, shown } = await openAt(ctx.options, args.path);
        const env = project.ok ? pickEnv(project, args.env) : (args.env ?? "");
        await checkpoint(ctx.signal);
        const r = runbookOf(project, env, args.app);
        const counts = countSeverities(r.findings);
        const status = r.errors
          ? ("intent-error" as const)
          : counts.error > 0
            ? ("invalid" as const)
            : ("ok" as const);
        const shownText =
          status === "ok" || (status === "invalid" && args.allowInvalid === true) ? r.markdown : "";
        const value = {
          shown,
          env,
          app: r.app,
          status,
          counts,
          findings: topFindings(r.findings),
          markdown: ctx.redactor.text(shownText),
        };
        return { value, content: project.hash().slice(7, 23) };
      });
      const v = snap.value;
      const page = textPage(v.markdown, snap.offset);
      const out = {
        path: v.shown,
        app: v.app,
        environment: v.env,
        status: v.status,
        markdown: page.page,
        page: { offset: snap.offset, length: page.page.length, total: v.markdown.length },
        counts: v.counts,
        findings: v.findings,
        ...(page.next !== undefined ? { nextCursor: encodeCursor("explain", snap.key, page.next) } : {}),
      };
      const text =
        v.markdown !== ""
          ? page.page + (page.next !== undefined ? "\n… (more: pass nextCursor)" : "")
          : [
              v.status === "intent-error"
                ? `The intent in ${v.shown} does not compile:`
                : `No runbook: the manifests of ${v.app} in ${v.env} have ${v.counts.error} error finding(s) (pass allowInvalid to see it anyway):`,
              ...v.findings.map(findingLine),
            ].join("\n");
      return { output: out, text };
    },
  });
