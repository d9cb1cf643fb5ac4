/**
 * One diagnose run, as `kintent diagnose` and the MCP server's `diagnose` tool both do it: the namespaces (the
 * environment's, from the intent's build; or the ones asked for; else the context's), one snapshot read with one
 * list per kind and namespace, the analyzers, and — with an intent — the fixes as intent operations. Read-only;
 * the caller chooses the cluster (`connectFor` in target.ts).
 */
import type { EnvironmentBuild, Project } from "../project/index.js";
import { ANALYZERS } from "./analyzers/index.js";
import type { ClusterReader } from "./client.js";
import { diagnose } from "./diagnose.js";
import { planFixes } from "./fixes.js";
import type { DiagnoseReport } from "./format.js";
import { readSnapshot } from "./snapshot.js";
import { namespacesOf } from "./target.js";

export interface DiagnoseRun {
  reader: ClusterReader;
  /** An intent (opened without errors), its environment and that environment's build (without validation). */
  intent?: { project: Project; env: string; build: EnvironmentBuild };
  /** Only this namespace. */
  namespace?: string;
  /** Every namespace. */
  allNamespaces?: boolean;
  /** Only these analyzers (ids; unknown ids are the caller's to refuse). */
  analyzers?: readonly string[];
  /** For the fixes' paths. */
  cwd: string;
}

/** Unknown analyzer ids in `ids` (empty when all exist). */
export function unknownAnalyzers(ids: readonly string[]): string[] {
  return ids.filter((id) => !ANALYZERS.some((a) => a.id === id));
}

export async function runDiagnose(o: DiagnoseRun): Promise<DiagnoseReport> {
  const { reader, intent } = o;
  let namespaces: string[] | undefined = intent ? namespacesOf(intent.build.objects) : undefined;
  if (o.namespace !== undefined) namespaces = [o.namespace];
  else if (o.allNamespaces) namespaces = undefined;
  else if (namespaces === undefined || namespaces.length === 0) {
    const current = reader.kubeConfig.getContextObject(reader.kubeConfig.getCurrentContext());
    namespaces = [current?.namespace ?? "default"];
  }
  const snapshot = await readSnapshot(reader, namespaces ? { namespaces } : {});
  const diagnoses = diagnose(
    snapshot,
    o.analyzers && o.analyzers.length > 0 ? { analyzers: [...o.analyzers] } : {},
  );
  const fixes =
    intent && diagnoses.length > 0
      ? await planFixes(intent.project, diagnoses, {
          cwd: o.cwd,
          env: intent.env,
          snapshot,
          build: intent.build,
        })
      : [];
  return {
    cluster: reader.where,
    namespaces: namespaces ?? "all",
    readAt: snapshot.readAt,
    skipped: snapshot.skipped,
    apiCalls: { list: reader.listCalls, total: reader.calls.length },
    diagnoses,
    fixes,
    intent: intent !== undefined,
  };
}
