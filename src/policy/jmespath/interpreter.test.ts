import { describe, expect, it } from "vitest";
import { search } from "./interpreter.js";
import { JmesPathError, NotFoundError } from "./errors.js";

const data = {
  request: {
    object: {
      metadata: { name: "web", labels: { app: "web" }, annotations: null },
      spec: {
        containers: [
          { name: "a", image: "nginx:1.25", resources: { limits: { memory: "512Mi" } } },
          { name: "b", image: "busybox" },
        ],
      },
    },
  },
};

describe("JMESPath with Kyverno's go-jmespath semantics", () => {
  it.each([
    ["request.object.metadata.name", "web"],
    ["request.object.spec.containers[].image", ["nginx:1.25", "busybox"]],
    ["request.object.spec.containers[?name=='a'].image | [0]", "nginx:1.25"],
    ["request.object.spec.containers[].resources.limits.memory", ["512Mi"]],
    ["request.object.metadata.labels.foo || 'default'", "default"],
    ["request.object.spec.initContainers[] || `[]`", []],
    ["request.object.metadata.annotations.x", null],
    ["length(request.object.spec.containers)", 2],
    ["to_upper('abc')", "ABC"],
    ["split('a,b,c', ',')", ["a", "b", "c"]],
    ["regex_match('^nginx', 'nginx:1')", true],
    ["pattern_match('nginx:*', 'nginx:1')", true],
    ['label_match(`{"app":"web"}`, request.object.metadata.labels)', true],
    ["base64_decode('aGVsbG8=')", "hello"],
    ["parse_json('{\"a\": [1, 2]}').a[1]", 2],
    ["parse_yaml('a: b').a", "b"],
    ["truncate('abcdef', `3`)", "abc"],
    ["semver_compare('1.2.3', '>1.0.0')", true],
    [
      "items(`{\"b\": 1, \"a\": 2}`, 'k', 'v')",
      [
        { k: "a", v: 2 },
        { k: "b", v: 1 },
      ],
    ],
    ["object_from_lists(['a', 'b'], [`1`, `2`])", { a: 1, b: 2 }],
    ["add(`1`, `2`)", 3],
    ["sum(['1Gi', '512Mi'])", "1536Mi"],
    ["subtract('2h', '1h')", "1h0m0s"],
    ["multiply('2Gi', `2`)", "4Gi"],
    ["divide('1Gi', '512Mi')", 2],
    ["lookup(`{\"a\": 1}`, 'a')", 1],
    ['to_string(`[1, "a"]`)', '[1,"a"]'],
    ["time_diff('2024-01-01T00:00:00Z', '2024-01-01T01:30:00Z')", "1h30m0s"],
    ["time_to_cron('2024-03-05T10:15:00Z')", "15 10 5 3 2"],
    ["time_add('2024-01-01T00:00:00Z', '25h')", "2024-01-02T01:00:00Z"],
  ])("%s", (expr, want) => {
    expect(search(expr, data)).toEqual(want);
  });

  it("a missing key in a path is an error (the fork's NotFoundError)", () => {
    expect(() => search("request.object.metadata.labels.foo", data)).toThrow(NotFoundError);
    expect(() => search("request.object.nope.x", data)).toThrow('Unknown key "nope" in path');
  });

  it("function argument types are checked", () => {
    expect(() => search("length(`1`)", data)).toThrow(JmesPathError);
    expect(() => search("to_upper(`1`)", data)).toThrow(JmesPathError);
  });

  it("arithmetic operands parse as quantities before durations ('30m' is 30 milli)", () => {
    expect(() => search("subtract('1h', '30m')", {})).toThrow("Types mismatch");
  });

  it("syntax only JMESPath Community supports is rejected", () => {
    expect(() => search("a - b", {})).toThrow(JmesPathError);
  });
});
