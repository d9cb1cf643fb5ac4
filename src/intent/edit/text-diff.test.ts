import { describe, expect, it } from "vitest";
import { diffLines, mergeNormalizedEdit, unifiedDiff } from "./text-diff.js";

describe("text diffs", () => {
  it("line diff, unified diff and the formatting-preserving merge", () => {
    expect(diffLines(["a", "b", "c"], ["a", "x", "c"]).map((e) => e.op)).toEqual([
      "equal",
      "delete",
      "insert",
      "equal",
    ]);
    expect(unifiedDiff("a\nb\nc\n", "a\nx\nc\n", "f")).toBe(
      "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n",
    );
    expect(unifiedDiff("a\n", "a\n", "f")).toBe("");
    const original = "a: 1      # one\nb: {x: 1}\n";
    expect(mergeNormalizedEdit(original, "a: 1 # one\nb: { x: 1 }\n", "a: 2 # one\nb: { x: 1 }\n")).toBe(
      "a: 2      # one\nb: {x: 1}\n",
    );
    expect(mergeNormalizedEdit("a\n", "a\nb\n", "a\n")).toBeUndefined();
  });
});
