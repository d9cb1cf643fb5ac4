import { describe, expect, it } from "vitest";
import { compileCel, fromCel } from "./env.js";
import { CelSyntaxError, parseCel } from "./parser.js";
import { toCelInput } from "./values.js";
import { evaluateValidatingPolicy } from "./validating-policy.js";

const object = toCelInput(
  {
    metadata: { name: "web", labels: { app: "web" } },
    spec: {
      replicas: 3,
      containers: [
        { name: "a", image: "nginx:1", securityContext: { capabilities: { add: ["NET_BIND_SERVICE"] } } },
      ],
    },
  },
  true,
);

function evalCel(expr: string): unknown {
  const r = compileCel(expr)({ object });
  if (r instanceof Error) throw r;
  return fromCel(r);
}

describe("CEL with optional syntax on @bufbuild/cel", () => {
  it.each([
    ["object.spec.?initContainers.orValue([]).size()", 0],
    ["object.metadata.?labels['app'].orValue('none')", "web"],
    ["object.metadata.?labels.?team.hasValue()", false],
    ["object.spec.?securityContext.?runAsNonRoot.orValue(false)", false],
    ["object.spec.containers.all(c, c.image.startsWith('nginx'))", true],
    ["object.spec.containers.exists_one(c, c.name == 'a')", true],
    ["object.spec.containers.map(c, c.name)", ["a"]],
    ["object.spec.containers.filter(c, c.name == 'b').size()", 0],
    ["object.spec.replicas + 1", 4],
    ["has(object.spec.replicas)", true],
    ["{'a': 1}[?'b'].orValue(5)", 5],
    ["optional.none().orValue(1)", 1],
    ["object.spec.containers[0].securityContext.capabilities.add.orValue([]).size()", 1],
    ["'a, b'.split(',').map(x, x.trim())", ["a", "b"]],
    ["[3, 1, 2].max()", 3],
    ["'abc123'.find('[0-9]+')", "123"],
    ["parseServiceAccount('system:serviceaccount:ns:sa').Name", "sa"],
    ["image('ghcr.io/org/app:1.0').registry()", "ghcr.io"],
    ["quantity('1Gi').isGreaterThan(quantity('512Mi'))", true],
  ])("%s", (expr, want) => {
    expect(evalCel(expr)).toEqual(want);
  });

  it("a missing field is an error without the optional syntax", () => {
    expect(() => evalCel("object.spec.hostNetwork")).toThrow();
  });

  it("rejects invalid syntax", () => {
    expect(() => parseCel("a +")).toThrow(CelSyntaxError);
    expect(() => parseCel("a.?")).toThrow(CelSyntaxError);
  });
});

describe("ValidatingPolicy", () => {
  const policy = {
    apiVersion: "policies.kyverno.io/v1alpha1",
    kind: "ValidatingPolicy",
    metadata: { name: "no-latest" },
    spec: {
      validationActions: ["Deny"],
      matchConstraints: {
        resourceRules: [
          { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
        ],
      },
      variables: [{ name: "images", expression: "object.spec.containers.map(c, c.image)" }],
      validations: [
        {
          expression: "variables.images.all(i, !i.endsWith(':latest'))",
          messageExpression: "'latest tag used: ' + variables.images.join(',')",
        },
      ],
    },
  };
  const opts = {
    operation: "CREATE",
    namespaceLabels: undefined,
    namespaceObject: undefined,
    userInfo: undefined,
  };
  const pod = (image: string): Record<string, unknown> => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default" },
    spec: { containers: [{ name: "c", image }] },
  });

  it("passes, fails with the message expression, and is auto-generated for controllers", () => {
    expect(evaluateValidatingPolicy(policy, pod("nginx:1"), opts).flat()).toEqual([
      { name: "", status: "pass", message: "success", action: "Enforce" },
    ]);
    expect(evaluateValidatingPolicy(policy, pod("nginx:latest"), opts).flat()).toEqual([
      { name: "", status: "fail", message: "latest tag used: nginx:latest", action: "Enforce" },
    ]);
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", namespace: "default" },
      spec: { template: { spec: { containers: [{ name: "c", image: "nginx:latest" }] } } },
    };
    const rules = evaluateValidatingPolicy(policy, deployment, opts).flat();
    expect(rules.map((r) => r.status)).toEqual(["fail"]);
  });

  it("does not match other resources (a multi-rule autogen variant still answers, without rules)", () => {
    const responses = evaluateValidatingPolicy(
      policy,
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } },
      opts,
    );
    expect(responses.flat()).toEqual([]);
    expect(responses).toEqual([[]]);
  });
});
