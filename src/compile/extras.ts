/**
 * Extra manifests (`extra/**` of an intent directory) joining their owner's compiled objects for one
 * environment: the app's namespace when they have none, the app's organisation labels under their own, a
 * decision carrying their reason. Pure.
 */
import type { KObject } from "../core/object.js";
import { describeObject, objectKey, refOf } from "../core/object.js";
import type { Finding } from "../core/finding.js";
import type { SourceDocument } from "../core/yaml-source.js";
import { isClusterScoped } from "../core/k8s-resources.js";
import type { ExtraManifest } from "../intent/load.js";
import type { ResolvedApp } from "../intent/types.js";
import { LABELS } from "../intent/defaults.js";
import { sortKeys } from "../intent/resolve.js";
import { canonicalize, sortObjects } from "./order.js";
import type { CompileResult, Decision } from "./types.js";

/** Annotation carrying an extra object's reason (`kintent explain`, `--explain`). */
export const WHY_ANNOTATION = "kintent.dev/why";
/**
 * Annotation placing an extra only in some environments: `"prod"` or `"staging,prod"`. Removed from the placed
 * object (it says where the object goes, not what it is).
 */
export const ENVIRONMENTS_ANNOTATION = "kintent.dev/environments";
/**
 * Annotation `"true"`: the extra replaces the object of the same identity the intent generates (a workload or
 * Service the intent cannot express exactly, e.g. one carried by `kintent import --exact`). Without it, a
 * shared identity is an error. Removed from the placed object; the build records the replacement.
 */
export const REPLACE_ANNOTATION = "kintent.dev/replace";

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "Rollout"]);

