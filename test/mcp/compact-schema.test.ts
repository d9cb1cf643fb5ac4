/** The intent schema served over MCP: repeated subschemas shared through $defs, the same schema once expanded. */
import { describe, expect, it } from "vitest";
import { intentJsonSchema } from "../../src/intent/schema.js";
import { compactJsonSchema } from "../../src/mcp/compact-schema.js";
import { MAX_ANSWER_BYTES } from "../../src/mcp/index.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Put every `#/$defs/sharedN` back where it is referred to. */
function expand(v: Json, defs: Record<string, Json>): Json {
  if (Array.isArray(v)) return v.map((x) => expand(x, defs));
  if (typeof v !== "object" || v === null) return v;
  const ref = v.$ref;
  if (typeof ref === "string" && /^#\/\$defs\/shared\d+$/.test(ref) && Object.keys(v).length === 1)
    return expand(defs[ref.slice("#/$defs/".length)] ?? null, defs);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x, defs)]));
}

describe("compactJsonSchema", () => {
  const full = intentJsonSchema() as { $defs: Record<string, Json> };
  const compact = compactJsonSchema(full) as { $defs: Record<string, Json> };

  it("is the same schema: expanding every shared reference gives back the original", () => {
    const shared = Object.keys(compact.$defs).filter((k) => k.startsWith("shared"));
    expect(shared.length).toBeGreaterThan(5);
    expect(expand(compact.$defs.App ?? null, compact.$defs)).toEqual(full.$defs.App);
    expect(expand(compact.$defs.Platform ?? null, compact.$defs)).toEqual(full.$defs.Platform);
    // Every shared definition is used.
    const text = JSON.stringify({
      App: compact.$defs.App,
      Platform: compact.$defs.Platform,
      ...compact.$defs,
    });
    for (const k of shared) expect(text, k).toContain(`"#/$defs/${k}"`);
  });

  it("is smaller, fits one answer, and is deterministic", () => {
    const size = Buffer.byteLength(JSON.stringify(compact));
    expect(size).toBeLessThan(Buffer.byteLength(JSON.stringify(full)) * 0.8);
    expect(size).toBeLessThan(MAX_ANSWER_BYTES);
    expect(JSON.stringify(compactJsonSchema(intentJsonSchema()))).toBe(JSON.stringify(compact));
  });

  it("leaves a schema without repetition as it is", () => {
    const s = { $defs: { A: { type: "object", properties: { a: { type: "string" } } } } };
    expect(compactJsonSchema(s)).toEqual(s);
  });
});
