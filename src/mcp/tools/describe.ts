/** `describe_project`: what the intent at a path is — apps, environments, platform facts and notes. */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import * as z from "zod";
import { INTENT_FILE, SCORE_FILE } from "../../intent/inputs.js";
import type { ResolvedApp } from "../../intent/types.js";
import {
  clip,
  countSeverities,
  findingLine,
  findingSchema,
  intentPathInput,
  pageBySize,
  severityCountsSchema,
  topFindings,
} from "../answer.js";
import { checkpoint, defineTool, openAt, resolveInRoot } from "../tool.js";
import type { ToolFactory } from "../tool.js";

const input = z.strictObject({
  path: intentPathInput,
});

const output = z.object({
  path: z.string().describe("The intent directory, relative to the directory the server serves"),
  status: z
    .enum(["ok", "intent-error", "no-intent"])
    .describe(
      "ok; intent-error: the intent does not load (see errors); no-intent: no App here (see projects)",
    ),
  intentHash: z.string().optional().describe("sha256 over the input files: the intent's identity"),
  inputs: z.array(z.string()).describe("Files the intent is read from, relative to the intent directory"),
  platform: z
    .object({
      name: z.string().describe("Platform name"),
      builtIn: z.boolean().describe("True when no platform.yaml was found and the built-in platform is used"),
      ingress: z.string().describe("Ingress flavour: ingress, gateway, traefik or none"),
      tlsIssuer: z.string().optional().describe("cert-manager issuer for TLS hosts"),
      progressiveDelivery: z
        .string()
        .describe("Rollout engine: none, argo-rollouts, traefik-weighted, gateway-weighted"),
      gitopsRepo: z.string().optional().describe("The GitOps repository propose writes to"),
      gitopsPath: z.string().describe("Layout of the manifests in the GitOps repository"),
      gitopsRevision: z.string().describe("Base branch of proposals"),
    })
    .optional()
    .describe("Facts of the platform the apps run on"),
  environments: z
    .array(
      z.object({
        name: z.string().describe("Environment name (the `env` of other tools)"),
        cluster: z.string().describe("Cluster API URL"),
        namespace: z.string().describe("Namespace the apps deploy into"),
        sync: z.string().describe("Argo CD sync policy: manual, auto, auto+prune, auto+selfHeal…"),
        why: z.string().optional().describe("The platform's reason for this environment's settings"),
      }),
    )
    .describe("Environments, in the platform's order"),
  apps: z
    .array(
      z.object({
        name: z.string().describe("App name"),
        environment: z.string().describe("The environment this row describes"),
        image: z.string().describe("Container image"),
        tier: z.string().describe("production, staging or dev"),
        replicas: z.string().describe("Replica count, or the autoscaling range"),
        host: z.string().optional().describe("Public host when exposed"),
        rollout: z.string().describe("rolling, recreate or canary (with its steps)"),
        canary: z
          .object({
            image: z.string().describe("The canary's image"),
            weight: z.number().describe("Percent of traffic sent to the canary"),
            replicas: z.number().describe("Canary replicas"),
            namespace: z.string().describe("The canary's namespace"),
          })
          .optional()
          .describe("The running weighted canary, when there is one"),
        why: z.record(z.string(), z.string()).optional().describe("The intent's `why` notes by field"),
      }),
    )
    .describe("Each app in each environment, as many rows as fit in 24 KiB (see appsOmitted)"),
  appsOmitted: z
    .number()
    .int()
    .describe("Rows left out of `apps` to keep the answer small: describe a subdirectory, or build one app"),
  notes: z
    .array(
      z.object({
        title: z.string().describe("A known trap of this platform"),
        why: z.string().optional().describe("Why it bites"),
        fix: z.string().optional().describe("What to do about it"),
      }),
    )
    .describe("The platform team's notes"),
  errors: z.array(findingSchema).describe("Intent errors (at most 20, errors first)"),
  warnings: z.number().int().describe("Warnings about the inputs (stray files)"),
  counts: severityCountsSchema.describe("Intent errors and warnings by severity"),
  projects: z
    .array(
      z.object({
        path: z.string().describe("Intent directory, relative to the directory the server serves"),
        files: z.array(z.string()).describe("Its intent files"),
      }),
    )
    .describe("Intent directories found below `path` (at most 100), when `path` holds no App itself"),
});

const MAX_PROJECTS = 100;
const SKIP = new Set(["node_modules", ".git", ".kintent", "dist", "extra"]);

/** Intent directories under `dir` (bounded walk: depth 6, 5,000 directories, 100 results). */
function findProjects(root: string, dir: string): { path: string; files: string[] }[] {
  const out: { path: string; files: string[] }[] = [];
  let visited = 0;
  const walk = (d: string, depth: number) => {
    if (out.length >= MAX_PROJECTS || visited++ > 5000 || depth > 6) return;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files = entries
      .filter((e) => e.isFile() && (INTENT_FILE.test(e.name) || SCORE_FILE.test(e.name)))
      .map((e) => e.name);
    if (files.length > 0) out.push({ path: relative(root, d).split("\\").join("/") || ".", files });
    for (const e of entries)
      if (e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith(".")) walk(join(d, e.name), depth + 1);
  };
  walk(dir, 0);
  return out;
}

function syncText(s: { auto: boolean; prune: boolean; selfHeal: boolean }): string {
  if (!s.auto) return "manual";
  return ["auto", ...(s.prune ? ["prune"] : []), ...(s.selfHeal ? ["selfHeal"] : [])].join("+");
}

