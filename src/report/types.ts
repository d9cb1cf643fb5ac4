import type { Finding } from "../core/finding.js";
import type { CheckDefinition } from "../validate/checks/types.js";

/** Everything a reporter may show about one validation run. */
export interface Report {
  findings: readonly Finding[];
  summary: { files: number; objects: number; valid: number; invalid: number; skipped: number };
  /** Check definitions, for rule metadata (SARIF rules, docs links). */
  checks: readonly CheckDefinition[];
  toolVersion: string;
}

export type ReporterName = "stylish" | "json" | "sarif" | "junit" | "markdown";
