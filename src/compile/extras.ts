/**
 * Extra manifests (`extra/**` of an intent directory) joining their owner's compiled objects for one
 * environment: the app's namespace when they have none, the app's organisation labels under their own, a
 * decision carrying their reason. Pure.
 */
import type { KObject } from "../core/object.js";
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
): PlacedExtras {
  const errors: Finding[] = [];
  const sources = new Map<KObject, SourceDocument>();
  const added = new Map<number, KObject[]>();
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
    const i = apps.findIndex((a) => a.name === owner);
    const app = apps[i];
    if (!app) continue; // building another app (--app)
    const kind = String(extra.object.kind);
    const copy = structuredClone(extra.object) as KObject;
    const md = copy.metadata;
    if (!isClusterScoped(copy.apiVersion, kind) && md.namespace === undefined)
      md.namespace = app.environment.namespace;
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
    sources.set(object, extra.source);
    const list = added.get(i) ?? [];
    list.push(object);
    added.set(i, list);
    const result = results[i];
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
        why: `extra manifest (${extra.source.file})${why ? `: ${why}` : ""}`,
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
  return { errors, sources };
}
