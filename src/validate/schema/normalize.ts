/**
 * Normalizing OpenAPI v3 schemas (the API server's, or a CRD's openAPIV3Schema) to the JSON Schema subset the
 * validator reads: kept keywords only, `$ref`s to `#/definitions/<name>`, IntOrString marked, and objects closed
 * (`additionalProperties: false`) the way strict field validation rejects unknown fields. Used by
 * scripts/gen-schemas.ts (the bundled schemas) and by `--schemas` (the user's CRDs).
 */

/** A JSON Schema object (OpenAPI v3 flavour on input, the normalized subset on output). */
export type Schema = { [key: string]: unknown };

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
export const BUNDLE_REF = "#/definitions/";

export function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first sentence of a description, whitespace collapsed. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const match = /^(.+?[.!?])(?=\s|$)/.exec(flat);
  return match?.[1] ?? flat;
}

export interface NormalizeContext {
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
