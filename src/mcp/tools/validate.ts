/** `validate`: manifests given as text, or a path (files, directories, intent directories), in pages. */
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import * as z from "zod";
import type { Finding } from "../../core/finding.js";
import { rebaseFindings } from "../../core/finding.js";
import { loadValidation, openProject } from "../../project/index.js";
import type { ValidationSetupOptions } from "../../project/index.js";
import { loadManifests, parseManifests } from "../../validate/load.js";
import { validateObjects } from "../../validate/index.js";
import {
  bySeverity,
  countSeverities,
  encodeCursor,
  findingLine,
  findingSchema,
  pageBySize,
  paged,
  pageSchema,
  requestKey,
  severityCountsSchema,
  toMcpFinding,
  ToolFailure,
} from "../answer.js";
import type { McpFinding } from "../answer.js";
import { checkpoint, defineTool, resolveInRoot } from "../tool.js";
import type { ToolContext, ToolFactory } from "../tool.js";

/** The largest manifests text accepted (the intent loader's input limit). */
export const MAX_MANIFESTS_BYTES = 8 * 1024 * 1024;

const input = z.strictObject({
  manifests: z
    .string()
    .max(MAX_MANIFESTS_BYTES)
    .optional()
    .describe(
      "Kubernetes manifests to validate: YAML (one or more documents, Lists too) or JSON. Give this or `path`",
    ),
  path: z
    .string()
    .max(1024)
    .optional()
    .describe(
      "A manifest file or directory (read recursively), relative to the directory the server serves; intent " +
        "directories in it are compiled and validated per environment. Give this or `manifests`",
    ),
  env: z.string().max(253).optional().describe("For intent directories: only this environment. @default all"),
  strict: z.boolean().optional().describe("Kinds without a schema are errors, not skipped. @default false"),
  severity: z
    .enum(["error", "warning", "info"])
    .optional()
    .describe("List findings of this severity and worse. @default info (all)"),
  cursor: z.string().max(1024).optional().describe("`nextCursor` of the previous page"),
});

const output = z.object({
  status: z.enum(["valid", "invalid"]).describe("invalid: at least one error finding"),
  summary: z
    .object({
      files: z.number().int().describe("Files and intent directories read"),
      objects: z.number().int().describe("Objects validated"),
      valid: z.number().int().describe("Objects without error findings"),
      invalid: z.number().int().describe("Objects with error findings"),
      skipped: z.number().int().describe("Objects of kinds without a schema"),
      findings: severityCountsSchema,
    })
    .describe("The verdict"),
  byCheck: z
    .array(
      z.object({
        checkId: z.string().describe("Check id"),
        severity: z.enum(["error", "warning", "info"]).describe("Its severity"),
        count: z.number().int().describe("Findings of this check"),
      }),
    )
    .describe("Findings per check, most severe and most frequent first (at most 40)"),
  findings: z.array(findingSchema).describe("This page of findings, errors first"),
  page: pageSchema("finding", "Findings", "Findings listed (at the severity asked for)"),
  nextCursor: z.string().optional().describe("Pass as `cursor` (with the same arguments) for the next page"),
});

const RANK = { error: 0, warning: 1, info: 2 } as const;

interface Validated {
  summary: { files: number; objects: number; valid: number; invalid: number; skipped: number };
  counts: { error: number; warning: number; info: number };
  byCheck: { checkId: string; severity: Finding["severity"]; count: number }[];
  /** The findings listed (at the severity asked for), errors first. */
  listed: McpFinding[];
}

