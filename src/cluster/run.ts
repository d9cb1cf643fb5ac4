/**
 * One diagnose run, as `kintent diagnose` and the MCP server's `diagnose` tool both do it: the namespaces (the
 * environment's, from the intent's build; or the ones asked for), the kubeconfig context (the environment's
 * `context` unless one is given), one snapshot read with one list per kind and namespace, the analyzers, and —
 * with an intent — the fixes as intent operations. Read-only.
 */
import type { Project } from "../project/index.js";
import { ANALYZERS } from "./analyzers/index.js";
import { connect } from "./client.js";
import type { ClusterReader } from "./client.js";
import { diagnose } from "./diagnose.js";
import { planFixes } from "./fixes.js";
import type { FixPlan } from "./fixes.js";
import type { DiagnoseReport } from "./format.js";
import { readSnapshot } from "./snapshot.js";
import type { Snapshot } from "./snapshot.js";

export interface DiagnoseRun {
  /** An intent (opened without errors) and its environment: its namespaces are diagnosed, its fixes planned. */
  intent?: { project: Project; env: string };
  /** Only this namespace. */
  namespace?: string;
  /** Every namespace. */
  allNamespaces?: boolean;
  kubeconfig?: string;
  context?: string;
  /** A reader already connected (kubeconfig and context are then the caller's business). */
  reader?: ClusterReader;
  /** Only these analyzers (ids; unknown ids are the caller's to refuse). */
  analyzers?: readonly string[];
  /** For the kubeconfig ($KUBECONFIG, HOME) and the fixes' paths. */
  processEnv: NodeJS.ProcessEnv;
  cwd: string;
}

export interface DiagnoseOutcome {
  report: DiagnoseReport;
  snapshot: Snapshot;
  reader: ClusterReader;
  fixes: FixPlan[];
}

/** Unknown analyzer ids in `ids` (empty when all exist). */
export function unknownAnalyzers(ids: readonly string[]): string[] {
  return ids.filter((id) => !ANALYZERS.some((a) => a.id === id));
}

export async function runDiagnose(o: DiagnoseRun): Promise<DiagnoseOutcome> {
  let namespaces: string[] | undefined;
  let context = o.context;
  if (o.intent) {
    const { project, env } = o.intent;
    const build = project.build(env, { validate: false });
    context ??= project.platform?.value.spec.environments[env]?.context;
    namespaces = [
      ...new Set(build.objects.map((x) => x.metadata.namespace).filter((n): n is string => n !== undefined)),
    ].sort();
  }
  const reader =
    o.reader ??
    connect({
      env: o.processEnv,
      ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
      ...(context !== undefined ? { context } : {}),
    });
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
    o.intent && diagnoses.length > 0
      ? await planFixes(o.intent.project, diagnoses, { cwd: o.cwd, env: o.intent.env, snapshot })
      : [];
  return {
    report: {
      cluster: reader.where,
      namespaces: namespaces ?? "all",
      readAt: snapshot.readAt,
      skipped: snapshot.skipped,
      apiCalls: { list: reader.listCalls, total: reader.calls.length },
      diagnoses,
      fixes,
      intent: o.intent !== undefined,
    },
    snapshot,
    reader,
    fixes,
  };
}
