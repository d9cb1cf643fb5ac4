/**
 * Diagnoses back to the intent: which intent line produced the failing object (the compiler's decisions), and
 * — where the intent can fix the cause — the fix as intent operations (the `kintent set` vocabulary), applied in
 * memory, compiled and validated through the engine exactly like `kintent set` previews (ai/preview.ts), then
 * checked by the analyzer's static counterpart on the rebuilt objects: the cause must be gone before anything
 * is proposed. Nothing is written here, and nothing ever goes to the cluster.
 *
 *   OOMKilled at 128Mi        → `resources` with the memory limit doubled (and the reasoning under spec.why)
 *   configmap "x" not found   → `ref` to the existing ConfigMap the name probably meant
 *   image tag not found       → `image` (or `canary-image`) with the previous tag from the intent's Git history
 *
 * Without an intent, a fixable diagnosis shows the manifest patch instead.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { isScalar, isSeq, parseDocument } from "yaml";
import type { ObjectRef, SourceLocation } from "../core/finding.js";
import type { KObject } from "../core/object.js";
import { objectKey } from "../core/object.js";
import { splitImage } from "../core/image.js";
import { formatQuantity, parseQuantity, quantityToNumber } from "../core/quantity.js";
import { editIntentText, unifiedDiff } from "../intent/edit/index.js";
import type { IntentOp } from "../intent/edit/index.js";
import { openProject } from "../project/index.js";
import type { EnvironmentBuild, Project } from "../project/index.js";
import type { Decision } from "../compile/types.js";
import { previewChange } from "../ai/preview.js";
import type { Preview } from "../ai/preview.js";
import type { Diagnosis } from "./diagnosis.js";
import type { Snapshot } from "./snapshot.js";

/** The intent line behind a live object (or one field of it). */
export interface IntentSource {
  object: ObjectRef;
  /** JSON Pointer of the field in the built object. */
  path: string;
  why: string;
  from: Decision["from"];
  loc?: SourceLocation;
}

export interface Verification {
  check: string;
  passed: boolean;
  detail: string;
}

export interface FixPlan {
  fingerprint: string;
  analyzer: string;
  /** `ready`: compiled, validated and the cause is gone; `unfixable`: the intent cannot fix it (why says); `invalid`: the fix does not validate; `not-cleared`: the static counterpart still sees the cause. */
  status: "ready" | "unfixable" | "invalid" | "not-cleared";
  why: string;
  source?: IntentSource;
  ops: IntentOp[];
  /** Repository-relative diff of the intent (and configuration) change. */
  diff: string;
  /** New contents by absolute path: the intent file, and `.kintent.yaml` when an external name moves with it. */
  writes: Map<string, string>;
  preview?: Preview;
  verification: Verification[];
}

/** The built object a diagnosis is about: its owning workload, or the object itself. */
export function builtObjectFor(build: EnvironmentBuild, d: Diagnosis): KObject | undefined {
  const keys = [d.owner, d.object].filter((r): r is ObjectRef => r !== undefined).map((r) => objectKey(r));
  for (const k of keys) {
    const o = build.objects.find((x) => objectKey(x) === k);
    if (o) return o;
  }
  // A claim of a StatefulSet: <template>-<statefulset>-<ordinal>.
  if (d.object.kind === "PersistentVolumeClaim")
    return build.objects.find(
      (o) =>
        o.kind === "StatefulSet" &&
        o.metadata.namespace === d.object.namespace &&
        (
          (o.spec as { volumeClaimTemplates?: { metadata?: { name?: string } }[] }).volumeClaimTemplates ?? []
        ).some((t) => d.object.name.startsWith(`${t.metadata?.name ?? ""}-${o.metadata.name}-`)),
    );
  return undefined;
}

function containerIndex(o: KObject, name: string | undefined): number {
  const list =
    (o.spec as { template?: { spec?: { containers?: { name: string }[] } } } | undefined)?.template?.spec
      ?.containers ?? [];
  const i = name === undefined ? 0 : list.findIndex((c) => c.name === name);
  return i < 0 ? 0 : i;
}

