/**
 * The library facade for "intent directory → manifests", shared by the CLI, the Argo CD plugin, `propose`
 * and the MCP server. Effects: reading the intent. Everything after loading is pure.
 */
import { loadIntent } from "./intent/load.js";
import type { LoadOptions, LoadedIntent } from "./intent/load.js";
import { buildEnvironment, pickEnvironment } from "./compile/index.js";
import type { BuildResult } from "./compile/index.js";
import type { Finding } from "./validate/finding.js";
import type { KObject } from "./compile/types.js";

export interface BuildOptions extends LoadOptions {
  env?: string;
  /** Only this app (by name) when the directory holds several. */
  app?: string;
}

export interface IntentBuild {
  intent?: LoadedIntent;
  environment?: string;
  build?: BuildResult;
  /** Intent errors (file:line:column); when non-empty, nothing was compiled. */
  errors: Finding[];
  warnings: Finding[];
}

/** Load, resolve and compile. Throws IntentReadError / UnknownEnvironmentError for usage mistakes. */
export function buildIntent(path: string, options: BuildOptions = {}): IntentBuild {
  const loaded = loadIntent(path, options);
  if (!loaded.intent) return { errors: loaded.errors, warnings: loaded.warnings };
  let intent = loaded.intent;
  if (options.app !== undefined) {
    const only = intent.apps.filter((a) => a.value.metadata.name === options.app);
    if (only.length === 0) {
      return {
        errors: [
          {
            checkId: "intent",
            messageId: "unknown-app",
            severity: "error",
            message: `no app named \`${options.app}\` (found ${intent.apps.map((a) => a.value.metadata.name).join(", ")})`,
          },
        ],
        warnings: loaded.warnings,
      };
    }
    intent = { ...intent, apps: only };
  }
  const environment = pickEnvironment(intent, options.env);
  const build = buildEnvironment(intent, environment);
  return {
    intent,
    environment,
    build,
    errors: build.errors,
    warnings: [...loaded.warnings, ...build.warnings],
  };
}

/** All objects of a build, in output order (apps sorted by name, objects in apply order within each). */
export function allObjects(build: BuildResult): KObject[] {
  return build.results.flatMap((r) => r.objects);
}
