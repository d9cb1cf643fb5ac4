/**
 * The sync check before a step is measured (Kargo's hard-won lesson: measure only what is really deployed).
 * The environment's Argo CD Application must
 *
 *   1. report a sync revision that is the commit that set the current weight, or a later commit of the same
 *      branch (Argo CD syncs the branch head, so an unrelated commit after the step moves the revision on);
 *   2. be Synced and Healthy;
 *   3. have finished its last sync operation successfully, on such a revision; and
 *   4. have been reconciled after that operation finished (`status.reconciledAt` ≥ `operationState.finishedAt`),
 *      so its health describes the synced objects and not the ones before.
 *
 * The weight's soak time counts from the moment that operation finished. Field names are Argo CD's
 * (application-controller v3: `status.sync.revision`, `status.health.status`, `status.operationState.phase`,
 * `…finishedAt`, `…syncResult.revision`, `status.reconciledAt`). Pure but for the ancestry question, which
 * the caller answers from Git.
 */
import type { KObject } from "../../core/object.js";

export interface SyncCheck {
  ok: boolean;
  /** `argocd/web-prod`. */
  application: string;
  reason: string;
  /** The synced revision, when the Application reports one. */
  revision?: string;
  /** When the sync operation that deployed the weight finished: the soak starts here. */
  landedAt?: Date;
}

/**
 * Is `ancestor` the same commit as `descendant` or one of its ancestors? `undefined` when Git does not know
 * `descendant` (the local repository is behind what Argo CD synced).
 */
export type IsAncestor = (ancestor: string, descendant: string) => Promise<boolean | undefined>;

interface AppStatus {
  sync?: { status?: string; revision?: string; revisions?: string[] };
  health?: { status?: string; message?: string };
  reconciledAt?: string;
  operationState?: {
    phase?: string;
    message?: string;
    finishedAt?: string;
    syncResult?: { revision?: string; revisions?: string[] };
  };
}

export async function checkSync(
  app: KObject | undefined,
  name: string,
  weightCommit: string,
  isAncestor: IsAncestor,
): Promise<SyncCheck> {
  const no = (reason: string, extra: Partial<SyncCheck> = {}): SyncCheck => ({
    ok: false,
    application: name,
    reason,
    ...extra,
  });
  if (!app) return no(`Application ${name} not found`);
  const status = (app.status ?? {}) as AppStatus;
  const revision = status.sync?.revision ?? status.sync?.revisions?.[0];
  const short = (s: string) => s.slice(0, 12);
  if (!revision) return no(`Application ${name} reports no sync revision yet`);
  const contains = await isAncestor(weightCommit, revision);
  if (contains === undefined)
    return no(
      `Argo CD synced ${short(revision)}, a commit this repository does not have: fetch, then run again`,
      { revision },
    );
  if (!contains)
    return no(
      `Argo CD synced ${short(revision)}, which does not contain ${short(weightCommit)} (the commit that set the weight): waiting for the sync`,
      { revision },
    );
  if (status.sync?.status !== "Synced")
    return no(`Application ${name} is ${status.sync?.status ?? "in an unknown sync state"}, not Synced`, {
      revision,
    });
  const op = status.operationState;
  if (!op?.finishedAt || op.phase !== "Succeeded")
    return no(
      `the last sync operation of ${name} has ${op?.phase ? `phase ${op.phase}` : "not run"}${op?.message ? ` (${op.message})` : ""}`,
      { revision },
    );
  const opRevision = op.syncResult?.revision ?? op.syncResult?.revisions?.[0];
  if (opRevision && !(await isAncestor(weightCommit, opRevision)))
    return no(
      `the last sync operation of ${name} deployed ${short(opRevision)}, which does not contain ${short(weightCommit)}`,
      { revision },
    );
  if (status.health?.status !== "Healthy")
    return no(
      `Application ${name} is ${status.health?.status ?? "of unknown health"}${status.health?.message ? ` (${status.health.message})` : ""}, not Healthy`,
      { revision },
    );
  const finished = Date.parse(op.finishedAt);
  const reconciled = status.reconciledAt ? Date.parse(status.reconciledAt) : NaN;
  if (!(reconciled >= finished))
    return no(
      `Application ${name} has not been reconciled since its sync finished at ${op.finishedAt} (reconciledAt ${status.reconciledAt ?? "unset"})`,
      { revision },
    );
  return {
    ok: true,
    application: name,
    reason: `Application ${name} synced ${short(revision)} (Synced, Healthy), sync finished ${op.finishedAt}, reconciled ${status.reconciledAt ?? ""}`,
    revision,
    landedAt: new Date(finished),
  };
}