/** The field of the built object each analyzer's cause lives in (JSON Pointer). */
export function causePointer(o: KObject, d: Diagnosis): string {
  const c = `/spec/template/spec/containers/${containerIndex(o, d.container)}`;
  switch (d.analyzer) {
    case "image-pull":
    case "crash-loop":
      return `${c}/image`;
    case "oom-killed":
      return `${c}/resources`;
    case "probe-failures":
      return `${c}/${d.variant === "liveness" ? "livenessProbe" : "readinessProbe"}`;
    case "create-container-config":
      return `${c}/env`;
    case "failed-mount":
      return "/spec/template/spec/volumes";
    case "unschedulable":
      return d.variant === "node-selector"
        ? (o.spec as { template?: { spec?: { nodeSelector?: unknown } } }).template?.spec?.nodeSelector
          ? "/spec/template/spec/nodeSelector"
          : "/spec/template/spec/affinity"
        : d.variant === "insufficient-resources"
          ? `${c}/resources`
          : d.variant === "taints"
            ? "/spec/template/spec/tolerations"
            : "/spec/template/spec";
    case "pvc-pending":
      return "/spec/volumeClaimTemplates";
    case "service-no-endpoints":
      return "/spec/selector";
    default:
      return "";
  }
}

/** The most specific decision about `pointer` (or a field under it), preferring one with a source line. */
export function decisionFor(
  decisions: readonly Decision[],
  ref: ObjectRef,
  pointer: string,
): Decision | undefined {
  const mine = decisions.filter((x) => objectKey(x.object) === objectKey(ref));
  const related = mine.filter(
    (x) =>
      pointer === x.path ||
      pointer.startsWith(`${x.path}/`) ||
      x.path.startsWith(`${pointer}/`) ||
      x.path === "",
  );
  const score = (x: Decision) =>
    (x.loc ? 1000 : 0) + (x.path === pointer ? 500 : x.path.startsWith(pointer) ? 300 : x.path.length);
  return related.sort((a, b) => score(b) - score(a))[0];
}

export function traceSource(build: EnvironmentBuild, d: Diagnosis): IntentSource | undefined {
  const o = builtObjectFor(build, d);
  if (!o) return undefined;
  const pointer = causePointer(o, d);
  const ref = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
  const dec = decisionFor(build.decisions, ref, pointer);
  return {
    object: ref,
    path: pointer,
    why: dec?.why ?? "",
    from: dec?.from ?? "derived",
    ...(dec?.loc ? { loc: dec.loc } : {}),
  };
}

