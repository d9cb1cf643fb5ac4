/**
 * A fix goes out as a pull request through the one propose flow (gitops/propose.ts): the changed intent is
 * staged in a temporary copy (with its platform and configuration files where the loader finds them), rendered,
 * validated and committed with the manifests; the evidence, redacted, is the pull request's "Why". The working
 * tree is never touched and nothing is applied to the cluster.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { Redactor } from "../core/redact.js";
import { describeObject } from "../core/object.js";
import { describeOp } from "../intent/edit/index.js";
import { writeFilesAtomic } from "../ai/apply.js";
import { propose } from "../gitops/propose.js";
import type { ProposeOutcome } from "../gitops/propose.js";
import { TOKEN_ENV_VARS } from "../gitops/remote.js";
import type { Project } from "../project/index.js";
import type { Diagnosis } from "./diagnosis.js";
import type { FixPlan } from "./fixes.js";
import { formatEvent } from "./format.js";

export interface ProposeFixOptions {
  project: Project;
  env: string;
  cwd: string;
  repo: string;
  processEnv: NodeJS.ProcessEnv;
  base?: string;
  /** Where the intent lives in the GitOps repository. @default its path in its own Git repository */
  intentPath?: string;
  log?: (line: string) => void;
  /** Extra redaction patterns. */
  redact?: readonly string[];
}

/** The pull request's "Why": the cause, the evidence, the intent line and the operations, redacted. */
export function fixMessage(d: Diagnosis, fix: FixPlan, env: string, redactor: Redactor): string {
  const lines = [
    `${fix.ops.length > 0 ? "fix" : "roll back"} ${d.analyzer}/${d.variant} in ${env}: ${describeObject(d.owner ?? d.object)}`,
    "",
    `**Cause** (kintent diagnose): ${d.cause}`,
    "",
    "**Evidence** (from the cluster, verbatim):",
    "",
    "```",
    ...d.fields.map((f) => `${describeObject(f.object)} ${f.path}: ${JSON.stringify(f.value)}`),
    ...(d.events.length > 0 ? ["events (newest first):", ...d.events.map((e) => `  ${formatEvent(e)}`)] : []),
    "```",
    "",
    ...(fix.source?.loc
      ? [`**Intent line**: \`${fix.source.loc.file}:${fix.source.loc.line}\` — ${fix.source.why}`, ""]
      : []),
    ...(fix.ops.length > 0
      ? [
          "**Intent operations** (the `kintent set` vocabulary):",
          "",
          ...fix.ops.map((o) => `- \`${describeOp(o)}\``),
        ]
      : [`**Rollback**: ${fix.why}`, "", "```diff", fix.diff.trimEnd(), "```"]),
    "",
    "**Checked before proposing**: compiled and validated by the engine; " +
      fix.verification.map((v) => `${v.passed ? "✓" : "✗"} ${v.check} (${v.detail})`).join("; "),
  ];
  return redactor.text(lines.join("\n"));
}

function isInside(file: string, dir: string): boolean {
  const rel = relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

function commonAncestor(paths: readonly string[]): string {
  const split = paths.map((p) => p.split(sep));
  const first = split[0] ?? [];
  let i = 0;
  while (i < first.length && split.every((s) => s[i] === first[i])) i++;
  return first.slice(0, i).join(sep) || sep;
}

/** Path of a directory inside its Git repository, or undefined when it is not in one. */
export function repoPrefix(dir: string): string | undefined {
  const r = spawnSync("git", ["-C", dir, "rev-parse", "--show-prefix"], {
    encoding: "utf8",
    timeout: 10_000,
  });
  if (r.status !== 0) return undefined;
  return r.stdout.trim().replace(/\/$/, "") || undefined;
}

export async function proposeFix(
  d: Diagnosis,
  fix: FixPlan,
  options: ProposeFixOptions,
): Promise<ProposeOutcome> {
  const { project } = options;
  const redactor = new Redactor({
    patterns: options.redact ?? [],
    known: TOKEN_ENV_VARS.map((k) => options.processEnv[k]),
  });
  const abs = project.dir;
  const outside = [
    project.platform ? join(abs, project.platform.source.file) : undefined,
    project.validation.configFile,
  ].filter((f): f is string => f !== undefined && existsSync(f) && !isInside(f, abs));
  const root = outside.length > 0 ? commonAncestor([abs, ...outside.map((f) => dirname(f))]) : abs;
  const stage = mkdtempSync(join(options.processEnv.TMPDIR ?? tmpdir(), "kintent-fix-"));
  try {
    const staged = join(stage, relative(root, abs));
    cpSync(abs, staged, {
      recursive: true,
      filter: (src) => !/(^|\/)(\.git|node_modules)(\/|$)/.test(relative(abs, src)),
    });
    for (const f of outside) cpSync(f, join(stage, relative(root, f)));
    writeFilesAtomic(new Map([...fix.writes].map(([f, t]) => [join(stage, relative(root, f)), t])));
    const intentPath = options.intentPath ?? repoPrefix(abs);
    const app = project.intent?.apps.length === 1 ? undefined : (d.owner ?? d.object).name;
    return await propose({
      dir: staged,
      cwd: options.cwd,
      repo: options.repo,
      env: options.processEnv,
      tmpDir: options.processEnv.TMPDIR ?? tmpdir(),
      envs: [options.env],
      message: fixMessage(d, fix, options.env, redactor),
      proposedBy: "kintent diagnose",
      ...(options.log ? { log: options.log } : {}),
      ...(intentPath !== undefined ? { intentPath } : {}),
      ...(options.base !== undefined ? { base: options.base } : {}),
      ...(app !== undefined && project.apps.includes(app) ? { app } : {}),
    });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
