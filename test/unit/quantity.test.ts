import { describe, expect, it } from "vitest";
import {
  compareQuantities,
  isQuantity,
  parseQuantity,
  QUANTITY_PATTERN,
  quantityHint,
  quantityValue,
} from "../../src/core/quantity.js";

/** The one quantity parser (intent schema, validator, policy engine) and the pattern editors see. */
describe("quantities", () => {
  const valid = [
    "1",
    "0",
    "500m",
    "512Mi",
    "1Gi",
    "1.5",
    ".5",
    "1.",
    "-1",
    "+2k",
    "1e3",
    "1E-3",
    "2n",
    "3u",
    "1M",
    "4Ei",
  ];
  const invalid = [
    "512mi",
    "1g",
    "1GB",
    "1K",
    "Mi",
    "",
    " 1",
    "1 ",
    "1.5.5",
    "1ki",
    "0x10",
    "1e",
    "1e1000000",
    "9".repeat(200),
  ];

  it.each(valid)("accepts %s, and the JSON Schema pattern agrees", (q) => {
    expect(parseQuantity(q)).toBeDefined();
    expect(QUANTITY_PATTERN.test(q)).toBe(true);
  });

  it.each(invalid)("refuses %j, and the JSON Schema pattern agrees (except for bounds)", (q) => {
    expect(parseQuantity(q)).toBeUndefined();
    expect(isQuantity(q)).toBe(false);
    if (q.length <= 128 && !/e1000000/.test(q)) expect(QUANTITY_PATTERN.test(q)).toBe(false);
  });

  it("compares exactly, across formats and numbers", () => {
    expect(compareQuantities("1Gi", "1024Mi")).toBe(0);
    expect(compareQuantities("1G", "1Gi")).toBe(-1);
    expect(compareQuantities("1500m", 1.5)).toBe(0);
    expect(compareQuantities("0.1", "100m")).toBe(0);
    expect(compareQuantities("1x", "1")).toBeUndefined();
    expect(quantityValue("512Mi")).toBe(512 * 2 ** 20);
  });

  it("suggests the usual fix", () => {
    expect(quantityHint("512mi")).toBe(" — did you mean `512Mi`?");
    expect(quantityHint("1GB")).toBe(" — did you mean `1Gi`?");
    expect(quantityHint("1g")).toBe(" — did you mean `1Gi`?");
    expect(quantityHint("lots")).toBe("");
  });
});
