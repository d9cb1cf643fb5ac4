/**
 * `kintent watch`, the health agent: informers (list, then watch from the list's resourceVersion, re-listing
 * when the server ends the watch) over the environment's namespaces, the same analyzers as `kintent diagnose`
 * on every change (debounced), each distinct failure (its fingerprint: analyzer, variant, workload, container,
 * detail — never a pod name) acted on once, and again only when it recurs after it had cleared:
 *
 *   report   a JSON line and the metrics only
 *   issue    open one forge issue per failure (found again by a marker in its body), comment when it recurs
 *   fix      propose the intent fix as a pull request when it is ready, else file the issue
 *   rollback propose the App file's previous revision as a pull request, else file the issue
 *
 * Changes are debounced, but never for longer than `maxWaitMs`: under a steady churn (a change more often than
 * the debounce) the agent still diagnoses every few seconds, and at most one evaluation waits behind the running one.
 *
 * Memory is bounded: objects are trimmed (no managed fields, ConfigMap keys without values), Events are capped
 * per namespace (the oldest go first), and cleared failures are remembered up to `maxCleared` (the first
 * tracked go first; an issue is still found again by its marker). kintent closes nothing — no issue, no pull request — and writes
 * nothing to the cluster.
 */
import { createHash } from "node:crypto";
import type { Redactor } from "../core/redact.js";
import { describeObject } from "../core/object.js";
import type { IssueTracker } from "../gitops/forge/index.js";
import type { ClusterReader, LiveObject } from "./client.js";
import type { Diagnosis } from "./diagnosis.js";
import { diagnose } from "./diagnose.js";
import { text } from "./diagnosis.js";
import { formatEvent } from "./format.js";
import { RESOURCES } from "./kinds.js";
import { snapshotOf, trimObject } from "./snapshot.js";
import type { Snapshot } from "./snapshot.js";

export type WatchAction = "report" | "issue" | "fix" | "rollback";

export interface WatchOptions {
  reader: ClusterReader;
  namespaces: readonly string[];
  action: WatchAction;
  /** Where issues go (action issue or fix). */
  issues?: IssueTracker;
  labels?: readonly string[];
  /** The environment, for titles. */
  env: string;
  redactor: Redactor;
  /** Propose the fix (action fix) or the rollback (action rollback); resolves with the pull request's URL, or undefined when there is none. */
  proposeFix?: (d: Diagnosis, snapshot: Snapshot) => Promise<string | undefined>;
  /** A JSON line per decision (stdout). */
  log: (line: string) => void;
  /** Events kept per namespace. @default 2000 */
  maxEventsPerNamespace?: number;
  /** Quiet time after a change before diagnosing. @default 1000 */
  debounceMs?: number;
  /** Longest a change waits for its diagnosis while changes keep coming. @default 5000 */
  maxWaitMs?: number;
  /** Cleared failures remembered (for recurrences). @default 1000 */
  maxCleared?: number;
  metrics?: WatchMetrics;
}

export interface WatchMetrics {
  diagnoses(analyzer: string, severity: string): void;
  active(n: number): void;
  action(kind: string): void;
  objects(n: number): void;
  resync(): void;
}

interface Tracked {
  diagnosis: Diagnosis;
  /** Whether it is failing now. */
  active: boolean;
  issue?: number;
  occurrences: number;
}

export interface WatchHandle {
  /** Resolves once every informer has listed. */
  readonly synced: Promise<void>;
  /** Diagnose now (tests; normally changes trigger it). */
  evaluate(): Promise<void>;
  /** Failures currently active, by fingerprint. */
  active(): Diagnosis[];
  /** Failures remembered: active, and cleared ones kept for recurrences. */
  remembered(): number;
  stop(): void;
}

export const ISSUE_MARKER = "<!-- kintent:health";

