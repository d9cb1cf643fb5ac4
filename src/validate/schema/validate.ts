/**
 * Strict schema validation of one object against the offline schemas: wrong types, missing required
 * fields, unknown (misspelt) fields with did-you-mean, enum values, bad quantities, name and label syntax.
 * Semantics follow the API server with fieldValidation=Strict.
 */
import type { Schema, SchemaEntry } from "./registry.js";
import { didYouMean } from "../../core/suggest.js";
import { escapeSegment } from "../../core/json-pointer.js";
import { isQuantity, quantityHint } from "../../core/quantity.js";

export interface SchemaError {
  messageId:
    | "type"
    | "required"
    | "unknown-field"
    | "enum"
    | "quantity"
    | "pattern"
    | "range"
    | "one-of"
    | "name"
    | "label"
    | "format";
  message: string;
  path: string;
}

const isObj = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

function typeName(v: unknown): string {
  if (isObj(v)) return "an object";
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function show(v: unknown): string {
  if (isObj(v) || Array.isArray(v)) return "";
  const s = typeof v === "string" ? JSON.stringify(v) : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function got(v: unknown): string {
  const s = show(v);
  return s ? `${typeName(v)} ${s}` : typeName(v);
}

function field(path: string): string {
  return path === ""
    ? "(object)"
    : path
        .slice(1)
        .split("/")
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .join(".");
}

const QUANTITY_REFS = new Set(["io.k8s.apimachinery.pkg.api.resource.Quantity"]);
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** Kinds whose names must be DNS-1123 labels (not subdomains). */
const LABEL_NAMED = new Set(["Service", "Namespace"]);

class Validator {
  readonly errors: SchemaError[] = [];
  constructor(
    private readonly entry: SchemaEntry,
    /** Paths whose values are never shown (a Secret's data): messages name the type only. */
    private readonly hidden: (path: string) => boolean = () => false,
  ) {}

  private show(v: unknown, path: string): string {
    return this.hidden(path) ? "(a Secret value, not shown)" : show(v);
  }

  private got(v: unknown, path: string): string {
    return this.hidden(path) ? typeName(v) : got(v);
  }

  private resolve(s: Schema): { schema: Schema; ref?: string } {
    let cur = s;
    let ref: string | undefined;
    for (let i = 0; i < 32 && typeof cur.$ref === "string"; i++) {
      ref = cur.$ref.replace(/^#\/definitions\//, "");
      const next = this.entry.definitions[ref];
      if (!next) return { schema: {}, ref };
      cur = next;
    }
    return ref ? { schema: cur, ref } : { schema: cur };
  }

  private push(messageId: SchemaError["messageId"], message: string, path: string): void {
    this.errors.push({ messageId, message, path });
  }

  /** Returns true when valid (used for oneOf/anyOf branches run in a scratch validator). */
  validate(value: unknown, schema0: Schema, path: string): void {
    const { schema, ref } = this.resolve(schema0);
    if (value === null || value === undefined) return; // the server treats null as unset
    if (ref && QUANTITY_REFS.has(ref)) {
      if (!isQuantity(value)) {
        const s =
          typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
        const hint = quantityHint(s);
        this.push(
          "quantity",
          `\`${field(path)}\`: ${this.show(value, path)} is not a valid quantity (e.g. 500m, 1, 512Mi, 1Gi)${hint}`,
          path,
        );
      }
      return;
    }
    const intOrString = schema["x-kubernetes-int-or-string"] === true;
    if (intOrString) {
      if (!(typeof value === "string" || (typeof value === "number" && Number.isInteger(value)))) {
        this.push(
          "type",
          `\`${field(path)}\` must be an integer or a string, got ${this.got(value, path)}`,
          path,
        );
        return;
      }
    } else if (typeof schema.type === "string" && !this.typeOk(value, schema.type)) {
      this.push(
        "type",
        `\`${field(path)}\` must be ${article(schema.type)}, got ${this.got(value, path)}`,
        path,
      );
      return;
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
      const values = schema.enum.map(String);
      const guess = typeof value === "string" ? didYouMean(value, values) : undefined;
      this.push(
        "enum",
        `\`${field(path)}\` must be one of ${values.map((v) => `\`${v}\``).join(", ")}; got ${this.show(value, path)}${guess ? ` — did you mean \`${guess}\`?` : ""}`,
        path,
      );
    }
    if (typeof value === "string") this.checkString(value, schema, path);
    if (typeof value === "number") this.checkNumber(value, schema, path);
    if (Array.isArray(value)) {
      if (typeof schema.minItems === "number" && value.length < schema.minItems)
        this.push("range", `\`${field(path)}\` needs at least ${schema.minItems} item(s)`, path);
      if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
        this.push("range", `\`${field(path)}\` allows at most ${schema.maxItems} item(s)`, path);
      if (isObj(schema.items))
        value.forEach((item, i) => this.validate(item, schema.items as Schema, `${path}/${i}`));
    }
    if (isObj(value)) {
      // For custom resources the API server applies schema defaults before validating (they decide
      // oneOf branches). Built-in types are defaulted by Go code; their OpenAPI defaults are informational.
      const defaulted = this.entry.crd ? applyDefaults(value, schema, (s) => this.resolve(s).schema) : value;
      this.checkObject(defaulted, schema, path);
      this.checkJunctions(defaulted, schema, path);
      return;
    }
    this.checkJunctions(value, schema, path);
  }

  private typeOk(v: unknown, t: string): boolean {
    switch (t) {
      case "object":
        return isObj(v);
      case "array":
        return Array.isArray(v);
      case "string":
        return typeof v === "string";
      case "integer":
        return typeof v === "number" && Number.isInteger(v);
      case "number":
        return typeof v === "number";
      case "boolean":
        return typeof v === "boolean";
      default:
        return true;
    }
  }

  private checkString(v: string, s: Schema, path: string): void {
    if (typeof s.minLength === "number" && v.length < s.minLength)
      this.push("range", `\`${field(path)}\` must be at least ${s.minLength} character(s)`, path);
    if (typeof s.maxLength === "number" && v.length > s.maxLength)
      this.push(
        "range",
        `\`${field(path)}\` must be at most ${s.maxLength} characters (got ${v.length})`,
        path,
      );
    if (typeof s.pattern === "string") {
      let re: RegExp | undefined;
      try {
        re = new RegExp(s.pattern, "u");
      } catch {
        re = undefined; // an RE2 construct JavaScript lacks: the server checks it
      }
      if (re && !re.test(v))
        this.push("pattern", `\`${field(path)}\`: ${this.show(v, path)} does not match ${s.pattern}`, path);
    }
  }

  private checkNumber(v: number, s: Schema, path: string): void {
    if (typeof s.minimum === "number" && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum))
      this.push(
        "range",
        `\`${field(path)}\` must be ${s.exclusiveMinimum === true ? ">" : ">="} ${s.minimum}, got ${this.show(v, path)}`,
        path,
      );
    if (typeof s.maximum === "number" && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum))
      this.push(
        "range",
        `\`${field(path)}\` must be ${s.exclusiveMaximum === true ? "<" : "<="} ${s.maximum}, got ${this.show(v, path)}`,
        path,
      );
    if (s.format === "int32" && (v > 2147483647 || v < -2147483648))
      this.push("range", `\`${field(path)}\` ${this.show(v, path)} does not fit in int32`, path);
  }

  private checkObject(v: Schema, s: Schema, path: string): void {
    const props = isObj(s.properties) ? s.properties : undefined;
    for (const r of Array.isArray(s.required) ? s.required : []) {
      if (typeof r === "string" && (v[r] === undefined || v[r] === null))
        this.push("required", `missing required field \`${field(`${path}/${escapeSegment(r)}`)}\``, path);
    }
    const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
    const embedded = s["x-kubernetes-embedded-resource"] === true;
    for (const [k, child] of Object.entries(v)) {
      const p = `${path}/${escapeSegment(k)}`;
      const ps = props?.[k];
      if (isObj(ps)) {
        this.validate(child, ps, p);
      } else if (isObj(s.additionalProperties)) {
        this.validate(child, s.additionalProperties, p);
      } else if (
        s.additionalProperties === false &&
        !preserve &&
        !(embedded && ["apiVersion", "kind", "metadata"].includes(k))
      ) {
        const known = Object.keys(props ?? {});
        const guess = didYouMean(k, known);
        const where = path === "" ? "the object" : `\`${field(path)}\``;
        this.push(
          "unknown-field",
          `unknown field \`${k}\` in ${where}${guess ? ` — did you mean \`${guess}\`?` : known.length > 0 && known.length <= 8 ? ` (known: ${known.join(", ")})` : ""}`,
          p,
        );
      }
    }
  }

  private checkJunctions(v: unknown, s: Schema, path: string): void {
    const branchOk = (b: unknown): boolean => {
      if (!isObj(b)) return true;
      const scratch = new Validator(this.entry);
      scratch.validate(v, b, path);
      return scratch.errors.length === 0;
    };
    if (Array.isArray(s.allOf)) for (const b of s.allOf) if (isObj(b)) this.validate(v, b, path);
    if (Array.isArray(s.anyOf) && !s["x-kubernetes-int-or-string"] && !s.anyOf.some(branchOk)) {
      this.push(
        "one-of",
        `\`${field(path)}\` matches none of the allowed forms${describeBranches(s.anyOf)}`,
        path,
      );
    }
    if (Array.isArray(s.oneOf) && !s["x-kubernetes-int-or-string"]) {
      const n = s.oneOf.filter(branchOk).length;
      if (n !== 1)
        this.push(
          "one-of",
          `\`${field(path)}\` must match exactly one of the allowed forms (matches ${n})${describeBranches(s.oneOf)}`,
          path,
        );
    }
    if (isObj(s.not) && branchOk(s.not))
      this.push(
        "one-of",
        `\`${field(path)}\` uses a combination of fields that is not allowed${describeBranches([s.not])}`,
        path,
      );
  }
}

