/**
 * The audit log: every AI action appends one JSON line to `.kintent/audit.log` in the intent directory —
 * when, who, which provider and model, the request's hash (never its text), tokens, the operations, the
 * outcome. No prompt, no file content, no secret.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export const AUDIT_DIR = ".kintent";
export const AUDIT_FILE = "audit.log";

export interface AuditEntry {
  time: string;
  user: string;
  action: "ask" | "ask --lock";
  provider: string;
  model: string;
  requestHash: string;
  tokens: { input: number; output: number; estimated?: boolean };
  rounds: number;
  operations: string[];
  extra?: string;
  outcome: string;
  files: string[];
  redacted: Record<string, number>;
  proposal?: string;
  error?: string;
}

/** One JSON line, keys in a fixed order. */
export function formatAuditEntry(e: AuditEntry): string {
  return JSON.stringify(e) + "\n";
}

export function appendAudit(dir: string, entry: AuditEntry): string {
  const folder = join(dir, AUDIT_DIR);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, AUDIT_FILE);
  appendFileSync(file, formatAuditEntry(entry));
  return file;
}

/** Who ran the command, from the environment (no lookup elsewhere). */
export function auditUser(env: NodeJS.ProcessEnv): string {
  return env.KINTENT_USER ?? env.GIT_AUTHOR_NAME ?? env.USER ?? env.USERNAME ?? "unknown";
}