/** The marker that finds a failure's issue again: a hash of its fingerprint (names stay out of search terms). */
export function issueMarker(fingerprint: string): string {
  return `${ISSUE_MARKER} ${createHash("sha256").update(fingerprint).digest("hex").slice(0, 16)} -->`;
}

export function issueBody(d: Diagnosis, env: string, redactor: Redactor): string {
  return redactor.text(
    [
      issueMarker(d.fingerprint),
      `**${d.analyzer}/${d.variant}** in \`${env}\`: ${describeObject(d.owner ?? d.object)}${d.container ? `, container \`${d.container}\`` : ""}`,
      "",
      `**Cause**: ${d.cause}`,
      ...(d.didYouMean?.candidate
        ? [
            "",
            `**Did you mean** ${d.didYouMean.kind} \`${d.didYouMean.candidate}\`? (\`${d.didYouMean.missing}\` does not exist)`,
          ]
        : []),
      "",
      "**Evidence** (verbatim, from the cluster):",
      "",
      "```",
      ...d.fields.map((f) => `${describeObject(f.object)} ${f.path}: ${JSON.stringify(f.value)}`),
      ...(d.events.length > 0
        ? ["events (newest first):", ...d.events.map((e) => `  ${formatEvent(e)}`)]
        : []),
      "```",
      "",
      `Affected: ${d.objects.map((o) => describeObject(o)).join(", ")}`,
      "",
      "_Filed by `kintent watch`; it updates this issue when the failure recurs and never closes it._",
    ].join("\n"),
  );
}

