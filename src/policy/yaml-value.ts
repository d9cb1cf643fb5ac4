/** YAML text → JSON value, the way `sigs.k8s.io/yaml.YAMLToJSON` + `json.Unmarshal` produce it. */
import { parseAllDocuments, parseDocument } from "yaml";

export interface YamlValueResult {
  value: unknown;
  error?: string;
}

/** Parses a single YAML document into plain JSON data (maps become objects; numbers become numbers). */
export function parseYamlValue(text: string): YamlValueResult {
  const doc = parseDocument(text, { uniqueKeys: false, merge: true, prettyErrors: false });
  if (doc.errors.length > 0)
    return { value: null, error: `yaml: ${doc.errors[0]?.message.split("\n")[0] ?? "error"}` };
  try {
    return { value: toJson(doc.toJS({ maxAliasCount: 1000 })) };
  } catch (e) {
    // An unresolved alias or an alias bomb: an error result, never an exception.
    return { value: null, error: `yaml: ${(e as Error).message}` };
  }
}

/** Parses a multi-document YAML stream into plain JSON documents, skipping empty ones. */
export function parseYamlDocuments(text: string): { values: unknown[]; errors: string[] } {
  const docs = parseAllDocuments(text, { uniqueKeys: false, merge: true, prettyErrors: false });
  const values: unknown[] = [];
  const errors: string[] = [];
  const list = Array.isArray(docs) ? docs : [];
  for (const d of list) {
    if (d.errors.length > 0) {
      errors.push(d.errors[0]?.message.split("\n")[0] ?? "yaml error");
      continue;
    }
    let v: unknown;
    try {
      v = toJson(d.toJS({ maxAliasCount: 1000 }));
    } catch (e) {
      errors.push((e as Error).message);
      continue;
    }
    if (v === null || v === undefined) continue;
    values.push(v);
  }
  return { values, errors };
}

/** Converts YAML-decoded JS values to JSON-compatible data (Dates to RFC 3339 strings, keys to strings). */
export function toJson(v: unknown): unknown {
  if (v === undefined) return null;
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString().replace(".000Z", "Z");
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v) out[String(k)] = toJson(val);
    return out;
  }
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = toJson(val);
    return out;
  }
  return null;
}
