/**
 * A per-environment rollout says only what differs: it merges over the app's rollout field by field
 * (src/intent/rollout.ts), and what the resolver decides points at the line that set it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openProject } from "../../src/project/index.js";
import type { KObject } from "../../src/core/object.js";
import { getAt } from "../../src/core/json-pointer.js";
import { loadIntent } from "../../src/intent/load.js";
import { resolveApp } from "../../src/intent/resolve.js";
import { find } from "../helpers.js";

const PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  ingress: {kind: traefik, controllerNamespace: traefik}
  progressiveDelivery: traefik-weighted
  environments:
    staging: {cluster: https://staging.acme.internal, namespace: web-staging}
    prod: {cluster: https://prod.acme.internal, namespace: web}
`;

/** The app's canary runs 2 at 10% with its own env var; `prod` is the per-environment override. */
function app(prod: string, image = "ghcr.io/acme/web:2.0.0"): string {
  return `apiVersion: kintent.dev/v1alpha1
kind: App
metadata: {name: web}
spec:
  image: ghcr.io/acme/web:1.0.0
  port: 8080
  expose: {host: web.acme.io}
  rollout:
    canary:
      steps: [10%, 50%, 100%]
      image: ${image}
      weight: 10
      replicas: 2
      env: {TRACK: canary}
  environments:
    prod:
${prod}`;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function intentDir(appText: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kintent-env-rollout-"));
  dirs.push(dir);
  writeFileSync(join(dir, "kintent.yaml"), appText);
  writeFileSync(join(dir, "platform.yaml"), PLATFORM);
  return dir;
}

async function objectsOf(dir: string, env: string): Promise<KObject[]> {
  const b = (await openProject(dir, { cwd: dir })).build(env, { validate: false });
  expect(b.errors).toEqual([]);
  return b.objects;
}

const weights = (objects: KObject[], ns: string) =>
  getAt(find(objects, "TraefikService", "web-wrr", ns), "/spec/weighted/services");
const canaryContainer = (objects: KObject[], ns: string) =>
  getAt(find(objects, "Deployment", "web-canary", ns), "/spec/template/spec/containers/0") as {
    image: string;
    env?: { name: string; value?: string }[];
  };

describe("a per-environment rollout merges over the app's", () => {
  it("a weight alone: prod takes 50%, everything else (image, replicas, steps, env) comes from the app", async () => {
    const dir = intentDir(app("      rollout:\n        canary: {weight: 50}\n"));
    const prod = await objectsOf(dir, "prod");
    expect(weights(prod, "web")).toEqual([
      { name: "web", port: 8080, weight: 50 },
      { name: "web-canary", port: 8080, weight: 50 },
    ]);
    expect(getAt(find(prod, "Deployment", "web-canary", "web"), "/spec/replicas")).toBe(2);
    expect(canaryContainer(prod, "web").image).toBe("ghcr.io/acme/web:2.0.0");
    expect(canaryContainer(prod, "web").env).toContainEqual({ name: "TRACK", value: "canary" });
    expect(weights(await objectsOf(dir, "staging"), "web-staging")).toEqual([
      { name: "web", port: 8080, weight: 90 },
      { name: "web-canary", port: 8080, weight: 10 },
    ]);
  });

  it("a later change of the app's canary image reaches prod, whose override holds only its weight", async () => {
    const dir = intentDir(app("      rollout:\n        canary: {weight: 50}\n", "ghcr.io/acme/web:2.1.0"));
    expect(canaryContainer(await objectsOf(dir, "prod"), "web").image).toBe("ghcr.io/acme/web:2.1.0");
  });

  it("canary env vars merge by name; a step list in prod replaces only the steps", async () => {
    const dir = intentDir(app("      rollout:\n        canary: [50%, 100%]\n"));
    const loaded = loadIntent(dir, { cwd: dir });
    const r = resolveApp(loaded.intent!.apps[0]!, loaded.intent!.platform, "prod");
    expect(r.errors).toEqual([]);
    expect(r.app?.rollout.value.steps).toEqual([{ setWeight: 50 }, { setWeight: 100 }]);
    expect(r.app?.rollout.value.weighted?.weight).toBe(10);

    const withEnv = intentDir(app("      rollout:\n        canary: {env: {LEVEL: debug}}\n"));
    expect(canaryContainer(await objectsOf(withEnv, "prod"), "web").env).toEqual(
      expect.arrayContaining([
        { name: "TRACK", value: "canary" },
        { name: "LEVEL", value: "debug" },
      ]),
    );
  });

  it("the decision is explained from the environment's rollout line; without an override, from the app's", () => {
    const dir = intentDir(app("      rollout:\n        canary: {weight: 50}\n"));
    const loaded = loadIntent(dir, { cwd: dir });
    const web = loaded.intent!.apps[0]!;
    const prod = resolveApp(web, loaded.intent!.platform, "prod").app?.rollout.origin;
    expect(prod).toMatchObject({ from: "env", loc: { file: "kintent.yaml", line: 17 } });
    expect(prod?.reason).toContain("50% of traffic to ghcr.io/acme/web:2.0.0");
    const staging = resolveApp(web, loaded.intent!.platform, "staging").app?.rollout.origin;
    expect(staging).toMatchObject({ from: "app", loc: { file: "kintent.yaml", line: 8 } });
  });

  it("strategy rolling in prod turns the app's canary off there", async () => {
    const dir = intentDir(app("      rollout: {strategy: rolling}\n"));
    const prod = await objectsOf(dir, "prod");
    expect(prod.some((o) => o.metadata.name === "web-canary")).toBe(false);
    expect(prod.some((o) => o.kind === "TraefikService")).toBe(false);
    expect((await objectsOf(dir, "staging")).some((o) => o.metadata.name === "web-canary")).toBe(true);
  });

  it("a mistake in the override is reported at its own line", async () => {
    const dir = intentDir(app("      rollout:\n        canary: {namespace: web-canary}\n"));
    const b = (await openProject(dir, { cwd: dir })).build("prod", { validate: false });
    const hit = b.errors.find((e) => e.message.includes("Traefik v3 blocks cross-namespace references"));
    expect(hit?.loc).toMatchObject({ file: "kintent.yaml", line: 18 });
  });
});
