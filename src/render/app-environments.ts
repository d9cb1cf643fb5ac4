/**
 * Every environment of an intent, compiled and grouped by app: the input of the renderings that span
 * environments (Helm chart, Kustomize overlays, Argo CD Applications). Pure given the loaded intent.
 */
import type { KObject } from "../core/object.js";
import type { LoadedIntent } from "../intent/load.js";
import { environmentNames } from "../intent/resolve.js";
import { buildEnvironment } from "../compile/index.js";
import type { BuildResult } from "../compile/index.js";
import type { CompileResult } from "../compile/types.js";
import type { ResolvedApp } from "../intent/types.js";
import type { Finding } from "../core/finding.js";
import { placeExtras } from "../ai/extra.js";

/** One app compiled for one environment. */
export interface AppEnvironment {
  env: string;
  app: ResolvedApp;
  result: CompileResult;
}

/** One app across environments, in the platform's environment order. */
export interface AppEnvironments {
  name: string;
  environments: AppEnvironment[];
}

/** One environment with every app compiled for it. */
export interface EnvironmentBuild {
  env: string;
  build: BuildResult;
}

export interface IntentEnvironments {
  environments: EnvironmentBuild[];
  apps: AppEnvironments[];
  errors: Finding[];
  warnings: Finding[];
}

/**
 * Compile `envs` (default: every environment of the platform, in its order) for every app, with the
 * manifests under `extra/` placed into their owner's objects as `kintent build` places them.
 * `allAppNames` are the apps of the directory before any `--app` filter (an unlabelled extra belongs to
 * the only app of the directory, not to the only app built). Errors of any environment are collected;
 * when there are any, `apps` may be incomplete.
 */
export function compileEnvironments(
  intent: LoadedIntent,
  envs?: readonly string[],
  allAppNames: readonly string[] = intent.apps.map((a) => a.value.metadata.name),
): IntentEnvironments {
  const names = envs ?? environmentNames(intent.platform);
  const environments: EnvironmentBuild[] = [];
  const byApp = new Map<string, AppEnvironment[]>();
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  for (const env of names) {
    const build = buildEnvironment(intent, env);
    if (intent.extra && build.errors.length === 0)
      build.errors.push(...placeExtras(intent.extra, build.apps, build.results, allAppNames).errors);
    environments.push({ env, build });
    errors.push(...build.errors);
    warnings.push(...build.warnings);
    build.results.forEach((result, i) => {
      const app = build.apps[i];
      if (!app) return;
      const list = byApp.get(app.name) ?? [];
      list.push({ env, app, result });
      byApp.set(app.name, list);
    });
  }
  const apps = [...byApp.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, list]) => ({ name, environments: list }));
  return { environments, apps, errors, warnings };
}

/** All objects of one environment build, in output order. */
export function environmentObjects(build: BuildResult): KObject[] {
  return build.results.flatMap((r) => r.objects);
}
