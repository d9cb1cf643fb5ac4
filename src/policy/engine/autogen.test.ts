import { describe, expect, it } from "vitest";
import { AUTOGEN_ANNOTATION, autogenRuleNames, computeRules } from "./autogen.js";

const podRule = {
  name: "check-image",
  match: { any: [{ resources: { kinds: ["Pod"] } }] },
  preconditions: { all: [{ key: "{{ request.object.metadata.name }}", operator: "NotEquals", value: "" }] },
  validate: { message: "no latest", pattern: { spec: { containers: [{ image: "!*:latest" }] } } },
};

describe("pod-controller autogen (pkg/autogen/v1)", () => {
  it("keeps a Pod's rules as written", () => {
    expect(computeRules([podRule], {}, "Pod")).toEqual([podRule]);
  });

  it("generates autogen-<rule> for Deployments with the pattern under spec.template", () => {
    const rules = computeRules([podRule], {}, "Deployment");
    expect(rules.map((r) => r.name)).toEqual(["check-image", "autogen-check-image"]);
    const gen = rules[1] as Record<string, unknown>;
    expect(gen.match).toEqual({ any: [{ resources: { kinds: ["apps/v1/Deployment"] } }] });
    expect(gen.validate).toEqual({
      message: "no latest",
      pattern: { spec: { template: { spec: { containers: [{ image: "!*:latest" }] } } } },
    });
    expect(gen.preconditions).toEqual({
      all: [{ key: "{{ request.object.spec.template.metadata.name }}", operator: "NotEquals", value: "" }],
    });
  });

  it("generates autogen-cronjob-<rule> under spec.jobTemplate.spec.template", () => {
    const rules = computeRules([podRule], {}, "CronJob");
    const gen = rules.find((r) => r.name === "autogen-cronjob-check-image") as Record<string, unknown>;
    expect(gen.match).toEqual({ any: [{ resources: { kinds: ["batch/v1/CronJob"] } }] });
    expect(gen.validate).toMatchObject({
      pattern: {
        spec: { jobTemplate: { spec: { template: { spec: { containers: [{ image: "!*:latest" }] } } } } },
      },
    });
  });

  it("honours the autogen-controllers annotation", () => {
    expect(computeRules([podRule], { [AUTOGEN_ANNOTATION]: "none" }, "Deployment")).toEqual([podRule]);
    expect(computeRules([podRule], { [AUTOGEN_ANNOTATION]: "StatefulSet" }, "Deployment")).toEqual([podRule]);
    expect(
      computeRules([podRule], { [AUTOGEN_ANNOTATION]: "Deployment" }, "Deployment").map((r) => r.name),
    ).toEqual(["check-image", "autogen-check-image"]);
  });

  it("does not generate when a rule selects by name or matches Pods with other kinds", () => {
    const named = { ...podRule, match: { any: [{ resources: { kinds: ["Pod"], names: ["x"] } }] } };
    expect(autogenRuleNames([named], {})).toEqual([]);
    const mixed = { ...podRule, match: { any: [{ resources: { kinds: ["Pod", "Service"] } }] } };
    expect(autogenRuleNames([mixed], {})).toEqual([]);
    expect(autogenRuleNames([podRule], {}).sort()).toEqual([
      "autogen-check-image",
      "autogen-cronjob-check-image",
    ]);
  });
});
