/**
 * What every answer of the MCP server goes through: a hard size bound, cursors over long lists, compact findings,
 * and the one redactor on every string. The complaint users of Kubernetes MCP servers make most is answers that
 * blow the model's context (a pod list of ~700,000 tokens); here a page is filled up to a byte budget and no
 * answer may exceed {@link MAX_ANSWER_BYTES} — the server refuses rather than send more.
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { UsageError } from "../core/errors.js";
import type { Finding } from "../core/finding.js";
import type { FieldChange, ObjectChange } from "../core/diff.js";
import type { Redactor } from "../core/redact.js";

/**
 * The largest answer the server sends: the whole JSON-RPC result of one tool call or resource read (text and
 * structured content together), in UTF-8 bytes. 64 KiB is ~16,000 tokens — under Claude Code's default cap of
 * 25,000 tokens per MCP answer, and far below what a model's context holds.
 */
export const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * `tools/list` is sent once per session; it stays under {@link MAX_ANSWER_BYTES} without the cluster tools and
 * under this with them (`kintent mcp --cluster`: 13 tools, each with its input and output schema).
 */
export const MAX_TOOLS_LIST_BYTES = 96 * 1024;

/** What one page of a list may weigh (its items as JSON), so that the page and its text rendering fit. */
export const PAGE_BYTES = 20 * 1024;

/** The text rendering of an answer is a summary; past this many bytes it is cut (the structured content has it all). */
export const MAX_TEXT_BYTES = 12 * 1024;

/** A string inside an answer (a message, a field value, one object's YAML) is cut past this many characters. */
export const MAX_STRING = 16 * 1024;

/** A failure the caller can act on (bad path, unknown environment, stale cursor): answered with `isError: true`. */
export class ToolFailure extends UsageError {
  override name = "ToolFailure";
}

