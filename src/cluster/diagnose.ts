/**
 * `kintent diagnose`: run every analyzer over one snapshot and order the diagnoses (errors first, then by
 * namespace, object and analyzer), so the same cluster state prints the same report.
 */
import type { Diagnosis } from "./diagnosis.js";
import { ANALYZERS } from "./analyzers/index.js";
import type { Snapshot } from "./snapshot.js";

export interface DiagnoseOptions {
  /** Only these analyzers. @default all */
  analyzers?: readonly string[];
}

export function diagnose(snapshot: Snapshot, options: DiagnoseOptions = {}): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const a of ANALYZERS) {
    if (options.analyzers && !options.analyzers.includes(a.id)) continue;
    out.push(...a.analyze({ snapshot }));
  }
  return out.sort(compareDiagnoses);
}

const rank = { error: 0, warning: 1 } as const;

export function compareDiagnoses(a: Diagnosis, b: Diagnosis): number {
  const ka = a.owner ?? a.object;
  const kb = b.owner ?? b.object;
  return (
    rank[a.severity] - rank[b.severity] ||
    (ka.namespace ?? "").localeCompare(kb.namespace ?? "") ||
    ka.kind.localeCompare(kb.kind) ||
    ka.name.localeCompare(kb.name) ||
    a.analyzer.localeCompare(b.analyzer) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}
