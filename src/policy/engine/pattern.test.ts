import { describe, expect, it } from "vitest";
import { validateScalarPattern } from "./pattern-value.js";
import { matchPattern } from "./validate-pattern.js";
import { wildcardMatch } from "../wildcard.js";

describe("wildcards (go-wildcard v1.0.3)", () => {
  it.each([
    ["*", "anything/with:colons", true],
    ["", "", true],
    ["", "x", false],
    ["nginx*", "nginx:1.2", true],
    ["*:latest", "docker.io/nginx:latest", true],
    ["?", "", false],
    ["?", "a", true],
    ["?*", "", false],
    ["?*", "a", true],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["*.example.com", "registry.example.com", true],
    ["*.example.com", "example.com", false],
  ])("wildcardMatch(%j, %j) = %s", (pattern, name, want) => {
    expect(wildcardMatch(pattern, name)).toBe(want);
  });
});

describe("scalar patterns (pkg/engine/pattern)", () => {
  const valid: [unknown, unknown][] = [
    ["nginx:1.2", "nginx:*"],
    ["nginx:1.2", "!*:latest"],
    [3, ">=2"],
    ["3", ">=2"],
    [3, "1-10"],
    ["512Mi", "<=1Gi"],
    ["512Mi", "100Mi-1Gi"],
    ["2Gi", "1Gi!-1500Mi"],
    ["30s", ">10s"],
    ["abc", "abc | def"],
    ["def", "abc | def"],
    ["foo", "f* & *o"],
    [true, true],
    [null, null],
    ["", null],
    [0, null],
    [false, null],
    [2, 2],
    ["2", 2],
    [{ a: 1 }, { anything: "x" }],
    ["x", "*"],
  ];
  const invalid: [unknown, unknown][] = [
    ["nginx:latest", "!*:latest"],
    [1, ">=2"],
    [11, "1-10"],
    ["2Gi", "<=1Gi"],
    ["foo", "f* & *x"],
    ["true", true],
    [1, true],
    ["x", null],
    [{}, null],
    [[], null],
    ["b", "a"],
    ["b", ">a"],
    [3, 4],
    ["x", 2],
    [[1], [1]],
  ];
  it.each(valid)("%j matches %j", (value, pattern) => {
    expect(validateScalarPattern(value, pattern)).toBe(true);
  });
  it.each(invalid)("%j does not match %j", (value, pattern) => {
    expect(validateScalarPattern(value, pattern)).toBe(false);
  });
});

describe("structural patterns and anchors (pkg/engine/validate)", () => {
  const pod = (containers: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", labels: { app: "x" } },
    spec: { containers, ...extra },
  });

  it.each([
    {
      name: "plain key must exist",
      resource: pod([{ name: "a" }]),
      pattern: { metadata: { labels: { team: "?*" } } },
      status: "fail",
      path: "/metadata/labels/team/",
    },
    {
      name: "every array element must match pattern[0]",
      resource: pod([
        { name: "a", image: "a:1" },
        { name: "b", image: "b:latest" },
      ]),
      pattern: { spec: { containers: [{ image: "!*:latest" }] } },
      status: "fail",
      path: "/spec/containers/1/image/",
    },
    {
      name: "conditional anchor not matched skips",
      resource: pod([{ name: "a", image: "a:latest" }]),
      pattern: { spec: { containers: [{ "(name)": "b", image: "!*:latest" }] } },
      status: "skip",
    },
    {
      name: "conditional anchor matched applies siblings",
      resource: pod([{ name: "b", image: "b:latest" }]),
      pattern: { spec: { containers: [{ "(name)": "b", image: "!*:latest" }] } },
      status: "fail",
      path: "/spec/containers/0/image/",
    },
    {
      name: "equality anchor: absent passes",
      resource: pod([{ name: "a" }]),
      pattern: { spec: { "=(hostNetwork)": false } },
      status: "pass",
    },
    {
      name: "equality anchor: present must match",
      resource: pod([{ name: "a" }], { hostNetwork: true }),
      pattern: { spec: { "=(hostNetwork)": false } },
      status: "fail",
      path: "/spec/hostNetwork/",
    },
    {
      name: "negation anchor fails when the key is present",
      resource: pod([{ name: "a" }], { volumes: [{ name: "v", hostPath: { path: "/" } }] }),
      pattern: { spec: { "=(volumes)": [{ "X(hostPath)": "null" }] } },
      status: "fail",
      path: "/spec/volumes/0/hostPath/",
    },
    {
      name: "existence anchor needs at least one element",
      resource: pod([{ name: "a", image: "a:1" }]),
      pattern: { spec: { "^(containers)": [{ name: "b" }] } },
      status: "fail",
    },
    {
      name: "existence anchor satisfied by one element",
      resource: pod([{ name: "a" }, { name: "b" }]),
      pattern: { spec: { "^(containers)": [{ name: "b" }] } },
      status: "pass",
    },
    {
      name: "global anchor mismatch skips the whole rule",
      resource: pod([{ name: "a", image: "a:latest" }]),
      pattern: { spec: { containers: [{ "<(name)": "b", image: "!*:latest" }] } },
      status: "skip",
    },
    {
      name: "'*' means present and non-null",
      resource: pod([{ name: "a" }]),
      pattern: { spec: { containers: [{ resources: "*" }] } },
      status: "fail",
    },
    {
      name: "wildcard label keys expand against the resource",
      resource: pod([{ name: "a" }]),
      pattern: { metadata: { labels: { "ap?": "x" } } },
      status: "pass",
    },
    {
      name: "empty resource array passes a map pattern",
      resource: pod([]),
      pattern: { spec: { containers: [{ image: "x" }] } },
      status: "pass",
    },
    {
      name: "an empty pattern array is an error",
      resource: pod([{ name: "a" }]),
      pattern: { spec: { containers: [] } },
      status: "fail",
    },
  ])("$name", ({ resource, pattern, status, path }) => {
    const r = matchPattern(resource, structuredClone(pattern));
    expect(r.status).toBe(status);
    if (path !== undefined && r.status === "fail") expect(r.path).toBe(path);
  });

  it("skips when a top-level conditional anchor key is missing from the resource", () => {
    const r = matchPattern(pod([{ name: "a", image: "a:latest" }]), {
      spec: { "(hostNetwork)": true, containers: [{ image: "b" }] },
    });
    expect(r.status).toBe("skip");
  });
});
