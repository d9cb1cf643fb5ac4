import { describe, expect, it } from "vitest";
import { mergeRollout } from "./rollout.js";
import type { MergedRollout } from "./rollout.js";
import type { WrittenRollout } from "./schema.js";

const APP = ["spec", "rollout"];
const PROD = ["spec", "environments", "prod", "rollout"];

/** The merged values without the locator. */
function values(m: MergedRollout): Record<string, unknown> {
  const { at: _at, ...rest } = m;
  return rest;
}

describe("mergeRollout: an environment's rollout over the app's, field by field", () => {
  it.each<[string, WrittenRollout | undefined, WrittenRollout | undefined, Record<string, unknown>]>([
    [
      "no override: the app's rollout, step list as {steps}",
      { canary: ["20%", "2m", "100%"], gate: { successRate: ">= 95%" } },
      undefined,
      { canary: { steps: ["20%", "2m", "100%"] }, gate: { successRate: ">= 95%" }, fromEnvironment: false },
    ],
    [
      "a weight alone keeps the app's steps, image, replicas and files",
      {
        canary: {
          steps: ["10%", "100%"],
          image: "web:2",
          weight: 10,
          replicas: 2,
          files: { "/a": "app" },
        },
      },
      { canary: { weight: 50 } },
      {
        canary: { steps: ["10%", "100%"], image: "web:2", weight: 50, replicas: 2, files: { "/a": "app" } },
        fromEnvironment: true,
      },
    ],
    [
      "a step list in the environment replaces only the steps",
      { canary: { steps: ["10%", "100%"], image: "web:2" } },
      { canary: ["50%", "100%"] },
      { canary: { steps: ["50%", "100%"], image: "web:2" }, fromEnvironment: true },
    ],
    [
      "a canary map in the environment over the app's step list",
      { canary: ["10%", "100%"] },
      { canary: { image: "web:3", weight: 5 } },
      { canary: { steps: ["10%", "100%"], image: "web:3", weight: 5 }, fromEnvironment: true },
    ],
    [
      "canary env and files merge by name",
      { canary: { image: "web:2", env: { A: "1", B: "app" }, files: { "/a": "app", "/b": "app" } } },
      { canary: { env: { B: "prod" }, files: { "/b": "prod", "/c": "prod" } } },
      {
        canary: {
          image: "web:2",
          env: { A: "1", B: "prod" },
          files: { "/a": "app", "/b": "prod", "/c": "prod" },
        },
        fromEnvironment: true,
      },
    ],
    [
      "the gate merges key by key, wherever each level wrote it",
      { canary: ["10%", "100%"], gate: { successRate: ">= 95%", interval: "1m" } },
      { canary: { gate: { p99: "< 300ms", interval: "30s" } } },
      {
        canary: { steps: ["10%", "100%"] },
        gate: { successRate: ">= 95%", p99: "< 300ms", interval: "30s" },
        fromEnvironment: true,
      },
    ],
    [
      "scalars replace",
      { maxSurge: "25%", maxUnavailable: 0 },
      { maxSurge: 1 },
      { maxSurge: 1, maxUnavailable: 0, fromEnvironment: true },
    ],
    [
      "strategy rolling in the environment turns the app's canary and gate off there",
      { canary: { steps: ["10%"], image: "web:2" }, gate: { successRate: ">= 95%" } },
      { strategy: "rolling" },
      { strategy: "rolling", fromEnvironment: true },
    ],
    [
      "an empty override is no override",
      { canary: ["10%"] },
      {},
      { canary: { steps: ["10%"] }, fromEnvironment: false },
    ],
  ])("%s", (_name, app, env, expected) => {
    expect(values(mergeRollout(app, env, "prod"))).toEqual(expected);
  });

  it("locates each field where it was written, else its nearest written parent", () => {
    const m = mergeRollout(
      {
        canary: { steps: ["10%"], image: "web:2", files: { "/a.conf": "a" } },
        gate: { successRate: ">= 95%" },
      },
      { canary: { weight: 50, files: { "/b.conf": "b" }, gate: { p99: "< 1s" } } },
      "prod",
    );
    expect(m.at("canary", "weight")).toEqual([...PROD, "canary", "weight"]);
    expect(m.at("canary", "image")).toEqual([...APP, "canary", "image"]);
    expect(m.at("canary", "steps")).toEqual([...APP, "canary", "steps"]);
    expect(m.at("canary", "files", "/a.conf")).toEqual([...APP, "canary", "files", "/a.conf"]);
    expect(m.at("canary", "files", "/b.conf")).toEqual([...PROD, "canary", "files", "/b.conf"]);
    expect(m.at("gate", "successRate")).toEqual([...APP, "gate", "successRate"]);
    expect(m.at("gate", "p99")).toEqual([...PROD, "canary", "gate", "p99"]);
    expect(m.at("gate")).toEqual([...PROD, "canary", "gate"]);
    expect(m.at("canary")).toEqual([...PROD, "canary"]);
    expect(m.at("canary", "namespace")).toEqual([...PROD, "canary"]);
    expect(m.at()).toEqual(PROD);
    expect(mergeRollout({ canary: ["10%"] }, undefined, "prod").at("canary", "steps")).toEqual([
      ...APP,
      "canary",
    ]);
    expect(mergeRollout(undefined, undefined, "prod").at("strategy")).toEqual(APP);
  });
});
