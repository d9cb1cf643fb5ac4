/**
 * test/fixtures/extras: the app `orders` (dev, staging, prod) with manifests under extra/ — Redis (ConfigMap,
 * two Services, StatefulSet, PodDisruptionBudget, NetworkPolicy) owned without a part-of label, a dashboard
 * ConfigMap owned by label in the `monitoring` namespace its file names, a ConfigMap whose file names `orders`
 * (prod's namespace), and a cluster-scoped PriorityClass. Shared by the Helm, Kustomize and CLI tests.
 */
import type { KObject } from "../../src/core/object.js";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../../src/compile/compile.js";
import { placeExtras } from "../../src/compile/extras.js";
import type { LoadedIntent } from "../../src/intent/load.js";
import type { ResolvedApp } from "../../src/intent/types.js";
import type { AppEnvironments } from "../../src/compile/types.js";
import { openProject } from "../../src/project/index.js";
import type { Project } from "../../src/project/index.js";
import { ROOT } from "../helpers.js";

export const EXTRAS = join(ROOT, "test/fixtures/extras");
export const EXTRAS_ENVS = ["dev", "staging", "prod"] as const;

/** The fixture opened by the engine. */
export async function extrasProject(dir = EXTRAS): Promise<Project> {
  const project = await openProject(dir, { cwd: dir });
  if (!project.intent) throw new Error(`${dir} does not load: ${JSON.stringify(project.errors)}`);
  return project;
}

export async function extrasIntent(dir = EXTRAS): Promise<LoadedIntent> {
  const { intent } = await extrasProject(dir);
  if (!intent) throw new Error(dir);
  return intent;
}

/** The app across its environments, as the engine hands it to the renderers (extras placed). */
export async function extrasApp(dir = EXTRAS): Promise<AppEnvironments> {
  const c = (await extrasProject(dir)).buildAll();
  if (c.errors.length > 0 || c.apps.length !== 1) throw new Error(JSON.stringify(c.errors));
  return c.apps[0] as AppEnvironments;
}

/** What `kintent build --env <env>` writes for the fixture. */
export async function builtObjects(env: string): Promise<KObject[]> {
  const b = (await extrasProject()).build(env);
  if (b.errors.length > 0) throw new Error(JSON.stringify(b.errors));
  if (b.findings.some((f) => f.severity === "error")) throw new Error(JSON.stringify(b.findings));
  return b.objects;
}

/** An app's objects as the build makes them from a resolved app: its compile with the extras placed. */
export function placedBuild(intent: LoadedIntent): (app: ResolvedApp) => KObject[] {
  return (app) => {
    const result = compile(app).result;
    const placed = placeExtras(intent.extra ?? [], [app], [result], [app.name]);
    if (placed.errors.length > 0) throw new Error(JSON.stringify(placed.errors));
    return result.objects;
  };
}

/** Objects (and their decisions) of `app` without the given extras in some environments. */
export const PARTIAL: readonly { env: string; kind: string; name: string }[] = [
  { env: "dev", kind: "PodDisruptionBudget", name: "redis" },
  { env: "prod", kind: "ConfigMap", name: "orders-dashboard" },
  { env: "staging", kind: "PriorityClass", name: "orders-critical" },
];

/**
 * The fixture as an engine that places extras per environment might hand it over: some extras only in some
 * environments ({@link PARTIAL}).
 */
export function withPartialExtras(app: AppEnvironments): AppEnvironments {
  const copy = structuredClone(app);
  for (const { env, kind, name } of PARTIAL) {
    const e = copy.environments.find((x) => x.env === env);
    if (!e) throw new Error(env);
    const before = e.result.objects.length;
    e.result.objects = e.result.objects.filter((o) => !(o.kind === kind && o.metadata.name === name));
    if (e.result.objects.length !== before - 1) throw new Error(`${env}: no single ${kind} ${name}`);
    e.result.decisions = e.result.decisions.filter(
      (d) => !(d.object.kind === kind && d.object.name === name),
    );
  }
  return copy;
}

/** A temporary copy of the fixture with one more file under extra/; remove it with the returned function. */
export function fixtureWithExtra(file: string, text: string): { dir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), "kintent-extras-"));
  const dir = join(root, "orders");
  cpSync(EXTRAS, dir, { recursive: true });
  writeFileSync(join(dir, "extra", file), text);
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A ServiceAccount without a namespace: placed in the environment's namespace, it is the app's own. */
export const DUPLICATE_SERVICE_ACCOUNT =
  "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: orders\nautomountServiceAccountToken: true\n";

/**
 * `app` with a second `ServiceAccount orders` in dev's namespace: what a library caller could hand a renderer
 * (the engine refuses such an extra with a located error before any rendering).
 */
export function withDuplicate(app: AppEnvironments): AppEnvironments {
  const copy = structuredClone(app);
  const dev = copy.environments.find((e) => e.env === "dev");
  if (!dev) throw new Error("no dev");
  const sa = dev.result.objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name === "orders");
  if (!sa) throw new Error("no ServiceAccount orders in dev");
  dev.result.objects = [...dev.result.objects, structuredClone(sa)];
  return copy;
}

/** Everything the rendering tests need of the fixture, built once per test file. */
export async function loadExtrasFixture(): Promise<{
  app: AppEnvironments;
  intent: LoadedIntent;
  built: (env: string) => KObject[];
}> {
  const app = await extrasApp();
  const intent = await extrasIntent();
  const byEnv = new Map(
    await Promise.all(EXTRAS_ENVS.map(async (e) => [e as string, await builtObjects(e)] as const)),
  );
  return {
    app,
    intent,
    built: (env) => {
      const objects = byEnv.get(env);
      if (!objects) throw new Error(`no build for ${env}`);
      return objects;
    },
  };
}
