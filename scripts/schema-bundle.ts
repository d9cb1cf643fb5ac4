/**
 * Turns the API server's OpenAPI v3 documents into the offline JSON Schema bundle kintent ships
 * (schemas/kubernetes-<version>/): pure data in, data out, so it is unit-tested without a server.
 *
 * Bundle layout:
 *   index.json            { kubernetesVersion, generatedBy, kinds: { "<apiVersion>/<Kind>": { file, ref, namespaced, crd } } }
 *   <group>_<version>.json { definitions: { "<definition name>": <schema> } }, self-contained per group-version
 */

/** A JSON Schema object (OpenAPI v3 flavour on input, the normalized subset on output). */
export type Schema = { [key: string]: unknown };

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

/** The keywords kept; everything else (x-kubernetes-patch-*, map-type, unions, discriminator, …) is dropped. */
const KEPT = new Set([
  "$ref",
  "type",
  "properties",
  "required",
  "items",
  "additionalProperties",
  "enum",
  "format",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "oneOf",
  "anyOf",
  "allOf",
  "not",
  "nullable",
  "default",
  "description",
  "x-kubernetes-int-or-string",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-validations",
  "x-kubernetes-group-version-kind",
]);

const OPENAPI_REF = "#/components/schemas/";
const BUNDLE_REF = "#/definitions/";

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first sentence of a description, whitespace collapsed. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const match = /^(.+?[.!?])(?=\s|$)/.exec(flat);
  return match?.[1] ?? flat;
}

interface NormalizeContext {
  descriptions: "first-sentence" | "none";
  /** Inside allOf/anyOf/oneOf/not: a branch only adds constraints, so it must not close the object. */
  inJunction: boolean;
}

/**
 * Normalizes one OpenAPI v3 schema to the bundle's JSON Schema subset:
 * - `$ref`s point to `#/definitions/<name>`; `allOf: [{$ref}]` wrappers (with only default/description
 *   beside them) become plain `{$ref}`;
 * - IntOrString (`format: int-or-string`) is marked `x-kubernetes-int-or-string: true`;
 * - every object schema with `properties` that neither preserves unknown fields nor has its own
 *   `additionalProperties` gets `additionalProperties: false` — the server's strict field validation
 *   rejects unknown fields there (not inside allOf/anyOf/oneOf/not branches, which only add constraints);
 * - descriptions are shortened to their first sentence (or dropped).
 */
export function normalizeSchema(schema: Schema, ctx: NormalizeContext): Schema {
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isSchema(allOf[0]) && typeof allOf[0].$ref === "string") {
    const others = Object.keys(schema).filter((k) => k !== "allOf" && k !== "default" && k !== "description");
    if (others.length === 0) return { $ref: rewriteRef(allOf[0].$ref) };
  }

  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEPT.has(key)) continue;
    switch (key) {
      case "$ref":
        out.$ref = rewriteRef(String(value));
        break;
      case "description":
        if (ctx.descriptions === "first-sentence" && typeof value === "string" && value.trim() !== "") {
          out.description = firstSentence(value);
        }
        break;
      case "properties":
        if (isSchema(value)) {
          const props: Schema = {};
          for (const [name, prop] of Object.entries(value)) {
            props[name] = isSchema(prop) ? normalizeSchema(prop, { ...ctx, inJunction: false }) : prop;
          }
          out.properties = props;
        }
        break;
      case "items":
      case "additionalProperties":
        out[key] = isSchema(value) ? normalizeSchema(value, { ...ctx, inJunction: false }) : value;
        break;
      case "not":
        out.not = isSchema(value) ? normalizeSchema(value, { ...ctx, inJunction: true }) : value;
        break;
      case "allOf":
      case "anyOf":
      case "oneOf":
        out[key] = Array.isArray(value)
          ? (value as unknown[]).map((v) =>
              isSchema(v) ? normalizeSchema(v, { ...ctx, inJunction: true }) : v,
            )
          : value;
        break;
      default:
        out[key] = value;
    }
  }
  if (schema.format === "int-or-string") out["x-kubernetes-int-or-string"] = true;
  if (
    !ctx.inJunction &&
    isSchema(out.properties) &&
    out.additionalProperties === undefined &&
    out["x-kubernetes-preserve-unknown-fields"] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

function rewriteRef(ref: string): string {
  if (!ref.startsWith(OPENAPI_REF)) throw new Error(`unsupported $ref ${ref}`);
  return BUNDLE_REF + ref.slice(OPENAPI_REF.length);
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
    files.set(file, sortKeys({ definitions }));
  }

  const index: BundleIndex = {
    kubernetesVersion: options.kubernetesVersion,
    generatedBy: options.generatedBy,
    kinds,
  };
  files.set("index.json", sortKeys(index));
  return files;
}
