/**
 * Turns the API server's OpenAPI v3 documents into the offline JSON Schema bundle kintent ships
 * (schemas/kubernetes-<version>/): pure data in, data out, so it is unit-tested without a server.
 *
 * Bundle layout:
 *   index.json            { kubernetesVersion, generatedBy, kinds: { "<apiVersion>/<Kind>": { file, ref, namespaced, crd } } }
 *   <group>_<version>.json { definitions: { "<definition name>": <schema> } }, self-contained per group-version
 *   <group>_<version>_<Kind>.json  the same, per kind, for group-versions larger than SPLIT_BYTES (argoproj.io's
 *                          CRDs are 1.4 MB together): validating one Rollout then reads 185 KB, not every CRD of
 *                          the group — the first validation of a cold `kintent cmp generate` (bench/README).
 */

import { BUNDLE_REF, isSchema, normalizeSchema } from "../src/validate/schema/normalize.js";
import type { NormalizeContext, Schema } from "../src/validate/schema/normalize.js";

export type { Schema } from "../src/validate/schema/normalize.js";
export { firstSentence, normalizeSchema } from "../src/validate/schema/normalize.js";

/** One served group-version: its OpenAPI v3 document and its resources from discovery. */
export interface GroupVersionInput {
  /** "" for the core group. */
  group: string;
  version: string;
  /** `components.schemas` of /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>. */
  schemas: Record<string, Schema>;
  /** Top-level resources (no subresources) from discovery. */
  resources: readonly { kind: string; namespaced: boolean }[];
  /** True when a CustomResourceDefinition serves this group-version. */
  crd: boolean;
}

export interface KindEntry {
  file: string;
  ref: string;
  namespaced: boolean;
  crd: boolean;
}

export interface BundleIndex {
  kubernetesVersion: string;
  generatedBy: string;
  kinds: Record<string, KindEntry>;
}

export interface BundleOptions {
  kubernetesVersion: string;
  generatedBy: string;
  /**
   * "first-sentence" keeps the first sentence of every description (about a third of the size of full
   * descriptions); "none" drops them.
   * @default "first-sentence"
   */
  descriptions?: "first-sentence" | "none";
}

/** Adds the definition names a normalized schema refers to; walks schema positions only (not enum/default data). */
function collectRefs(schema: Schema, into: Set<string>): void {
  const visit = (value: unknown): void => {
    if (isSchema(value)) collectRefs(value, into);
  };
  if (typeof schema.$ref === "string") into.add(schema.$ref.slice(BUNDLE_REF.length));
  if (isSchema(schema.properties)) Object.values(schema.properties).forEach(visit);
  visit(schema.items);
  visit(schema.additionalProperties);
  visit(schema.not);
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) branches.forEach(visit);
  }
}

/** Recursively sorts object keys so output is byte-for-byte reproducible. Arrays keep their order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isSchema(value)) {
    const out: Schema = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

/** `apps_v1.json`, `core_v1.json`, `argoproj.io_v1alpha1.json`. */
export function groupVersionFile(group: string, version: string): string {
  return `${group === "" ? "core" : group}_${version}.json`;
}

/** `apps/v1`, `v1`. */
export function apiVersionOf(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

function gvkMatches(schema: Schema, group: string, version: string, kind: string): boolean {
  const gvks = schema["x-kubernetes-group-version-kind"];
  return (
    Array.isArray(gvks) &&
    gvks.some((g) => isSchema(g) && g.group === group && g.version === version && g.kind === kind)
  );
}

/** Builds the bundle: file name → JSON value (index.json included), every object key sorted. */
/** Group-versions whose definitions exceed this (as JSON) are written one file per kind. */
export const SPLIT_BYTES = 256 * 1024;

export function buildSchemaBundle(
  inputs: readonly GroupVersionInput[],
  options: BundleOptions,
): Map<string, unknown> {
  const ctx: NormalizeContext = { descriptions: options.descriptions ?? "first-sentence", inJunction: false };
  const kinds: Record<string, KindEntry> = {};
  const files = new Map<string, unknown>();

  for (const gv of [...inputs].sort((a, b) =>
    groupVersionFile(a.group, a.version).localeCompare(groupVersionFile(b.group, b.version)),
  )) {
    const file = groupVersionFile(gv.group, gv.version);
    const roots: string[] = [];
    const rootKeys: [string, string][] = [];
    for (const resource of gv.resources) {
      const ref = Object.keys(gv.schemas)
        .sort()
        .find((name) => {
          const schema = gv.schemas[name];
          return schema !== undefined && gvkMatches(schema, gv.group, gv.version, resource.kind);
        });
      if (ref === undefined) continue; // served without a published schema (rare; nothing to validate against)
      kinds[`${apiVersionOf(gv.group, gv.version)}/${resource.kind}`] = {
        file,
        ref,
        namespaced: resource.namespaced,
        crd: gv.crd,
      };
      roots.push(ref);
      rootKeys.push([`${apiVersionOf(gv.group, gv.version)}/${resource.kind}`, ref]);
    }
    if (roots.length === 0) continue;

    const definitions: Record<string, Schema> = {};
    const queue = [...roots];
    while (queue.length > 0) {
      const name = queue.pop();
      if (name === undefined || definitions[name] !== undefined) continue;
      const source = gv.schemas[name];
      if (source === undefined) throw new Error(`${file}: $ref to missing definition ${name}`);
      const normalized = normalizeSchema(source, ctx);
      definitions[name] = normalized;
      const refs = new Set<string>();
      collectRefs(normalized, refs);
      for (const r of refs) if (definitions[r] === undefined) queue.push(r);
    }
    for (const [name, schema] of Object.entries(definitions)) {
      const refs = new Set<string>();
      collectRefs(schema, refs);
      for (const r of refs)
        if (definitions[r] === undefined) throw new Error(`${file}: ${name} refers to missing ${r}`);
    }
    const whole = sortKeys({ definitions });
    if (roots.length > 1 && JSON.stringify(whole).length > SPLIT_BYTES) {
      // One file per kind: its root and every definition it reaches.
      for (const [key, root] of rootKeys) {
        const own: Record<string, Schema> = {};
        const todo = [root];
        while (todo.length > 0) {
          const name = todo.pop() as string;
          if (own[name] !== undefined) continue;
          own[name] = definitions[name] as Schema;
          const refs = new Set<string>();
          collectRefs(own[name], refs);
          todo.push(...refs);
        }
        const kindFile = `${file.replace(/\.json$/, "")}_${key.slice(key.lastIndexOf("/") + 1)}.json`;
        (kinds[key] as KindEntry).file = kindFile;
        files.set(kindFile, sortKeys({ definitions: own }));
      }
    } else files.set(file, whole);
  }

  const index: BundleIndex = {
    kubernetesVersion: options.kubernetesVersion,
    generatedBy: options.generatedBy,
    kinds,
  };
  files.set("index.json", sortKeys(index));
  return files;
}
