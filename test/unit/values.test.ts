import { describe, expect, it } from "vitest";
import { parseImage, formatImage, durationSeconds } from "../../src/intent/values.js";
import { didYouMean, editDistance } from "../../src/core/suggest.js";
import { looksLikeSecret } from "../../src/intent/resolve.js";
import { getAt, parsePointer, toPointer } from "../../src/core/json-pointer.js";

describe("parseImage", () => {
  it.each([
    ["nginx", { repository: "nginx" }],
    ["nginx:1.27", { repository: "nginx", tag: "1.27" }],
    ["ghcr.io/acme/shop:1.4.2", { registry: "ghcr.io", repository: "acme/shop", tag: "1.4.2" }],
    ["localhost:5000/shop:dev", { registry: "localhost:5000", repository: "shop", tag: "dev" }],
    ["acme/shop@sha256:" + "a".repeat(64), { repository: "acme/shop", digest: "sha256:" + "a".repeat(64) }],
  ])("%s", (ref, expected) => {
    expect(parseImage(ref)).toEqual(expected);
    expect(formatImage(parseImage(ref) as NonNullable<ReturnType<typeof parseImage>>)).toBe(ref);
  });
  it.each(["", "UPPER/case:1", "a b", "shop::1", "shop@sha256:zz"])("rejects %j", (ref) => {
    expect(parseImage(ref)).toBeUndefined();
  });
  it("rewrites the registry and keeps the path", () => {
    const r = parseImage("ghcr.io/acme/shop:1.4.2");
    expect(r && formatImage({ ...r, registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com" })).toBe(
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/shop:1.4.2",
    );
  });
});

describe("durationSeconds", () => {
  it.each([
    ["30s", 30],
    ["2m", 120],
    ["1h30m", 5400],
    ["1500ms", 2],
  ])("%s → %d", (d, s) => expect(durationSeconds(d)).toBe(s));
});

describe("didYouMean", () => {
  it("suggests close candidates only", () => {
    expect(didYouMean("replica", ["replicas", "resources"])).toBe("replicas");
    expect(didYouMean("medum", ["small", "medium", "large"])).toBe("medium");
    expect(didYouMean("zzz", ["replicas", "resources"])).toBeUndefined();
    expect(didYouMean("Tier", ["tier"])).toBe("tier");
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("prdo", "prod")).toBe(1);
  });
});

describe("looksLikeSecret", () => {
  it.each([
    ["DB_PASSWORD", "hunter2", true],
    ["API_KEY", "abc", true],
    ["GITHUB_TOKEN", "x", true],
    ["DATABASE_URL", "postgres://u:p@db/x", true],
    ["TLS_KEY_PEM", "-----BEGIN RSA PRIVATE KEY-----\nMII", true],
    ["AWS_ID", "AKIAABCDEFGHIJKLMNOP", true],
    ["LOG_LEVEL", "info", false],
    ["DATABASE_URL", "postgres://db:5432/x", false],
    ["TOKEN_URL", "https://auth/token", false],
    ["DB_PASSWORD", "", false],
    ["DB_PASSWORD", "$(DB_PASSWORD_FROM_SECRET)", false],
  ])("%s=%j → %s", (name, value, expected) => expect(looksLikeSecret(name, value)).toBe(expected));
});

describe("JSON Pointer", () => {
  it("round-trips escaped segments", () => {
    const p = toPointer(["metadata", "labels", "app.kubernetes.io/name", "a~b"]);
    expect(p).toBe("/metadata/labels/app.kubernetes.io~1name/a~0b");
    expect(parsePointer(p)).toEqual(["metadata", "labels", "app.kubernetes.io/name", "a~b"]);
    expect(getAt({ metadata: { labels: { "app.kubernetes.io/name": { "a~b": 1 } } } }, p)).toBe(1);
    expect(getAt({ a: [1, 2] }, "/a/1")).toBe(2);
    expect(getAt({ a: [1, 2] }, "/a/x")).toBeUndefined();
  });
});