/** `text` cut to `max` characters with a marker saying how much was left out. */
export function clip(text: string, max = MAX_STRING): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… [${text.length - max} more characters cut: ask for less]`;
}

/** A short identity of a request (what a cursor belongs to): sha256 of its JSON, 16 hex digits. */
export function requestKey(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

interface CursorState {
  /** The tool the cursor belongs to. */
  t: string;
  /** The snapshot the cursor pages through: `<request key>.<content key>`. */
  k: string;
  /** Offset of the next item. */
  o: number;
}

/** An opaque cursor for the next page of `tool`'s snapshot `key`. */
export function encodeCursor(tool: string, key: string, offset: number): string {
  const state: CursorState = { t: tool, k: key, o: offset };
  return Buffer.from(JSON.stringify(state)).toString("base64url");
}

function parseCursor(cursor: string, tool: string): CursorState {
  let state: Partial<CursorState>;
  try {
    state = JSON.parse(
      Buffer.from(cursor.slice(0, 512), "base64url").toString("utf8"),
    ) as Partial<CursorState>;
  } catch {
    throw new ToolFailure("cursor: not a cursor this server made; call again without it");
  }
  if (
    state.t !== tool ||
    typeof state.k !== "string" ||
    typeof state.o !== "number" ||
    !Number.isSafeInteger(state.o) ||
    state.o < 0
  )
    throw new ToolFailure(`cursor: not a cursor of ${tool}; call again without it`);
  return { t: state.t, k: state.k, o: state.o };
}

/**
 * Answers being paged through, kept for a while so the next page neither recomputes them nor mixes two states
 * of the project: a cursor pages through one snapshot. Bounded in number and age; a snapshot that is gone is
 * recomputed, and refused when the project changed meanwhile.
 */
const SNAPSHOTS = new Map<string, { value: unknown; at: number }>();
const SNAPSHOT_TTL_MS = 10 * 60 * 1000;
const MAX_SNAPSHOTS = 16;

function keep(key: string, value: unknown): void {
  SNAPSHOTS.delete(key);
  SNAPSHOTS.set(key, { value, at: Date.now() });
  while (SNAPSHOTS.size > MAX_SNAPSHOTS) {
    const oldest = SNAPSHOTS.keys().next();
    if (oldest.done) break;
    SNAPSHOTS.delete(oldest.value);
  }
}

/**
 * The value a paged answer is cut from, and where the page starts. `request` identifies the call (its arguments
 * but the cursor, and the directory served); `compute` returns the value and a digest of what it was computed
 * from (the intent's hash, the findings). Without a cursor the value is computed afresh; with one it is the
 * cursor's snapshot.
 */
export async function paged<T>(
  tool: string,
  request: unknown,
  cursor: string | undefined,
  compute: () => Promise<{ value: T; content: string }>,
): Promise<{ value: T; key: string; offset: number }> {
  const requestPart = requestKey(request);
  const now = Date.now();
  for (const [k, v] of SNAPSHOTS) if (now - v.at > SNAPSHOT_TTL_MS) SNAPSHOTS.delete(k);
  if (cursor !== undefined && cursor !== "") {
    const state = parseCursor(cursor, tool);
    if (!state.k.startsWith(`${requestPart}.`))
      throw new ToolFailure(
        "cursor: it belongs to a call with other arguments; pass the same arguments with it, or call again without it",
      );
    const hit = SNAPSHOTS.get(state.k);
    if (hit) return { value: hit.value as T, key: state.k, offset: state.o };
    const fresh = await compute();
    const key = `${requestPart}.${fresh.content}`;
    if (key !== state.k)
      throw new ToolFailure("cursor: the project changed since this cursor was made; call again without it");
    keep(key, fresh.value);
    return { value: fresh.value, key, offset: state.o };
  }
  const fresh = await compute();
  const key = `${requestPart}.${fresh.content}`;
  keep(key, fresh.value);
  return { value: fresh.value, key, offset: 0 };
}

export interface Page<T> {
  items: T[];
  offset: number;
  total: number;
  /** Offset of the next page, when there is one. */
  next?: number;
}

/**
 * Items from `offset` while their JSON fits in `budget` bytes (at least one item, at most `maxItems`).
 */
export function pageBySize<T>(
  items: readonly T[],
  offset: number,
  options: { budget?: number; maxItems?: number; size?: (item: T) => number } = {},
): Page<T> {
  const budget = options.budget ?? PAGE_BYTES;
  const maxItems = options.maxItems ?? 500;
  const size = options.size ?? ((item: T) => Buffer.byteLength(JSON.stringify(item)) + 1);
  const start = Math.min(offset, items.length);
  const out: T[] = [];
  let used = 0;
  let i = start;
  for (; i < items.length && out.length < maxItems; i++) {
    const item = items[i] as T;
    const s = size(item);
    if (out.length > 0 && used + s > budget) break;
    out.push(item);
    used += s;
  }
  return { items: out, offset: start, total: items.length, ...(i < items.length ? { next: i } : {}) };
}

/** Every string in `value`, through the redactor's textual pass (keys kept). Returns a copy. */
export function redactStrings<T>(value: T, redactor: Redactor): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactor.text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === "object" && v !== null)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

// ---- shared output schemas -------------------------------------------------------------------------------

export const objectRefSchema = z
  .object({
    apiVersion: z.string().describe("API version, e.g. apps/v1"),
    kind: z.string().describe("Kind, e.g. Deployment"),
    name: z.string().describe("metadata.name"),
    namespace: z.string().optional().describe("metadata.namespace (absent for cluster-scoped objects)"),
  })
  .describe("A Kubernetes object")
  // Shared through $defs in every tool schema that uses it (keeps tools/list small: see MAX_ANSWER_BYTES).
  .meta({ id: "ObjectRef" });

export const findingSchema = z
  .object({
    checkId: z
      .string()
      .describe("What found it: a built-in check id, `schema`, `policy:<name>/<rule>`, `intent`"),
    severity: z.enum(["error", "warning", "info"]).describe("error findings block build and propose"),
    message: z.string().describe("What is wrong"),
    object: objectRefSchema.optional().describe("The object the finding is about"),
    path: z.string().optional().describe("JSON Pointer of the field inside the object or intent document"),
    location: z.string().optional().describe("file:line:column, relative to the intent directory"),
    remediation: z.string().optional().describe("How to fix it"),
    suggestions: z.array(z.string()).optional().describe("Behaviour-changing fixes, for a person to choose"),
  })
  .describe("One finding of the validator or the intent loader")
  .meta({ id: "Finding" });
export type McpFinding = z.infer<typeof findingSchema>;

export const severityCountsSchema = z
  .object({
    error: z.number().int().describe("Findings of severity error"),
    warning: z.number().int().describe("Findings of severity warning"),
    info: z.number().int().describe("Findings of severity info"),
  })
  .describe("Findings by severity")
  .meta({ id: "SeverityCounts" });

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/** A finding as answers carry it: compact, strings bounded. */
export function toMcpFinding(f: Finding): McpFinding {
  return {
    checkId: f.checkId,
    severity: f.severity,
    message: clip(f.message, 2000),
    ...(f.object
      ? {
          object: {
            apiVersion: f.object.apiVersion,
            kind: f.object.kind,
            name: f.object.name,
            ...(f.object.namespace !== undefined ? { namespace: f.object.namespace } : {}),
          },
        }
      : {}),
    ...(f.path !== undefined ? { path: clip(f.path, 500) } : {}),
    ...(f.loc ? { location: `${f.loc.file}:${f.loc.line}:${f.loc.column}` } : {}),
    ...(f.remediation !== undefined ? { remediation: clip(f.remediation, 2000) } : {}),
    ...(f.suggestions && f.suggestions.length > 0
      ? { suggestions: f.suggestions.slice(0, 5).map((s) => clip(s.description, 500)) }
      : {}),
  };
}

/** Findings ordered errors first (stable within a severity). */
export function bySeverity(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map((x) => x.f);
}

export function countSeverities(findings: readonly Finding[]): z.infer<typeof severityCountsSchema> {
  const c = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

/**
 * The first findings, errors first, compact, at most `max` of them and `budget` bytes — for answers whose
 * subject is not the findings (the `validate` tool pages through all of them).
 */
export function topFindings(findings: readonly Finding[], max = 20, budget = 8 * 1024): McpFinding[] {
  return pageBySize(bySeverity(findings).slice(0, max).map(toMcpFinding), 0, { budget }).items;
}

/** `Kind namespace/name` of an answer's object. */
export function objectName(o: z.infer<typeof objectRefSchema>): string {
  return `${o.kind} ${o.namespace !== undefined && o.namespace !== "" ? `${o.namespace}/` : ""}${o.name}`;
}

/** `error privileged-container Pod shop/web: message (file:line:col)`. */
export function findingLine(f: McpFinding): string {
  const o = f.object ? ` ${objectName(f.object)}` : "";
  return `${f.severity} ${f.checkId}${o}: ${f.message}${f.location ? ` (${f.location})` : ""}`;
}

// ---- manifest changes ----------------------------------------------------------------------------------------

export const fieldChangeSchema = z
  .object({
    path: z.string().describe("The field, e.g. spec.template.spec.containers[web].image"),
    before: z.string().optional().describe("Value before (JSON unless a plain string); absent when added"),
    after: z.string().optional().describe("Value after (JSON unless a plain string); absent when removed"),
  })
  .describe("One changed field");

export const objectChangeSchema = z
  .object({
    change: z.enum(["added", "changed", "removed"]).describe("What happens to the object"),
    object: objectRefSchema,
    scope: z.string().optional().describe("Where the object lives in the GitOps repository"),
    fields: z.array(fieldChangeSchema).describe("Changed fields (changed objects only; at most 50)"),
    moreFields: z.number().int().optional().describe("Changed fields left out of `fields`"),
  })
  .describe("One object added, changed or removed")
  .meta({ id: "ObjectChange" });
export type McpObjectChange = z.infer<typeof objectChangeSchema>;

/** The env name a diff path ends in (`…env[DB_PASSWORD]` or `…env[DB_PASSWORD].value`). */
const ENV_PATH = /\benv\[([^\]]+)\](?:\.value)?$/;
/** The last key of a diff path (`data["config.ini"]` → `config.ini`, `spec.token` → `token`). */
const LAST_KEY = /(?:\.([A-Za-z_$][\w$-]*)|\["((?:[^"\\]|\\.)*)"\])$/;

/**
 * A field value as answers carry it: structure-aware redaction in its context (an env value by its variable's
 * name, a value under a credential-named key, an env entry or a whole subtree), then bounded text.
 */
function fieldValue(path: string, value: unknown, redactor: Redactor): string {
  const env = ENV_PATH.exec(path);
  let red: unknown;
  if (env && typeof value === "string") {
    const wrapped = redactor.value({ env: [{ name: env[1] ?? "", value }] });
    red = wrapped.env[0]?.value;
  } else {
    const m = LAST_KEY.exec(path);
    const key: string = m ? (m[1] ?? (JSON.parse(`"${m[2] ?? ""}"`) as string)) : "value";
    red = redactor.value<Record<string, unknown>>({ [key]: value })[key];
  }
  const text = typeof red === "string" ? red : JSON.stringify(red);
  return clip(text ?? "null", 1000);
}

/** Object changes as answers carry them: field values redacted in context and bounded. */
export function toMcpChange(c: ObjectChange, redactor: Redactor): McpObjectChange {
  const fields = c.fields.slice(0, 50).map((f: FieldChange) => ({
    path: clip(f.path, 500),
    ...("before" in f && f.before !== undefined ? { before: fieldValue(f.path, f.before, redactor) } : {}),
    ...("after" in f && f.after !== undefined ? { after: fieldValue(f.path, f.after, redactor) } : {}),
  }));
  return {
    change: c.change,
    object: {
      apiVersion: c.object.apiVersion,
      kind: c.object.kind,
      name: c.object.name,
      ...(c.object.namespace !== undefined ? { namespace: c.object.namespace } : {}),
    },
    ...(c.scope !== undefined ? { scope: c.scope } : {}),
    fields,
    ...(c.fields.length > 50 ? { moreFields: c.fields.length - 50 } : {}),
  };
}

/** `~ Deployment web/web: spec.replicas 3 → 5` lines. */
export function changeLines(changes: readonly McpObjectChange[], indent = ""): string[] {
  const lines: string[] = [];
  for (const c of changes) {
    const mark = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
    lines.push(`${indent}${mark} ${c.scope !== undefined ? `${c.scope}: ` : ""}${objectName(c.object)}`);
    for (const f of c.fields.slice(0, 10)) {
      const show = (v: string | undefined) =>
        v === undefined ? "∅" : v.length > 80 ? `${v.slice(0, 77)}…` : v;
      lines.push(`${indent}    ${f.path}: ${show(f.before)} → ${show(f.after)}`);
    }
    if (c.fields.length > 10) lines.push(`${indent}    … ${c.fields.length - 10} more field(s)`);
  }
  return lines;
}

/** The `path` input of the tools that take an intent directory. */
export const intentPathInput = z
  .string()
  .max(1024)
  .optional()
  .describe("Intent directory (or file), relative to the directory the server serves. @default .");

/** Where a page of `items` is in the whole list (`total`: what the list holds, said the tool's way). */
export function pageSchema(item: string, items: string, total: string) {
  return z
    .object({
      offset: z.number().int().describe(`Index of the first ${item} of this page`),
      count: z.number().int().describe(`${items} on this page`),
      total: z.number().int().describe(total),
    })
    .describe("Where this page is");
}
