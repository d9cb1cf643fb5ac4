/** `build`: one environment through the engine — objects summarised, their YAML on request, in pages. */
import * as z from "zod";
import type { KObject } from "../../core/object.js";
import { refOf, sameObject } from "../../core/object.js";
import { objectToYaml } from "../../render/yaml.js";
import {
  clip,
  countSeverities,
  encodeCursor,
  findingLine,
  findingSchema,
  intentPathInput,
  MAX_STRING,
  MAX_TEXT_BYTES,
  pageBySize,
  paged,
  pageSchema,
  severityCountsSchema,
  topFindings,
} from "../answer.js";
import { checkpoint, defineTool, openAt, pickEnv } from "../tool.js";
import type { ToolFactory } from "../tool.js";

const input = z.strictObject({
  path: intentPathInput,
  env: z
    .string()
    .max(253)
    .optional()
    .describe("Environment to build (see describe_project). @default the only one"),
  app: z.string().max(253).optional().describe("Only this app, when the directory holds several"),
  yaml: z
    .boolean()
    .optional()
    .describe(
      "Also return the objects of this page as YAML, with `# why:` comments on the decisions. @default false",
    ),
  kind: z
    .string()
    .max(253)
    .optional()
    .describe("Only objects of this kind (e.g. Deployment, case-insensitive)"),
  name: z.string().max(253).optional().describe("Only objects with this metadata.name"),
  cursor: z.string().max(1024).optional().describe("`nextCursor` of the previous page"),
});

const output = z.object({
  path: z.string().describe("The intent directory, relative to the directory the server serves"),
  environment: z.string().describe("The environment built"),
  environments: z.array(z.string()).describe("Every environment of the platform"),
  apps: z.array(z.string()).describe("Apps built"),
  status: z
    .enum(["valid", "invalid", "intent-error"])
    .describe(
      "valid: no error findings; invalid: error findings (build and propose refuse); intent-error: nothing compiled",
    ),
  counts: z
    .object({
      objects: z.number().int().describe("Objects built (before the kind/name filter)"),
      matching: z.number().int().describe("Objects matching the kind/name filter"),
      byKind: z.record(z.string(), z.number().int()).describe("Objects per kind"),
      findings: severityCountsSchema,
    })
    .describe("What the build produced"),
  objects: z
    .array(
      z.object({
        apiVersion: z.string().describe("API version"),
        kind: z.string().describe("Kind"),
        name: z.string().describe("metadata.name"),
        namespace: z.string().optional().describe("metadata.namespace"),
        app: z.string().describe("The app it belongs to"),
      }),
    )
    .describe("This page of objects, in apply order"),
  yaml: z
    .string()
    .optional()
    .describe("This page's objects as a YAML stream (with `yaml: true`); secret values redacted"),
  findings: z
    .array(findingSchema)
    .describe(
      "Intent errors, then the validator's findings (errors first; at most 20 — `validate` pages through all)",
    ),
  page: pageSchema("object", "Objects", "Objects matching"),
  nextCursor: z.string().optional().describe("Pass as `cursor` for the next page; absent on the last page"),
});

export const build: ToolFactory = () =>
  defineTool({
    name: "build",
    title: "Build an environment",
    description:
      "Compile the intent for one environment exactly as `kintent build` does (extra/ manifests included) and " +
      "validate it (strict schemas, built-in checks, the cross-resource graph, the team's policies). Returns the " +
      "objects as a list — filter with `kind`/`name`, ask for `yaml: true` to get their YAML with `# why:` " +
      "comments — in pages of bounded size (`nextCursor`), the finding counts and the first findings. Writes " +
      "nothing; secret values are redacted.",
    input,
    output,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    writes: false,
    async run(args, ctx) {
      const { cursor, ...request } = args;
      const snap = await paged("build", { root: ctx.options.root, ...request }, cursor, async () => {
        const { project, shown } = await openAt(ctx.options, args.path, args.app);
        const env = project.ok ? pickEnv(project, args.env) : (args.env ?? "");
        await checkpoint(ctx.signal);
        const b = project.build(env);
        const appOf = new Map<KObject, string>();
        for (const a of b.apps) for (const o of a.result.objects) appOf.set(o, a.app.name);
        const byKind: Record<string, number> = {};
        for (const o of b.objects) byKind[o.kind] = (byKind[o.kind] ?? 0) + 1;
        const matching = b.objects.filter(
          (o) =>
            (args.kind === undefined || o.kind.toLowerCase() === args.kind.toLowerCase()) &&
            (args.name === undefined || o.metadata.name === args.name),
        );
        const rows = matching.map((o) => {
          const ref = refOf(o);
          const entry = {
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            name: ref.name,
            ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
            app: appOf.get(o) ?? "",
          };
          const decisions = b.decisions.filter((d) => sameObject(d.object, ref));
          const yaml = args.yaml
            ? clip(ctx.redactor.yaml(`---\n${objectToYaml(o, decisions)}`), MAX_STRING)
            : "";
          return { entry, yaml };
        });
        const all = [...b.errors, ...b.warnings, ...b.findings];
        const counts = countSeverities(all);
        const status =
          b.errors.length > 0
            ? ("intent-error" as const)
            : counts.error > 0
              ? ("invalid" as const)
              : ("valid" as const);
        const value = {
          shown,
          env,
          environment: b.environment,
          environments: [...project.environments],
          apps: b.apps.map((a) => a.app.name),
          status,
          counts: { objects: b.objects.length, matching: matching.length, byKind, findings: counts },
          findings: topFindings(all),
          rows,
        };
        return { value, content: project.hash().slice(7, 23) };
      });
      const v = snap.value;
      const page = pageBySize(v.rows, snap.offset, {
        size: (r) => Buffer.byteLength(JSON.stringify(r.entry)) + Buffer.byteLength(r.yaml),
      });
      const yaml = args.yaml ? page.items.map((r) => r.yaml).join("") : undefined;
      const out = {
        path: v.shown,
        environment: v.environment,
        environments: v.environments,
        apps: v.apps,
        status: v.status,
        counts: v.counts,
        objects: page.items.map((r) => r.entry),
        ...(yaml !== undefined ? { yaml } : {}),
        findings: v.findings,
        page: { offset: page.offset, count: page.items.length, total: page.total },
        ...(page.next !== undefined ? { nextCursor: encodeCursor("build", snap.key, page.next) } : {}),
      };
      const c = v.counts.findings;
      const head =
        v.status === "intent-error"
          ? `The intent in ${v.shown} does not compile for ${v.env || "its environment"}:`
          : `${v.shown} ${v.environment}: ${v.counts.objects} object(s), ${v.status} (${c.error} error, ${c.warning} warning, ${c.info} info); objects ${page.offset + 1}–${page.offset + page.items.length} of ${page.total}${page.next !== undefined ? " (more: pass nextCursor)" : ""}`;
      const text = [
        head,
        ...v.findings.slice(0, 10).map(findingLine),
        ...(yaml !== undefined
          ? [clip(yaml, MAX_TEXT_BYTES)]
          : out.objects.map((o) => `- ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`)),
      ].join("\n");
      return { output: out, text };
    },
  });