function applyDefaults(v: Schema, s: Schema, resolve: (s: Schema) => Schema): Schema {
  const props = isObj(s.properties) ? s.properties : undefined;
  if (!props) return v;
  let out: Schema | undefined;
  for (const [k, p] of Object.entries(props)) {
    if (v[k] !== undefined || !isObj(p)) continue;
    const d = p.default !== undefined ? p.default : resolve(p).default;
    if (d === undefined) continue;
    out ??= { ...v };
    out[k] = d;
  }
  return out ?? v;
}

function describeBranches(branches: unknown[]): string {
  const req = branches.map((b) =>
    isObj(b) && Array.isArray(b.required) ? (b.required as string[]).join("+") : undefined,
  );
  return req.every((r) => r !== undefined) ? `: set ${req.map((r) => `\`${r}\``).join(" or ")}` : "";
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** Name and label syntax the API server enforces on every object. */
function checkMetadata(obj: Schema, kind: string, errors: SchemaError[]): void {
  const m = isObj(obj.metadata) ? obj.metadata : undefined;
  if (!m) {
    errors.push({ messageId: "required", message: "missing required field `metadata`", path: "" });
    return;
  }
  const name = m.name;
  if (name === undefined && m.generateName === undefined) {
    errors.push({ messageId: "required", message: "missing `metadata.name`", path: "/metadata" });
  } else if (typeof name === "string") {
    const label = LABEL_NAMED.has(kind);
    const ok = label
      ? DNS1123_LABEL.test(name) && name.length <= 63
      : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
    if (!ok) {
      errors.push({
        messageId: "name",
        message: `metadata.name ${JSON.stringify(name)} is not a valid ${label ? "DNS-1123 label (lower-case alphanumerics and '-', at most 63)" : "DNS-1123 subdomain (lower-case alphanumerics, '-' and '.')"}`,
        path: "/metadata/name",
      });
    }
  }
  for (const which of ["labels", "annotations"] as const) {
    const map = m[which];
    if (!isObj(map)) continue;
    for (const [k, v] of Object.entries(map)) {
      const p = `/metadata/${which}/${escapeSegment(k)}`;
      const slash = k.lastIndexOf("/");
      const prefix = slash >= 0 ? k.slice(0, slash) : undefined;
      const nm = slash >= 0 ? k.slice(slash + 1) : k;
      if (
        (prefix !== undefined && (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253)) ||
        !QUALIFIED_NAME.test(nm) ||
        nm.length > 63
      ) {
        errors.push({
          messageId: "label",
          message: `${which === "labels" ? "label" : "annotation"} key ${JSON.stringify(k)} is not a valid qualified name`,
          path: p,
        });
      }
      if (which === "labels") {
        if (typeof v !== "string")
          errors.push({
            messageId: "type",
            message: `label ${k} must be a string, got ${got(v)} (quote it)`,
            path: p,
          });
        else if (v.length > 63 || !LABEL_VALUE.test(v))
          errors.push({
            messageId: "label",
            message: `label value ${show(v)} of ${JSON.stringify(k).slice(0, 80)} is invalid: at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric`,
            path: p,
          });
      } else if (typeof v !== "string") {
        errors.push({
          messageId: "type",
          message: `annotation ${k} must be a string, got ${got(v)} (quote it)`,
          path: p,
        });
      }
    }
  }
}

/** Secret values are never printed: not in messages, not in any report. */
const SECRET_VALUE_PATH = /^\/(data|stringData|binaryData)(\/|$)/;

export function validateAgainstSchema(obj: Schema, entry: SchemaEntry): SchemaError[] {
  const secret = obj.kind === "Secret";
  const v = new Validator(entry, secret ? (path) => SECRET_VALUE_PATH.test(path) : undefined);
  v.validate(obj, entry.root, "");
  const errors = v.errors.filter(
    (e) => !e.path.startsWith("/metadata/labels/") && !e.path.startsWith("/metadata/annotations/"),
  );
  checkMetadata(obj, entry.kind, errors);
  if (!entry.namespaced && isObj(obj.metadata) && typeof obj.metadata.namespace === "string") {
    errors.push({
      messageId: "format",
      message: `${entry.kind} is cluster-scoped: metadata.namespace is ignored — remove it`,
      path: "/metadata/namespace",
    });
  }
  return errors;
}
