import { describe, expect, it } from "vitest";
import { operatorFor } from "./operators.js";

function op(name: string, key: unknown, value: unknown): boolean {
  const f = operatorFor(name);
  if (!f) throw new Error(`no operator ${name}`);
  return f(key, value);
}

describe("condition operators (pkg/engine/variables/operator)", () => {
  it.each([
    // Equals: wildcards in the value, quantities and durations compared by value
    ["Equals", "nginx:1.2", "nginx:*", true],
    ["Equals", "nginx:1.2", "busybox*", false],
    ["Equals", "1Gi", "1024Mi", true],
    ["Equals", "1h", "60m", true],
    ["Equals", 3, "3", true],
    ["Equals", true, true, true],
    ["Equals", true, "true", false],
    ["Equals", ["a", "b"], ["a", "b"], true],
    ["Equals", { a: 1 }, { a: 1 }, true],
    ["NotEquals", "nginx:latest", "*:latest", false],
    ["NotEquals", "1Gi", "2Gi", true],
    ["NotEquals", "abc", "", true],
    // AnyIn / AllIn / AnyNotIn / AllNotIn
    ["AnyIn", ["a", "b"], ["b", "c"], true],
    ["AnyIn", ["a"], ["b", "c"], false],
    ["AnyIn", "kube-*", ["kube-system"], true],
    ["AnyIn", "5", "1-10", true],
    ["AllIn", ["a", "b"], ["a", "b", "c"], true],
    ["AllIn", ["a", "z"], ["a", "b"], false],
    ["AnyNotIn", ["a", "z"], ["a", "b"], true],
    ["AnyNotIn", ["a"], ["a", "b"], false],
    ["AllNotIn", ["x", "y"], ["a", "b"], true],
    ["AllNotIn", ["x", "a"], ["a", "b"], false],
    ["AnyIn", "a", '["a","b"]', true],
    ["In", "a", ["a", "b"], true],
    ["NotIn", "z", ["a", "b"], true],
    // numbers, quantities, durations, semver
    ["GreaterThan", 5, 3, true],
    ["GreaterThan", "5", 3, true],
    ["GreaterThanOrEquals", "1Gi", "1024Mi", true],
    ["LessThan", "100Mi", "1Gi", true],
    ["LessThan", "30s", "1m", true],
    ["GreaterThan", "1.10.0", "1.9.0", true],
    ["LessThan", "1.2.3-alpha", "1.2.3", true],
    ["GreaterThan", "abc", "abd", false],
    ["LessThanOrEquals", 60, "1m", true],
    // deprecated Duration* operators
    ["DurationGreaterThan", "2h", "1h", true],
    ["DurationLessThanOrEquals", "30m", 1800, true],
  ])("%s(%j, %j) = %s", (name, key, value, want) => {
    expect(op(name, key, value)).toBe(want);
  });

  it("names are case-insensitive and unknown names have no handler", () => {
    expect(op("equals", "a", "a")).toBe(true);
    expect(operatorFor("Matches")).toBeUndefined();
  });
});