/** The environments an extra is placed in (undefined: every one), from its annotation. */
export function extraEnvironments(o: Record<string, unknown>): string[] | undefined {
  const md = o.metadata;
  const a = isRecord(md) && isRecord(md.annotations) ? md.annotations[ENVIRONMENTS_ANNOTATION] : undefined;
  if (typeof a !== "string") return undefined;
  return a
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function labelsOf(o: Record<string, unknown>): Record<string, string> {
  const md = o.metadata;
  const l = isRecord(md) && isRecord(md.labels) ? md.labels : {};
  return Object.fromEntries(Object.entries(l).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** The app an extra object belongs to (its `app.kubernetes.io/part-of` label). */
export function ownerOf(o: Record<string, unknown>): string | undefined {
  return labelsOf(o)[LABELS.partOf];
}

export interface PlacedExtras {
  errors: Finding[];
  /** Notes on the placement (a workload the intent's pod fields no longer reach). */
  warnings: Finding[];
  /** Source documents of the placed objects, for file:line positions in findings. */
  sources: Map<KObject, SourceDocument>;
}

/**
 * Add each extra manifest to its owner's compile result (for the environment being built): the app's
 * namespace when it has none, the app's organisation labels under its own, a decision carrying its
 * reason. With a single app, unlabelled extras belong to it. Mutates `results`.
 */
export function placeExtras(
  extras: readonly ExtraManifest[],
  apps: readonly ResolvedApp[],
  results: CompileResult[],
  allAppNames: readonly string[],
  /** Every environment of the platform, to refuse a `kintent.dev/environments` naming another. */
  environments?: readonly string[],
): PlacedExtras {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const sources = new Map<KObject, SourceDocument>();
  const added = new Map<number, KObject[]>();
  const taken = new Map<string, string>();
  // How many generated objects have each identity (an extra may not shadow one unless it replaces it).
  const generatedKeys = new Map<string, number>();
  for (const r of results)
    for (const o of r.objects) {
      const k = objectKey(o);
      generatedKeys.set(k, (generatedKeys.get(k) ?? 0) + 1);
    }
  for (const extra of extras) {
    const owner = ownerOf(extra.object) ?? (allAppNames.length === 1 ? allAppNames[0] : undefined);
    const md0 = extra.object.metadata;
    const name = isRecord(md0) && typeof md0.name === "string" ? md0.name : "";
    if (owner === undefined || !allAppNames.includes(owner)) {
      errors.push({
        checkId: "intent",
        messageId: "extra-owner",
        severity: "error",
        message:
          owner === undefined
            ? `${String(extra.object.kind)} ${name}: extra manifests in a directory with several apps need the label ${LABELS.partOf}: <app>`
            : `${String(extra.object.kind)} ${name}: ${LABELS.partOf}: ${owner} is not an app of this directory (${allAppNames.join(", ")})`,
        loc: extra.source.start(),
      });
      continue;
    }
    const only = extraEnvironments(extra.object);
    if (only !== undefined) {
      const unknown = environments ? only.filter((x) => !environments.includes(x)) : [];
      if (only.length === 0 || unknown.length > 0) {
        errors.push({
          checkId: "intent",
          messageId: "extra-environments",
          severity: "error",
          message:
            only.length === 0
              ? `${String(extra.object.kind)} ${name}: ${ENVIRONMENTS_ANNOTATION} names no environment`
              : `${String(extra.object.kind)} ${name}: ${ENVIRONMENTS_ANNOTATION} names ${unknown.join(", ")}, not an environment of the platform (${(environments ?? []).join(", ")})`,
          path: `/metadata/annotations/${ENVIRONMENTS_ANNOTATION.replace("/", "~1")}`,
          loc: extra.source.locate(`/metadata/annotations/${ENVIRONMENTS_ANNOTATION.replace("/", "~1")}`),
        });
        continue;
      }
    }
    const i = apps.findIndex((a) => a.name === owner);
    const app = apps[i];
    if (!app) continue; // building another app (--app)
    if (only !== undefined && !only.includes(app.environment.name)) continue;
    const kind = String(extra.object.kind);
    // Placing changes only the top level and metadata (namespace, labels, annotations are replaced, never
    // edited in place), so the rest is shared with the parsed manifest instead of deep-copied per environment
    // (test/project/extras-shared.test.ts: nothing downstream writes into it).
    const copy = { ...extra.object, metadata: { ...(extra.object.metadata as object) } } as KObject;
    const md = copy.metadata;
    const replace = md.annotations?.[REPLACE_ANNOTATION];
    if (md.annotations) {
      const rest = Object.fromEntries(
        Object.entries(md.annotations).filter(
          ([k]) => k !== REPLACE_ANNOTATION && k !== ENVIRONMENTS_ANNOTATION,
        ),
      );
      if (Object.keys(rest).length > 0) md.annotations = rest;
      else delete md.annotations;
    }
    if (!isClusterScoped(copy.apiVersion, kind) && md.namespace === undefined)
      md.namespace = app.environment.namespace;
    // The app's organisation labels, never its version: an extra runs its own software (a Redis, an
    // EventSource), so the app's image tag would misname it.
    md.labels = sortKeys({
      ...app.labels,
      ...(md.labels ?? {}),
      [LABELS.partOf]: app.name,
      [LABELS.managedBy]: "kintent",
      [LABELS.environment]: app.environment.name,
    });
    if (Object.keys(app.annotations).length > 0)
      md.annotations = sortKeys({ ...app.annotations, ...(md.annotations ?? {}) });
    const object = canonicalize(copy);
    // One identity, one object: an extra may not shadow what the intent generates, or another extra.
    const key = objectKey(object);
    const generated = (generatedKeys.get(key) ?? 0) > 0;
    const earlier = taken.get(key);
    const replacePointer = `/metadata/annotations/${REPLACE_ANNOTATION.replace("/", "~1")}`;
    if (replace !== undefined && replace !== "true") {
      errors.push({
        checkId: "intent",
        messageId: "extra-replace",
        severity: "error",
        message: `${describeObject(refOf(object))}: ${REPLACE_ANNOTATION} must be "true"`,
        path: replacePointer,
        loc: extra.source.locate(replacePointer),
      });
      continue;
    }
    const result = results[i];
    if (replace === "true" && !earlier) {
      const own = result?.objects.findIndex((o) => objectKey(o) === key) ?? -1;
      if (!result || own < 0) {
        errors.push({
          checkId: "intent",
          messageId: "extra-replace",
          severity: "error",
          message: `${describeObject(refOf(object))} has ${REPLACE_ANNOTATION} but the intent of ${app.name} generates no such object in ${app.environment.name}: remove the annotation (or the file)`,
          path: replacePointer,
          loc: extra.source.locate(replacePointer),
        });
        continue;
      }
      result.objects.splice(own, 1);
      generatedKeys.set(key, (generatedKeys.get(key) ?? 1) - 1);
      result.decisions = result.decisions.filter((d) => objectKey(d.object) !== key);
      result.replaced = [...(result.replaced ?? []), key].sort();
      if (WORKLOAD_KINDS.has(kind))
        warnings.push({
          checkId: "intent",
          messageId: "extra-replaces-workload",
          severity: "warning",
          message: `${describeObject(refOf(object))} comes from ${extra.source.file}, which replaces the one ${app.name}'s intent generates: the intent's pod fields (image, env, ports, probes, resources, security) do not reach it — change that file, or remove it to let the intent generate the ${kind}`,
          loc: extra.source.start(),
        });
    } else if (generated || earlier) {
      errors.push({
        checkId: "intent",
        messageId: "extra-duplicate",
        severity: "error",
        message: `${describeObject(refOf(object))} is ${generated ? `generated by the intent of ${app.name}` : `already defined in ${earlier}`}: give the extra manifest another name${generated ? " (or change the intent instead of adding a copy)" : ""}`,
        path: "/metadata/name",
        loc: extra.source.locate("/metadata/name"),
      });
      continue;
    }
    taken.set(key, `${extra.source.file}`);
    sources.set(object, extra.source);
    const list = added.get(i) ?? [];
    list.push(object);
    added.set(i, list);
    if (result) {
      const why = md.annotations?.[WHY_ANNOTATION];
      const decision: Decision = {
        object: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: object.metadata.name,
          ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
        },
        path: "",
        why: `${replace === "true" ? "replaces the generated object: " : ""}extra manifest (${extra.source.file})${why ? `: ${why}` : ""}`,
        from: "app",
        loc: extra.source.start(),
      };
      result.decisions.push(decision);
    }
  }
  for (const [i, objects] of added) {
    const result = results[i];
    if (result) result.objects = sortObjects([...result.objects, ...objects]);
  }
  return { errors, warnings, sources };
}
