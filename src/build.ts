/**
 * The library facade for "intent directory → manifests", shared by the CLI, the Argo CD plugin, `propose`
 * and the MCP server. Effects: reading the intent. Everything after loading is pure.
 */
import type { KObject } from "./core/object.js";
import { loadIntent } from "./intent/load.js";
import type { LoadOptions, LoadedIntent } from "./intent/load.js";
import { buildEnvironment, pickEnvironment } from "./compile/index.js";
import type { BuildResult } from "./compile/index.js";
import type { Finding } from "./core/finding.js";
import type { ResolvedApp } from "./intent/types.js";
import { validateObjects } from "./validate/index.js";
import type { ValidateOptions, ValidationContext } from "./validate/index.js";
import { placeExtras } from "./ai/extra.js";
import type { SourceDocument } from "./core/yaml-source.js";

export interface BuildOptions extends LoadOptions {
  env?: string;
  /** Only this app (by name) when the directory holds several. */
  app?: string;
  /** Run the validator on the compiled objects. @default true */
  validate?: boolean;
  /** Validator settings (from .kintent.yaml); the context comes from the intent. */
  validateOptions?: Omit<ValidateOptions, "context">;
}

export interface IntentBuild {
  intent?: LoadedIntent;
  environment?: string;
  build?: BuildResult;
  /** Intent errors (file:line:column); when non-empty, nothing was compiled. */
  errors: Finding[];
  warnings: Finding[];
  /** Validator findings on the compiled objects (empty when validation is off). */
  validation: Finding[];
}

/** Load, resolve and compile. Throws IntentReadError / UnknownEnvironmentError for usage mistakes. */
export function buildIntent(path: string, options: BuildOptions = {}): IntentBuild {
  const loaded = loadIntent(path, options);
  if (!loaded.intent) return { errors: loaded.errors, warnings: loaded.warnings, validation: [] };
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
        validation: [],
      };
    }
    intent = { ...intent, apps: only };
  }
  const environment = pickEnvironment(intent, options.env);
  const build = buildEnvironment(intent, environment);
  // Manifests under extra/ join their owner's objects, and are validated with them.
  let extraSources: Map<KObject, SourceDocument> | undefined;
  if (intent.extra && build.errors.length === 0) {
    const placed = placeExtras(
      intent.extra,
      build.apps,
      build.results,
      loaded.intent.apps.map((a) => a.value.metadata.name),
    );
    build.errors.push(...placed.errors);
    extraSources = placed.sources;
  }
  const validation: Finding[] = [];
  if (options.validate !== false && build.errors.length === 0) {
    build.results.forEach((result, i) => {
      const app = build.apps[i];
      if (!app) return;
      const r = validateObjects(
        result.objects.map((object) => {
          const source = extraSources?.get(object);
          return source ? { object, source } : { object };
        }),
        { ...(options.validateOptions ?? {}), context: validationContext(app) },
      );
      validation.push(...r.findings);
    });
  }
  return {
    intent,
    environment,
    build,
    errors: build.errors,
    warnings: [...loaded.warnings, ...build.warnings],
    validation,
  };
}

/**
 * What the validator may assume about kintent's own output: the references the intent declares
 * exist outside the bundle (Secrets and ConfigMaps named in the intent, pull secrets of the environment),
 * the tier, and the platform's Traefik flags.
 */
export function validationContext(app: ResolvedApp): ValidationContext {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const envs = [...app.env, ...(app.rollout.value.weighted?.env ?? [])];
  for (const e of envs) {
    if ("secret" in e) secrets.add(e.secret);
    if ("config" in e) configMaps.add(e.config);
  }
  for (const f of app.envFrom) {
    if ("secret" in f) secrets.add(f.secret);
    else configMaps.add(f.config);
  }
  for (const f of [...app.files, ...(app.rollout.value.weighted?.files ?? [])]) {
    if (f.kind === "secret") secrets.add(f.name);
    if (f.kind === "configMap") configMaps.add(f.name);
  }
  for (const s of app.imagePullSecrets.value) secrets.add(s);
  if (app.expose?.value.tls && !app.platform.tls) secrets.add(app.expose.value.tlsSecret);
  return {
    environment: app.environment.name,
    tier: app.tier.value,
    external: { secrets: [...secrets].sort(), configMaps: [...configMaps].sort() },
    traefik: {
      allowCrossNamespace: app.platform.ingress.allowCrossNamespace,
      allowExternalNameServices: app.platform.ingress.allowExternalNameServices,
    },
  };
}

/** All objects of a build, in output order (apps sorted by name, objects in apply order within each). */
export function allObjects(build: BuildResult): KObject[] {
  return build.results.flatMap((r) => r.objects);
}
