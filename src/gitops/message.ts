/**
 * The words of a proposal: the conventional commit message with its trailers, and the pull-request title and
 * body (why, object changes, validation report). Pure.
 */
import type { FieldChange, ObjectChange } from "../core/diff.js";
import { summarizeChanges } from "../core/diff.js";
import { describeObject } from "../core/object.js";

/** Commit trailers kintent writes and reads. */
export const TRAILERS = {
  intentHash: "Intent-Hash",
  version: "Kintent-Version",
  target: "Kintent-Target",
  proposedBy: "Proposed-By",
  /** A canary step kintent took: `<app>/<env> <from>% -> <to>%` (`kintent rollout`, src/cluster/rollout). */
  rolloutStep: "Rollout-Step",
  /** Why: `pass` (the gate passed), `fail` (rolled back), `promote`, `abort`. */
  rolloutDecision: "Rollout-Decision",
} as const;

/** Marker at the top of every pull-request body kintent writes. */
export const BODY_MARKER = "<!-- kintent:proposal";

export interface ProposalText {
  app: string;
  envs: readonly string[];
  /** The human reason (`-m`). */
  why?: string;
  /** Changes against the base branch (for the PR) or the parent commit (for the commit). */
  changes: readonly ObjectChange[];
  intentHash: string;
  version: string;
  /** Who or what proposed it, for AI-originated changes (e.g. `kintent ask (anthropic:claude-sonnet-5-5)`). */
  proposedBy?: string;
  /** More trailers after kintent's own, in order (e.g. `Rollout-Step`, `Rollout-Decision`); one line each. */
  trailers?: readonly (readonly [string, string])[];
}

/** `my-service/dev,prod`: the app and environments a proposal covers (the identity of its branch). */
export function targetOf(app: string, envs: readonly string[]): string {
  return `${app}/${[...envs].sort().join(",")}`;
}

const SUBJECT_MAX = 72;

function firstLine(s: string | undefined): string | undefined {
  const l = s
    ?.split("\n")
    .map((x) => x.trim())
    .find((x) => x !== "");
  return l === undefined ? undefined : l;
}

/** `chore(my-service): <why, first line>` or `chore(my-service): update prod manifests`. */
export function proposalTitle(t: Pick<ProposalText, "app" | "envs" | "why">): string {
  const head = `chore(${t.app}): `;
  let subject = firstLine(t.why) ?? `update ${[...t.envs].join(", ")} manifests`;
  if (head.length + subject.length > SUBJECT_MAX)
    subject = `${subject.slice(0, SUBJECT_MAX - head.length - 1)}…`;
  return head + subject;
}

function changeLine(c: ObjectChange): string {
  const sign = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
  const fields = c.fields.length > 0 ? ` (${shortFields(c.fields, 6)})` : "";
  return `${sign} ${c.scope}: ${describeObject(c.object)}${fields}`;
}

function shortFields(fields: readonly FieldChange[], max: number): string {
  const shown = fields
    .slice(0, max)
    .map((f) => f.path)
    .join(", ");
  return fields.length > max ? `${shown}, +${fields.length - max} more` : shown;
}

export function countLine(changes: readonly ObjectChange[]): string {
  return summarizeChanges(changes);
}

/** The commit message: title, why, the object changes, and the trailers as the last paragraph. */
export function commitMessage(t: ProposalText): string {
  const lines = [proposalTitle(t), ""];
  const why = t.why?.trim();
  if (why) lines.push(why, "");
  lines.push(`Environments: ${t.envs.join(", ")}`, `Objects: ${countLine(t.changes)}`);
  for (const c of t.changes) lines.push(`  ${changeLine(c)}`);
  lines.push("", ...trailerLines(t));
  return lines.join("\n") + "\n";
}

export function trailerLines(t: ProposalText): string[] {
  return [
    `${TRAILERS.intentHash}: ${t.intentHash}`,
    `${TRAILERS.version}: ${t.version}`,
    `${TRAILERS.target}: ${targetOf(t.app, t.envs)}`,
    ...(t.proposedBy ? [`${TRAILERS.proposedBy}: ${oneLine(t.proposedBy)}`] : []),
    ...(t.trailers ?? []).map(([k, v]) => `${k}: ${oneLine(v)}`),
  ];
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The pull-request body: why, object changes against the base branch, validation report, provenance. */
export function pullRequestBody(t: ProposalText & { base: string; validationReport: string }): string {
  const out: string[] = [
    `${BODY_MARKER} target=${targetOf(t.app, t.envs)} -->`,
    `## ${t.app}: ${t.envs.join(", ")}`,
    "",
    "### Why",
    "",
    t.why?.trim() ? t.why.trim() : '_No reason was given (`kintent propose -m "why"`)._',
    "",
    `### Changes against \`${t.base}\``,
    "",
    `${countLine(t.changes)}.`,
  ];
  if (t.changes.length > 0) {
    out.push("", "| | object | where | changed fields |", "|---|---|---|---|");
    for (const c of t.changes) {
      const icon = c.change === "added" ? "➕ added" : c.change === "removed" ? "➖ removed" : "✏️ changed";
      const fields =
        c.fields.length > 0
          ? c.fields
              .slice(0, 20)
              .map((f) => `\`${cell(f.path)}\``)
              .join(", ")
          : "";
      const more = c.fields.length > 20 ? ` and ${c.fields.length - 20} more` : "";
      out.push(
        `| ${icon} | ${cell(describeObject(c.object))} | \`${cell(c.scope ?? "")}\` | ${fields}${more} |`,
      );
    }
  }
  out.push("", t.validationReport.trimEnd(), "", "---", "");
  out.push(
    `Rendered by kintent ${t.version} from intent \`${t.intentHash}\`${t.proposedBy ? `, proposed by ${oneLine(t.proposedBy)}` : ""}. ` +
      "kintent never merges: review the change and merge it yourself; Argo CD syncs the base branch.",
  );
  return out.join("\n") + "\n";
}