function appRow(a: ResolvedApp): z.infer<typeof output>["apps"][number] {
  const r = a.rollout.value;
  const steps = r.steps
    .map((s) => ("setWeight" in s ? `${s.setWeight}%` : s.pause === "indefinite" ? "pause" : s.pause))
    .join(" → ");
  const auto = a.autoscaling?.value;
  return {
    name: a.name,
    environment: a.environment.name,
    image: a.image.value,
    tier: a.tier.value,
    replicas: auto ? `${auto.min}–${auto.max} (autoscaled)` : String(a.replicas.value),
    ...(a.expose ? { host: a.expose.value.host } : {}),
    rollout: r.strategy === "canary" && steps ? `canary ${steps}` : r.strategy,
    ...(r.weighted
      ? {
          canary: {
            image: r.weighted.image,
            weight: r.weighted.weight,
            replicas: r.weighted.replicas,
            namespace: r.weighted.namespace,
          },
        }
      : {}),
    ...(Object.keys(a.why).length > 0
      ? { why: Object.fromEntries(Object.entries(a.why).map(([k, v]) => [k, clip(v, 500)])) }
      : {}),
  };
}

export const describeProject: ToolFactory = () =>
  defineTool({
    name: "describe_project",
    title: "Describe the project",
    description:
      "Start here. Describes the kintent intent at `path`: its apps (image, tier, replicas, host, rollout and the " +
      "running canary per environment), the environments (cluster, namespace, sync policy), the platform's facts " +
      "(ingress, TLS, progressive delivery, GitOps repository) and the platform team's notes on known traps. When " +
      "`path` holds no App, lists the intent directories below it. Reads files only.",
    input,
    output,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    writes: false,
    async run(args, ctx) {
      const { project, shown } = await openAt(ctx.options, args.path);
      await checkpoint(ctx.signal);
      const noApp = project.errors.length > 0 && project.errors.every((e) => e.messageId === "no-app");
      const base = {
        path: shown,
        inputs: project.inputs.slice(0, 200),
        errors: noApp ? [] : topFindings(project.errors),
        warnings: project.warnings.length,
        counts: countSeverities(noApp ? project.warnings : [...project.errors, ...project.warnings]),
      };
      if (!project.ok) {
        const projects = noApp
          ? findProjects(ctx.options.root, resolveInRoot(ctx.options.root, args.path).abs)
          : [];
        const out = {
          ...base,
          status: noApp ? ("no-intent" as const) : ("intent-error" as const),
          environments: [],
          apps: [],
          appsOmitted: 0,
          notes: [],
          projects,
        };
        const text = noApp
          ? `No App in ${shown}. Intent directories below it:\n${projects.map((p) => `- ${p.path} (${p.files.join(", ")})`).join("\n") || "(none)"}`
          : `The intent in ${shown} does not load:\n${out.errors.map(findingLine).join("\n")}`;
        return { output: out, text };
      }
      const all = project.buildAll(undefined, { validate: false });
      const allRows = all.environments.flatMap((b) => b.apps.map((a) => appRow(a.app)));
      const apps = pageBySize(allRows, 0, { budget: 24 * 1024 }).items;
      const first = all.environments.flatMap((b) => b.apps)[0]?.app;
      const platform = first?.platform;
      const envFacts = all.environments.flatMap((b) => {
        const e = b.apps[0]?.app.environment;
        return e
          ? [
              {
                name: e.name,
                cluster: e.cluster,
                namespace: e.namespace,
                sync: syncText(e.sync),
                ...(e.why !== undefined ? { why: clip(e.why, 500) } : {}),
              },
            ]
          : [];
      });
      const out = {
        ...base,
        status: all.errors.length > 0 ? ("intent-error" as const) : ("ok" as const),
        errors: topFindings(all.errors),
        counts: countSeverities([...all.errors, ...all.warnings]),
        warnings: all.warnings.length,
        intentHash: project.hash(),
        ...(platform
          ? {
              platform: {
                name: platform.name,
                builtIn: platform.implicit,
                ingress: platform.ingress.kind,
                ...(platform.tls ? { tlsIssuer: platform.tls.issuer } : {}),
                progressiveDelivery: platform.engine,
                ...(platform.gitops.repo !== undefined ? { gitopsRepo: platform.gitops.repo } : {}),
                gitopsPath: platform.gitops.path,
                gitopsRevision: platform.gitops.revision,
              },
            }
          : {}),
        environments: envFacts,
        apps,
        appsOmitted: allRows.length - apps.length,
        notes: (platform?.notes ?? []).slice(0, 50).map((n) => ({
          title: clip(n.title, 300),
          ...(n.why !== undefined ? { why: clip(n.why, 1000) } : {}),
          ...(n.fix !== undefined ? { fix: clip(n.fix, 1000) } : {}),
        })),
        projects: [],
      };
      const lines = [
        `${shown}: ${project.apps.join(", ")} on platform ${platform?.name ?? "?"}${platform?.implicit ? " (built-in)" : ""}; environments ${project.environments.join(", ")}`,
        ...apps.map(
          (a) =>
            `- ${a.name}/${a.environment}: ${a.image}, ${a.tier}, replicas ${a.replicas}${a.host ? `, host ${a.host}` : ""}, ${a.rollout}${a.canary ? `, canary ${a.canary.image} at ${a.canary.weight}%` : ""}`,
        ),
        ...(out.notes.length > 0 ? ["Platform notes:", ...out.notes.map((n) => `- ${n.title}`)] : []),
        ...out.errors.map(findingLine),
      ];
      return { output: out, text: lines.join("\n") };
    },
  });