/** Start the informers and the agent loop. */
export function startWatch(options: WatchOptions): WatchHandle {
  const { reader } = options;
  const maxEvents = options.maxEventsPerNamespace ?? 2000;
  const stores = new Map<string, Map<string, LiveObject>>(); // kind|namespace → uid/name → object
  const tracked = new Map<string, Tracked>();
  const stops: (() => void)[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pendingSince: number | undefined;
  let running: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  const debounceMs = options.debounceMs ?? 1000;
  const maxWaitMs = options.maxWaitMs ?? 5000;
  const maxCleared = options.maxCleared ?? 1000;

  const keyOf = (o: LiveObject) => o.metadata.uid ?? `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
  const storeOf = (kind: string, ns: string | undefined) => {
    const k = `${kind}|${ns ?? ""}`;
    let s = stores.get(k);
    if (!s) {
      s = new Map<string, LiveObject>();
      stores.set(k, s);
    }
    return s;
  };
  const capEvents = (s: Map<string, LiveObject>) => {
    if (s.size <= maxEvents) return;
    const time = (e: LiveObject) =>
      text(e.lastTimestamp) ?? text(e.eventTime) ?? e.metadata.creationTimestamp ?? "";
    const sorted = [...s.entries()].sort((a, b) => time(a[1]).localeCompare(time(b[1])));
    for (const [k] of sorted.slice(0, s.size - maxEvents)) s.delete(k);
  };

  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    // Debounce, but the first change pending waits at most maxWaitMs (else a steady churn starves the agent).
    const now = Date.now();
    pendingSince ??= now;
    timer = setTimeout(
      () => {
        timer = undefined;
        pendingSince = undefined;
        void evaluate();
      },
      Math.max(0, Math.min(debounceMs, pendingSince + maxWaitMs - now)),
    );
  };

  const informer = async (kind: string, ns: string | undefined): Promise<void> => {
    const store = storeOf(kind, ns);
    const list = await reader.list(kind, ns);
    if ("skipped" in list) return;
    store.clear();
    for (const o of list.items) store.set(keyOf(o), trimObject(o));
    if (kind === "Event") capEvents(store);
    const rewatch = (rv: string) => {
      if (stopped) return;
      void reader
        .watch(
          kind,
          ns,
          rv,
          (type, o) => {
            if (type === "BOOKMARK") {
              rv = o.metadata.resourceVersion ?? rv;
              return;
            }
            if (type === "ERROR") return; // 410 Gone and friends: the watch ends and is re-listed below
            rv = o.metadata.resourceVersion ?? rv;
            if (type === "DELETED") store.delete(keyOf(o));
            else store.set(keyOf(o), trimObject(o));
            if (kind === "Event") capEvents(store);
            schedule();
          },
          () => {
            if (stopped) return;
            options.metrics?.resync();
            // Re-list (the resourceVersion may be too old) after a short pause.
            setTimeout(
              () => void informer(kind, ns).catch(() => setTimeout(() => void informer(kind, ns), 5000)),
              1000,
            );
          },
        )
        .then((stop) => stops.push(stop))
        .catch(() => setTimeout(() => void informer(kind, ns), 5000));
    };
    rewatch(list.resourceVersion);
  };

  const jobs: Promise<void>[] = [];
  for (const r of RESOURCES) {
    if (!r.namespaced || r.kind === "Application") jobs.push(informer(r.kind, undefined));
    else for (const ns of options.namespaces) jobs.push(informer(r.kind, ns));
  }
  const synced = Promise.all(jobs).then(() => undefined);

  const snapshot = (): Snapshot => {
    let n = 0;
    const all: LiveObject[] = [];
    for (const s of stores.values())
      for (const o of s.values()) {
        all.push(o);
        n++;
      }
    options.metrics?.objects(n);
    return snapshotOf(all, { namespaces: options.namespaces });
  };

  const act = async (t: Tracked, snap: Snapshot, recurrence: boolean): Promise<void> => {
    const d = t.diagnosis;
    const base = {
      time: new Date().toISOString(),
      env: options.env,
      analyzer: d.analyzer,
      variant: d.variant,
      object: describeObject(d.owner ?? d.object),
      cause: options.redactor.text(d.cause),
      fingerprint: d.fingerprint,
    };
    if (options.action === "report") {
      options.log(JSON.stringify({ ...base, action: recurrence ? "recurred" : "detected" }));
      options.metrics?.action("report");
      return;
    }
    if ((options.action === "fix" || options.action === "rollback") && options.proposeFix && !recurrence) {
      const url = await options.proposeFix(d, snap);
      if (url) {
        options.log(JSON.stringify({ ...base, action: `${options.action}-proposed`, url }));
        options.metrics?.action(options.action);
        return;
      }
    }
    if (!options.issues) return;
    const label = options.labels?.[0] ?? "kintent-health";
    const body = issueBody(d, options.env, options.redactor);
    const existing =
      t.issue !== undefined
        ? { number: t.issue }
        : await options.issues.findIssue(issueMarker(d.fingerprint), label);
    if (existing) {
      t.issue = existing.number;
      await options.issues.updateIssue(existing.number, { body });
      await options.issues.commentIssue(
        existing.number,
        options.redactor.text(
          `The failure ${recurrence ? "recurred" : "is still there (seen again by a restarted agent)"} at ${base.time} (occurrence ${t.occurrences}).\n\n${d.cause}`,
        ),
      );
      options.log(JSON.stringify({ ...base, action: "issue-updated", issue: existing.number }));
      options.metrics?.action("issue-updated");
      return;
    }
    const title = `kintent: ${d.analyzer} in ${options.env}: ${describeObject(d.owner ?? d.object)}`.slice(
      0,
      200,
    );
    const issue = await options.issues.createIssue({
      title,
      body,
      labels: options.labels ?? ["kintent-health"],
    });
    t.issue = issue.number;
    options.log(JSON.stringify({ ...base, action: "issue-opened", issue: issue.number, url: issue.url }));
    options.metrics?.action("issue-opened");
  };

  const evaluate = async (): Promise<void> => {
    // One evaluation waiting behind the running one is enough: it reads the state when it starts.
    if (queued) return await queued;
    const next = running.then(async () => {
      queued = undefined;
      if (stopped) return;
      const snap = snapshot();
      const found = diagnose(snap);
      const now = new Set(found.map((d) => d.fingerprint));
      for (const d of found) {
        options.metrics?.diagnoses(d.analyzer, d.severity);
        const t = tracked.get(d.fingerprint);
        if (t?.active) {
          t.diagnosis = d;
          continue;
        }
        const entry: Tracked = t ?? { diagnosis: d, active: true, occurrences: 0 };
        entry.diagnosis = d;
        entry.active = true;
        entry.occurrences++;
        tracked.set(d.fingerprint, entry);
        try {
          await act(entry, snap, t !== undefined);
        } catch (e) {
          options.log(
            JSON.stringify({
              time: new Date().toISOString(),
              action: "error",
              fingerprint: d.fingerprint,
              error: options.redactor.text((e as Error).message),
            }),
          );
        }
      }
      for (const [fp, t] of tracked)
        if (t.active && !now.has(fp)) {
          t.active = false;
          options.log(
            JSON.stringify({
              time: new Date().toISOString(),
              env: options.env,
              action: "cleared",
              fingerprint: fp,
              object: describeObject(t.diagnosis.owner ?? t.diagnosis.object),
            }),
          );
        }
      // Forget the longest-cleared failures past maxCleared (Map order: first tracked first).
      let cleared = 0;
      for (const t of tracked.values()) if (!t.active) cleared++;
      for (const [fp, t] of tracked) {
        if (cleared <= maxCleared) break;
        if (t.active) continue;
        tracked.delete(fp);
        cleared--;
      }
      options.metrics?.active([...tracked.values()].filter((t) => t.active).length);
    });
    queued = next;
    running = next.catch(() => undefined);
    await next;
  };

  void synced.then(schedule);
  return {
    synced,
    evaluate,
    active: () => [...tracked.values()].filter((t) => t.active).map((t) => t.diagnosis),
    remembered: () => tracked.size,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const s of stops) s();
    },
  };
}

/** The forge behind a repository URL, for issues (GITHUB_TOKEN / GITEA_TOKEN / GITLAB_TOKEN; `KINTENT_FORGE` when the URL does not say). */
export async function issueTrackerFor(
  repo: string,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
): Promise<IssueTracker> {
  const { parseRemoteUrl, detectForge, webBaseUrl, apiBaseUrl, tokenFor, FORGE_KINDS } =
    await import("../gitops/remote.js");
  const { createForge } = await import("../gitops/forge/index.js");
  const { UsageError } = await import("../core/errors.js");
  const remote = parseRemoteUrl(repo);
  if (!remote || remote.local)
    throw new UsageError(`issues need the forge repository's URL, not \`${repo}\``);
  const configured = env.KINTENT_FORGE as (typeof FORGE_KINDS)[number] | undefined;
  const kind = configured && FORGE_KINDS.includes(configured) ? configured : detectForge(remote);
  if (!kind)
    throw new UsageError(
      `cannot tell which forge serves ${remote.display}: set KINTENT_FORGE (github, gitea, gitlab)`,
    );
  const token = tokenFor(kind, env);
  if (!token)
    throw new UsageError(
      `no ${kind === "github" ? "GITHUB_TOKEN" : kind === "gitlab" ? "GITLAB_TOKEN" : "GITEA_TOKEN"} in the environment: kintent watch needs it to file issues`,
    );
  const web = webBaseUrl(remote);
  if (!web) throw new UsageError(`cannot tell the forge's web address from ${remote.display}`);
  const prefix = new URL(web).pathname.replace(/^\/+|\/+$/g, "");
  let repoPath = (remote.path ?? "").replace(/\.git$/, "");
  if (prefix && repoPath.startsWith(`${prefix}/`)) repoPath = repoPath.slice(prefix.length + 1);
  return createForge(
    kind,
    { apiUrl: apiBaseUrl(kind, web), webUrl: web, repoPath, token, userAgent: "kintent-watch" },
    redactor.add(token),
  );
}
