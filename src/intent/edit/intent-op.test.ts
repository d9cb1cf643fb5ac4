import { describe, expect, it } from "vitest";
import { describeOp } from "./describe-op.js";
import { OP_NAMES } from "./intent-op.js";
import { opsJsonSchema } from "./ops-json-schema.js";
import { opsMarkdown } from "./ops-markdown.js";
import { parseOps } from "./parse-ops.js";

describe("the op schema", () => {
  it("parses every operation and names unknown ones and fields", () => {
    const r = parseOps([
      { op: "replicas", replicas: 2 },
      { op: "nope" },
      { op: "tier", tier: "gold" },
      { op: "port", port: 80, host: "x" },
    ]);
    expect(r.ops).toHaveLength(1);
    expect(r.errors.map((e) => [e.index, e.message])).toEqual([
      [1, `unknown operation \`nope\` (known: ${OP_NAMES.join(", ")})`],
      [2, expect.stringContaining("tier: Invalid option")],
      [3, "unknown field(s) `host` for operation `port`"],
    ]);
    expect(parseOps({ op: "replicas" }).errors[0]?.message).toBe("operations must be a list");
  });

  it("is a JSON Schema with one closed object per operation", () => {
    const s = opsJsonSchema() as {
      type: string;
      items: { oneOf?: { properties: { op: { const: string } }; additionalProperties: boolean }[] };
    };
    expect(s.type).toBe("array");
    const variants = s.items.oneOf ?? [];
    expect(variants.map((v) => v.properties.op.const)).toEqual(OP_NAMES);
    expect(variants.every((v) => v.additionalProperties === false)).toBe(true);
    expect(OP_NAMES.length).toBeGreaterThanOrEqual(25);
  });

  it("describes operations in one line", () => {
    expect(describeOp({ op: "replicas", replicas: 5, env: "prod" })).toBe("replicas replicas=5 (prod)");
    expect(describeOp({ op: "file", path: "/a", content: "x\ny" })).toBe("file path=/a content=x…");
  });
});

describe("docs/ai-operations.md", () => {
  it("is generated from the schema", async () => {
    await expect(opsMarkdown()).toMatchFileSnapshot("../../../docs/ai-operations.md");
  });
});