/** Validate what the call names — through the same setup as `kintent validate` — and summarise. */
async function validateAll(
  args: {
    manifests?: string | undefined;
    path?: string | undefined;
    env?: string | undefined;
    strict?: boolean | undefined;
    severity?: Finding["severity"] | undefined;
  },
  ctx: ToolContext,
): Promise<Validated> {
  const root = ctx.options.root;
  const setup: ValidationSetupOptions = {
    cwd: root,
    ...(ctx.options.configFile !== undefined ? { configFile: ctx.options.configFile } : {}),
    ...(args.strict !== undefined ? { strict: args.strict } : {}),
  };
  const validation = await loadValidation(root, setup);
  const options = { ...validation.options, context: validation.context };
  const findings: Finding[] = [];
  const summary = { files: 0, objects: 0, valid: 0, invalid: 0, skipped: 0 };
  const tally = (s: { valid: number; invalid: number; skipped: number; total: number }) => {
    summary.objects += s.total;
    summary.valid += s.valid;
    summary.invalid += s.invalid;
    summary.skipped += s.skipped;
  };
  if (args.manifests !== undefined) {
    const parsed = parseManifests(args.manifests, "<input>");
    await ctx.progress(`validating ${parsed.inputs.length} object(s)`);
    const r = validateObjects(parsed.inputs, options);
    findings.push(...parsed.errors, ...r.findings);
    summary.files = 1;
    tally(r.summary);
  } else {
    const { abs } = resolveInRoot(root, args.path);
    const loaded = loadManifests([abs], { cwd: root });
    summary.files = loaded.files.length + loaded.intentDirs.length;
    const steps = loaded.intentDirs.length + (loaded.inputs.length > 0 ? 1 : 0);
    let step = 0;
    if (loaded.inputs.length > 0 || loaded.errors.length > 0) {
      await ctx.progress(
        `validating ${loaded.inputs.length} object(s) from ${loaded.files.length} file(s)`,
        steps,
      );
      const r = validateObjects(loaded.inputs, options);
      findings.push(...loaded.errors, ...r.findings);
      tally(r.summary);
      step++;
    }
    for (const dir of loaded.intentDirs) {
      await checkpoint(ctx.signal);
      const where = relative(root, dir).split("\\").join("/") || ".";
      await ctx.progress(`compiling and validating ${where} (${++step}/${steps})`, steps);
      const project = await openProject(dir, setup);
      const all = project.buildAll(args.env !== undefined ? [args.env] : undefined);
      const rebase = (list: readonly Finding[]) =>
        rebaseFindings(list, (file) => relative(root, join(project.dir, file)).split("\\").join("/"));
      findings.push(...rebase([...all.errors, ...all.warnings]));
      for (const b of all.environments) {
        for (const f of rebase(b.findings))
          findings.push({ ...f, message: `${f.message} (${where}, env ${b.environment})` });
        tally(b.summary);
      }
    }
  }
  await checkpoint(ctx.signal);
  if (summary.objects === 0 && !findings.some((f) => f.severity === "error"))
    findings.push({
      checkId: "input",
      messageId: "empty",
      severity: "warning",
      message: "no Kubernetes objects in the input: nothing was validated",
    });
  const checks = new Map<string, { checkId: string; severity: Finding["severity"]; count: number }>();
  for (const f of findings) {
    const k = `${f.severity}\0${f.checkId}`;
    const c = checks.get(k) ?? { checkId: f.checkId, severity: f.severity, count: 0 };
    c.count++;
    checks.set(k, c);
  }
  const byCheck = [...checks.values()]
    .sort(
      (a, b) => RANK[a.severity] - RANK[b.severity] || b.count - a.count || (a.checkId < b.checkId ? -1 : 1),
    )
    .slice(0, 40);
  const floor = RANK[args.severity ?? "info"];
  const listed = bySeverity(findings)
    .filter((f) => RANK[f.severity] <= floor)
    .map(toMcpFinding);
  return { summary, counts: countSeverities(findings), byCheck, listed };
}

export const validate: ToolFactory = () =>
  defineTool({
    name: "validate",
    title: "Validate manifests",
    description:
      "Validate Kubernetes manifests exactly as `kintent validate` does — strict schemas (Kubernetes 1.36 and the " +
      "CRDs kintent knows), the built-in checks (Pod Security, reliability, the GitOps review checklist), the " +
      "cross-resource graph (selectors, backends, missing ConfigMaps/Secrets) and the team's policies from " +
      ".kintent.yaml. Give `manifests` (text, e.g. YAML an assistant wrote or `helm template` output) or a `path`. " +
      "Returns counts per severity and per check and the findings (file:line:column, remediation) in pages of " +
      "bounded size (`nextCursor`). Reports progress on large inputs. Writes nothing.",
    input,
    output,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    writes: false,
    async run(args, ctx) {
      if ((args.manifests === undefined) === (args.path === undefined))
        throw new ToolFailure("give either `manifests` (text) or `path`, not both");
      const { cursor, ...request } = args;
      const input =
        args.manifests !== undefined
          ? { manifests: createHash("sha256").update(args.manifests).digest("hex") }
          : { path: args.path };
      const snap = await paged(
        "validate",
        { root: ctx.options.root, ...request, ...input },
        cursor,
        async () => {
          const value = await validateAll(args, ctx);
          return { value, content: requestKey(value.listed.map((f) => JSON.stringify(f))) };
        },
      );
      const { summary, counts, byCheck, listed } = snap.value;
      const page = pageBySize(listed, snap.offset);
      const out = {
        status: counts.error > 0 ? ("invalid" as const) : ("valid" as const),
        summary: { ...summary, findings: counts },
        byCheck,
        findings: page.items,
        page: { offset: page.offset, count: page.items.length, total: page.total },
        ...(page.next !== undefined ? { nextCursor: encodeCursor("validate", snap.key, page.next) } : {}),
      };
      const text = [
        `${summary.objects} object(s) in ${summary.files} input(s): ${out.status} — ${counts.error} error, ${counts.warning} warning, ${counts.info} info; findings ${page.offset + 1}–${page.offset + page.items.length} of ${page.total}${page.next !== undefined ? " (more: pass nextCursor)" : ""}`,
        ...page.items.slice(0, 40).map(findingLine),
      ].join("\n");
      return { output: out, text };
    },
  });