/** The next memory size: twice the limit, rounded up to a power of two mebibytes (at least 64Mi). */
export function nextMemory(limit: string): string | undefined {
  const q = parseQuantity(limit);
  if (!q) return undefined;
  const mi = Math.max(64, 2 ** Math.ceil(Math.log2((quantityToNumber(q) * 2) / 2 ** 20 - 1e-9)));
  return mi >= 1024 && mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

function memoryOf(o: KObject, container: string | undefined): string | undefined {
  const list =
    (
      o.spec as {
        template?: {
          spec?: { containers?: { name: string; resources?: { limits?: { memory?: string } } }[] };
        };
      }
    ).template?.spec?.containers ?? [];
  return list[containerIndex(o, container)]?.resources?.limits?.memory;
}

function imageOf(o: KObject, container: string | undefined): string | undefined {
  const list =
    (o.spec as { template?: { spec?: { containers?: { name: string; image?: string }[] } } }).template?.spec
      ?.containers ?? [];
  return list[containerIndex(o, container)]?.image;
}

/** Every ConfigMap/Secret name a pod template references (volumes, env, envFrom). */
function referencedNames(o: KObject, kind: string): Set<string> {
  const out = new Set<string>();
  const spec = (o.spec as { template?: { spec?: Record<string, unknown> } }).template?.spec ?? {};
  const walk = (v: unknown, depth: number): void => {
    if (depth > 10 || v === null || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    const r = v as Record<string, unknown>;
    if (kind === "ConfigMap") {
      for (const k of ["configMap", "configMapRef", "configMapKeyRef"]) {
        const ref = r[k] as { name?: string } | undefined;
        if (ref && typeof ref.name === "string") out.add(ref.name);
      }
    } else {
      const s = r.secret as { secretName?: string } | undefined;
      if (s && typeof s.secretName === "string") out.add(s.secretName);
      for (const k of ["secretRef", "secretKeyRef"]) {
        const ref = r[k] as { name?: string } | undefined;
        if (ref && typeof ref.name === "string") out.add(ref.name);
      }
    }
    for (const x of Object.values(r)) walk(x, depth + 1);
  };
  walk(spec, 0);
  return out;
}

/** The file's committed versions, newest first (`git log` / `git show`, at most 50); none outside Git. */
export function gitRevisions(file: string): { commit: string; text: string }[] {
  const dir = dirname(file);
  const git = (args: string[]) =>
    spawnSync("git", ["-C", dir, ...args], { encoding: "utf8", timeout: 10_000, maxBuffer: 8 << 20 });
  const top = git(["rev-parse", "--show-toplevel"]);
  if (top.status !== 0) return [];
  const rel = relative(top.stdout.trim(), file);
  const log = git(["log", "-n", "50", "--format=%H", "--", rel]);
  if (log.status !== 0) return [];
  const out: { commit: string; text: string }[] = [];
  for (const commit of log.stdout.split("\n").filter(Boolean)) {
    const shown = git(["show", `${commit}:${rel}`]);
    if (shown.status === 0) out.push({ commit, text: shown.stdout });
  }
  return out;
}

/** The image the intent deployed before `failing`: the newest committed version of the App file with another one. */
export function previousImage(
  file: string,
  failing: string,
  read: (text: string) => string | undefined,
): { image: string; commit: string } | undefined {
  for (const { commit, text } of gitRevisions(file)) {
    const image = read(text);
    if (image && image !== failing) return { image, commit };
  }
  return undefined;
}

/**
 * `.kintent.yaml` with an `external.configMaps`/`secrets` entry renamed in place — only the scalar's characters
 * change, so comments and alignment stay; undefined when it lists no such name.
 */
function renameExternal(
  text: string,
  kind: "configMaps" | "secrets",
  from: string,
  to: string,
): string | undefined {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const list = doc.getIn(["external", kind], true);
  if (!isSeq(list)) return undefined;
  const ranges: [number, number][] = [];
  for (const item of list.items)
    if (isScalar(item) && item.value === from && item.range) ranges.push([item.range[0], item.range[1]]);
  if (ranges.length === 0) return undefined;
  let out = text;
  for (const [start, end] of ranges.reverse()) {
    const quote = /^["']/.test(out.slice(start, end)) ? out[start] : "";
    out = `${out.slice(0, start)}${quote}${to}${quote}${out.slice(end)}`;
  }
  return out;
}

export interface PlanOptions {
  cwd: string;
  env: string;
  snapshot: Snapshot;
  /** The environment's build (without validation) when the caller has it already. @default built here */
  build?: EnvironmentBuild;
  /** When the fix was found, for the recorded reasoning. @default now */
  now?: string;
}

function unfixable(d: Diagnosis, why: string, source?: IntentSource): FixPlan {
  return {
    fingerprint: d.fingerprint,
    analyzer: d.analyzer,
    status: "unfixable",
    why,
    ...(source ? { source } : {}),
    ops: [],
    diff: "",
    writes: new Map(),
    verification: [],
  };
}

/** Plan the fix of every diagnosis about an object the project builds. */
export async function planFixes(
  project: Project,
  diagnoses: readonly Diagnosis[],
  options: PlanOptions,
): Promise<FixPlan[]> {
  const build = options.build ?? project.build(options.env, { validate: false });
  const out: FixPlan[] = [];
  for (const d of diagnoses) {
    const built = builtObjectFor(build, d);
    if (!built) continue;
    out.push(await planOne(project, build, built, d, options));
  }
  return out;
}

async function planOne(
  project: Project,
  build: EnvironmentBuild,
  built: KObject,
  d: Diagnosis,
  options: PlanOptions,
): Promise<FixPlan> {
  const source = traceSource(build, d);
  const appBuild = build.apps.find((a) => a.result.objects.includes(built));
  const app = appBuild?.app;
  const target = project.intent?.apps.find((a) => a.value.metadata.name === app?.name);
  if (!app || !target) return unfixable(d, "the object is not built from an App of this intent", source);
  if (target.format === "score") return unfixable(d, "the app is a Score workload: edit it directly", source);
  const env = project.environments.length > 1 ? options.env : undefined;
  const envField = env ? { env } : {};
  const canary = app.rollout.value.weighted !== undefined && built.metadata.name === `${app.name}-canary`;
  const file = resolve(project.dir, target.source.file);
  const ops: IntentOp[] = [];
  const checks: ((after: EnvironmentBuild) => Verification)[] = [];
  let configEdit: { file: string; text: string } | undefined;
  const when = (options.now ?? new Date().toISOString()).slice(0, 10);
  const afterObject = (after: EnvironmentBuild) =>
    after.objects.find((o) => objectKey(o) === objectKey(built));

  if (d.analyzer === "oom-killed") {
    const limit =
      typeof d.facts.memoryLimit === "string" ? d.facts.memoryLimit : memoryOf(built, d.container);
    const next = limit ? nextMemory(limit) : undefined;
    if (!limit || !next) return unfixable(d, "the container has no memory limit to raise", source);
    const restarts = typeof d.facts.restarts === "number" ? d.facts.restarts : 0;
    ops.push({ op: "resources", limits: { memory: next }, ...envField });
    ops.push({
      op: "why",
      key: "resources",
      text: `${d.object.kind === "Pod" ? `${d.owner?.name ?? d.object.name}` : d.object.name} was OOMKilled (exit code 137) at its ${limit} memory limit${restarts > 0 ? `, ${restarts} restart(s)` : ""} in ${options.env} (kintent diagnose, ${when}): the limit is doubled to ${next}. Lower it again once the memory use is measured.`,
    });
    checks.push((after) => {
      const m = afterObject(after) ? memoryOf(afterObject(after) as KObject, d.container) : undefined;
      const qa = m ? parseQuantity(m) : undefined;
      const qb = parseQuantity(limit);
      const passed = Boolean(qa && qb && quantityToNumber(qa) > quantityToNumber(qb));
      return {
        check: "oom-killed (static): the built memory limit is above the one that was hit",
        passed,
        detail: `limits.memory ${limit} → ${m ?? "unset"}${qa ? ` (${formatQuantity(qa)})` : ""}`,
      };
    });
  } else if (d.analyzer === "image-pull" && d.variant === "not-found") {
    const failing = typeof d.facts.image === "string" ? d.facts.image : "";
    const read = (text: string): string | undefined => {
      const doc = parseDocument(text);
      const js = doc.toJS() as {
        spec?: {
          image?: string;
          rollout?: { canary?: { image?: string } };
          environments?: Record<string, { image?: string; rollout?: { canary?: { image?: string } } }>;
        };
      } | null;
      if (canary)
        return (
          (env ? js?.spec?.environments?.[env]?.rollout?.canary?.image : undefined) ??
          js?.spec?.rollout?.canary?.image
        );
      return (env ? js?.spec?.environments?.[env]?.image : undefined) ?? js?.spec?.image;
    };
    const currentIntent = read(readFileSync(file, "utf8"));
    const prev = previousImage(file, currentIntent ?? failing, read);
    if (!prev)
      return unfixable(
        d,
        `the image ${failing} does not exist and the intent's Git history has no earlier image to go back to`,
        source,
      );
    const tag = splitImage(prev.image).tag;
    const sameRepo = splitImage(prev.image).repository === splitImage(currentIntent ?? failing).repository;
    const imageOp = sameRepo && tag ? { tag } : { image: prev.image };
    ops.push({ op: canary ? "canary-image" : "image", ...imageOp, ...envField });
    ops.push({
      op: "why",
      key: "image",
      text: `${failing} does not exist in the registry (${(d.owner ?? d.object).kind} ${(d.owner ?? d.object).name}: ${String(
        typeof d.facts.error === "string" ? d.facts.error : "not found",
      )
        .split(": ")
        .slice(-2)
        .join(
          ": ",
        )}; kintent diagnose, ${when}): back to ${prev.image}, the image of ${prev.commit.slice(0, 12)}.`,
    });
    checks.push((after) => {
      const img = afterObject(after) ? imageOf(afterObject(after) as KObject, d.container) : undefined;
      return {
        check: "image-pull (static): the built image is not the one that failed to pull",
        passed: img !== undefined && img !== failing,
        detail: `${failing} → ${img ?? "none"}`,
      };
    });
  } else if (
    (d.analyzer === "failed-mount" || d.analyzer === "create-container-config") &&
    d.didYouMean?.candidate &&
    d.didYouMean.key === undefined &&
    (d.didYouMean.kind === "ConfigMap" || d.didYouMean.kind === "Secret")
  ) {
    const { kind, missing, candidate } = d.didYouMean;
    ops.push({
      op: "ref",
      kind: kind === "ConfigMap" ? "configMap" : "secret",
      from: missing,
      to: candidate,
    });
    ops.push({
      op: "why",
      key: "references",
      text: `${kind} ${missing} does not exist in ${d.object.namespace ?? "the namespace"} (${(d.owner ?? d.object).kind} ${(d.owner ?? d.object).name}: ${d.analyzer}; kintent diagnose, ${when}); ${candidate} does.`,
    });
    const cfg = project.validation.configFile;
    if (cfg) {
      const renamed = renameExternal(
        readFileSync(cfg, "utf8"),
        kind === "ConfigMap" ? "configMaps" : "secrets",
        missing,
        candidate,
      );
      if (renamed) configEdit = { file: cfg, text: renamed };
    }
    checks.push((after) => {
      const o = afterObject(after);
      const names = o ? referencedNames(o, kind) : new Set<string>();
      const live = options.snapshot.find(kind, d.object.namespace, candidate) !== undefined;
      return {
        check: `${d.analyzer} (static): the built workload references ${kind} ${candidate}, which exists in the cluster, and no longer ${missing}`,
        passed: !names.has(missing) && names.has(candidate) && live,
        detail: `references: ${[...names].sort().join(", ") || "none"}; ${candidate} ${live ? "exists" : "does not exist"} live`,
      };
    });
  } else {
    const why =
      d.analyzer === "unschedulable" && d.variant === "node-selector"
        ? `the node selector comes from ${source?.from === "platform" ? "the platform" : "the intent"}${source?.loc ? ` (${source.loc.file}:${source.loc.line})` : ""}: label nodes to match, or change the platform's nodeSelector/nodeAffinity — a decision for the platform team, not an App operation`
        : "kintent has no intent operation that removes this cause; the evidence and the remediation say what to do";
    return unfixable(d, why, source);
  }

  // Diffs are relative to the intent directory, like every path kintent writes.
  const rel = relative(project.dir, file) || file;
  const original = readFileSync(file, "utf8");
  const edit = editIntentText(
    original,
    rel,
    ops,
    {
      environments: [...project.environments],
      engine: project.platform?.value.spec.progressiveDelivery ?? "none",
    },
    target.source.index,
  );
  if (edit.errors.length > 0)
    return { ...unfixable(d, edit.errors.map((e) => e.message).join("; "), source), status: "invalid", ops };
  const writes = new Map([[file, edit.text]]);
  let diff = edit.diff;
  let base = project;
  let tmp: string | undefined;
  if (configEdit) {
    writes.set(configEdit.file, configEdit.text);
    diff += configDiff(project.dir, configEdit.file, readFileSync(configEdit.file, "utf8"), configEdit.text);
    // The validator reads the configuration once per project: preview with the edited one, beside the original
    // so its relative paths resolve the same; removed right after.
    tmp = join(dirname(configEdit.file), `.kintent.fix-${process.pid}.yaml`);
    writeFileSync(tmp, configEdit.text);
  }
  try {
    if (tmp)
      base = await openProject(project.dir, {
        cwd: options.cwd,
        configFile: tmp,
        ...(project.only ? { app: project.only } : {}),
      });
    const preview = previewChange(base, new Map([[file, edit.text]]), { envs: [options.env] });
    if (preview.intentErrors.length > 0 || preview.envs.some((e) => e.errors.length > 0))
      return {
        fingerprint: d.fingerprint,
        analyzer: d.analyzer,
        status: "invalid",
        why: "the fixed intent does not validate",
        ...(source ? { source } : {}),
        ops,
        diff,
        writes,
        preview,
        verification: [],
      };
    const after = base.withOverlay(new Map([[file, edit.text]])).build(options.env, { validate: false });
    const verification = checks.map((c) => c(after));
    const cleared = verification.every((v) => v.passed);
    return {
      fingerprint: d.fingerprint,
      analyzer: d.analyzer,
      status: cleared ? "ready" : "not-cleared",
      why: cleared
        ? "compiles, validates, and the static counterpart no longer sees the cause"
        : "the static counterpart still sees the cause",
      ...(source ? { source } : {}),
      ops,
      diff,
      writes,
      preview,
      verification,
    };
  } finally {
    if (tmp) rmSync(tmp, { force: true });
  }
}

function configDiff(dir: string, file: string, before: string, after: string): string {
  return unifiedDiff(before, after, relative(dir, file) || file);
}

/**
 * The rollback of the App that builds a failing workload: its file as of the last commit that differs from
 * the working copy (the revision deployed before the failing one), previewed through the engine like a fix.
 * The agent cannot know how healthy older revisions were, so it goes back exactly one revision.
 */
export function planRollback(project: Project, d: Diagnosis, options: PlanOptions): FixPlan {
  const build = project.build(options.env, { validate: false });
  const built = builtObjectFor(build, d);
  const source = built ? traceSource(build, d) : undefined;
  const app = build.apps.find((a) => built && a.result.objects.includes(built))?.app;
  const target = project.intent?.apps.find((a) => a.value.metadata.name === app?.name);
  if (!built || !target) return unfixable(d, "the object is not built from an App of this intent", source);
  const file = resolve(project.dir, target.source.file);
  const current = readFileSync(file, "utf8");
  const prev = previousRevision(file, current);
  if (!prev) return unfixable(d, "the App file has no earlier revision in Git to roll back to", source);
  const writes = new Map([[file, prev.text]]);
  const diff = unifiedDiff(current, prev.text, relative(project.dir, file) || file);
  const preview = previewChange(project, writes, { envs: [options.env] });
  const valid = preview.intentErrors.length === 0 && preview.envs.every((e) => e.errors.length === 0);
  const changes = preview.envs
    .flatMap((e) => e.changes)
    .filter((c) => objectKey(c.object) === objectKey(built));
  const verification: Verification[] = [
    {
      check: `rollback: the revision of ${prev.commit.slice(0, 12)} changes ${built.kind} ${built.metadata.name}`,
      passed: changes.length > 0,
      detail: changes.flatMap((c) => c.fields.map((f) => f.path)).join(", ") || "no change",
    },
  ];
  return {
    fingerprint: d.fingerprint,
    analyzer: d.analyzer,
    status: !valid ? "invalid" : verification.every((v) => v.passed) ? "ready" : "not-cleared",
    why: valid
      ? `roll ${target.source.file} back to ${prev.commit.slice(0, 12)}`
      : "the previous revision does not validate",
    ...(source ? { source } : {}),
    ops: [],
    diff,
    writes,
    preview,
    verification,
  };
}

/** The App file as of the newest commit whose content differs from `current`. */
function previousRevision(file: string, current: string): { text: string; commit: string } | undefined {
  return gitRevisions(file).find((r) => r.text !== current);
}

/** Without an intent: the strategic-merge patch of the live workload that would fix it (shown, never applied). */
export function manifestPatch(d: Diagnosis): { object: ObjectRef; patch: unknown } | undefined {
  const target = d.owner ?? d.object;
  if (d.analyzer === "oom-killed" && typeof d.facts.memoryLimit === "string" && d.container) {
    const next = nextMemory(d.facts.memoryLimit);
    if (!next) return undefined;
    return {
      object: target,
      patch: {
        spec: {
          template: {
            spec: { containers: [{ name: d.container, resources: { limits: { memory: next } } }] },
          },
        },
      },
    };
  }
  if (
    (d.analyzer === "failed-mount" || d.analyzer === "create-container-config") &&
    d.didYouMean?.candidate &&
    d.didYouMean.key === undefined &&
    typeof d.facts.volume === "string"
  ) {
    const vol = d.facts.volume;
    const source =
      d.didYouMean.kind === "ConfigMap"
        ? { configMap: { name: d.didYouMean.candidate } }
        : { secret: { secretName: d.didYouMean.candidate } };
    return {
      object: target,
      patch: { spec: { template: { spec: { volumes: [{ name: vol, ...source }] } } } },
    };
  }
  return undefined;
}
