/**
 * The engine: ESLint's middle layer between the pure stages and the interfaces. `openProject(dir)` loads
 * everything an intent directory means — its App(s) and Platform, `extra/**`, `.kintent.yaml` (checks, custom
 * checks, policies, schemas, external references) — once; `project.build(env)` and `project.buildAll()` return
 * the objects (extras included), the decisions and the findings. Every command goes through here, so every
 * path — `build` in every format, `explain`, `validate DIR`, the `set`/`ask` previews, `propose`, the Argo CD
 * plugin — sees the same objects and the same findings, and refuses exactly when the others do.
 *
 * Effects: reading the intent directory and the configuration (in `openProject`); everything after is pure.
 * Paths in findings and decisions are relative to the intent directory, so output never depends on the
 * working directory.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Finding } from "../core/finding.js";
import { compareFindings, dedupeFindings } from "../core/finding.js";
import type { KObject } from "../core/object.js";
import { UsageError } from "../core/errors.js";
import type { SourceDocument } from "../core/yaml-source.js";
import { IntentReadError, loadIntent } from "../intent/load.js";
import type { LoadedIntent, LoadedPlatform } from "../intent/load.js";
import { environmentNames } from "../intent/resolve.js";
import { buildEnvironment, pickEnvironment } from "../compile/index.js";
import { placeExtras } from "../compile/extras.js";
import type { AppEnvironment, AppEnvironments, Decision } from "../compile/types.js";
import { validateObjects } from "../validate/index.js";
import type { ManifestInput, ValidationContext, ValidationResult } from "../validate/index.js";
import { appContext } from "./context.js";
import { loadValidation, mergeContexts } from "./validation.js";
import type { ValidationSetup, ValidationSetupOptions } from "./validation.js";

export interface OpenProjectOptions extends Omit<ValidationSetupOptions, "relativeTo"> {
  /** An explicit platform file (resolved against `cwd`); otherwise `platform.yaml` here or in a parent. */
  platformFile?: string;
  /** Only this app, when the directory holds several. */
  app?: string;
  /**
   * File contents by absolute path that replace, or add to, what is on disk: the previews of `kintent set` and
   * `kintent ask` build the edited intent without writing anything.
   */
  overlay?: ReadonlyMap<string, string>;
  /** Order in which directory files are read; the result must not depend on it (tests reverse it). */
  fileOrder?: "sorted" | "reverse";
}

/** One app built for one environment: its compile result (extras included) and the validator's verdict on it. */
export interface AppBuild extends AppEnvironment {
  findings: Finding[];
  summary: ValidationResult["summary"];
}

/** One app across the environments built (the input of Helm, Kustomize and the GitOps layout). */
export interface AppBuilds extends AppEnvironments {
  environments: AppBuild[];
}

/** One environment built: objects of every app (extras included), decisions, findings. */
export interface EnvironmentBuild {
  environment: string;
  /** Per app, in name order: the resolved app and its compile result (objects and decisions, extras included). */
  apps: AppBuild[];
  /** Every object, in output order (apps by name, objects in apply order within each). */
  objects: KObject[];
  decisions: Decision[];
  /** Intent errors (file:line:column): when non-empty nothing was compiled or validated. */
  errors: Finding[];
  /** Warnings about the intent and its inputs (stray files, compile notes). */
  warnings: Finding[];
  /** The validator's findings on the objects (schemas, checks, the graph, the team's policies). */
  findings: Finding[];
  summary: ValidationResult["summary"];
}

/** Several environments built, also grouped by app (the input of Helm, Kustomize and the GitOps layout). */
export interface ProjectBuild {
  environments: EnvironmentBuild[];
  apps: AppBuilds[];
  /** Intent errors of any environment, each once. */
  errors: Finding[];
  /** Intent warnings of any environment, each once. */
  warnings: Finding[];
  /** Validator findings of every environment (they name their object; the same finding may occur per env). */
  findings: Finding[];
}

export interface BuildOptions {
  /** Run the validator. @default true */
  validate?: boolean;
}

const EMPTY_SUMMARY: ValidationResult["summary"] = { valid: 0, invalid: 0, skipped: 0, total: 0 };

export class Project {
  /** The intent directory (absolute). Paths in findings and decisions are relative to it. */
  readonly dir: string;
  /** Environments the platform defines, in its order. */
  readonly environments: readonly string[];
  /** Apps built (all of the directory, or the one asked for), by name. */
  readonly apps: readonly string[];
  /** Input files read, relative to `dir`, sorted (what the runbooks and charts say they come from). */
  readonly inputs: readonly string[];
  readonly platform: LoadedPlatform | undefined;
  /** Errors that stop every build (an invalid intent or an unreadable input). */
  readonly errors: readonly Finding[];
  /** Warnings about the inputs (stray manifests, misnamed intents). */
  readonly warnings: readonly Finding[];

  constructor(
    dir: string,
    readonly intent: LoadedIntent | undefined,
    loadErrors: readonly Finding[],
    loadWarnings: readonly Finding[],
    readonly validation: ValidationSetup,
    private readonly allAppNames: readonly string[],
    private readonly reload: (overlay: ReadonlyMap<string, string>, app: string | undefined) => Project,
    /** The app filter this project was opened with. */
    readonly only?: string,
  ) {
    this.dir = dir;
    this.environments = intent ? environmentNames(intent.platform) : [];
    this.apps = intent ? intent.apps.map((a) => a.value.metadata.name) : [];
    this.inputs = intent?.files ?? [];
    this.platform = intent?.platform;
    this.errors = loadErrors;
    this.warnings = loadWarnings;
  }

  /**
   * The same project with some files replaced or added in memory (absolute path → content): what an edit would
   * build, with the same validation setup. Nothing is written. `app` narrows it to one app (which may exist
   * only in the overlay).
   */
  withOverlay(overlay: ReadonlyMap<string, string>, options: { app?: string } = {}): Project {
    return this.reload(overlay, options.app ?? this.only);
  }

  /** Whether the intent loaded (a build may still have errors for one environment). */
  get ok(): boolean {
    return this.errors.length === 0 && this.intent !== undefined;
  }

  /** `sha256:<hex>` over the input files (path and content, in path order): the intent's identity. */
  hash(): string {
    const h = createHash("sha256");
    const contents = this.intent?.contents ?? new Map<string, string>();
    for (const f of [...contents.keys()].sort())
      h.update(f)
        .update("\0")
        .update(contents.get(f) ?? "")
        .update("\0");
    return `sha256:${h.digest("hex")}`;
  }

  /** The environment to build: `env`, or the only one. Throws a usage error otherwise. */
  environment(env?: string): string {
    if (!this.intent) throw new UsageError("the intent is invalid; fix its errors first");
    return pickEnvironment(this.intent, env);
  }

  /** Build one environment: compile every app, place `extra/`, validate with the project's settings. */
  build(env?: string, options: BuildOptions = {}): EnvironmentBuild {
    const intent = this.intent;
    if (!intent || this.errors.length > 0)
      return {
        environment: env ?? "",
        apps: [],
        objects: [],
        decisions: [],
        errors: [...this.errors],
        warnings: [...this.warnings],
        findings: [],
        summary: EMPTY_SUMMARY,
      };
    const environment = pickEnvironment(intent, env);
    const built = buildEnvironment(intent, environment);
    const errors = [...built.errors];
    const warnings = [...this.warnings, ...built.warnings];
    let sources = new Map<KObject, SourceDocument>();
    if (intent.extra && errors.length === 0) {
      const placed = placeExtras(
        intent.extra,
        built.apps,
        built.results,
        this.allAppNames,
        this.environments,
      );
      errors.push(...placed.errors);
      warnings.push(...placed.warnings);
      sources = placed.sources;
    }
    const apps: AppBuild[] = built.results.flatMap((result, i) => {
      const app = built.apps[i];
      return app ? [{ env: environment, app, result, findings: [], summary: { ...EMPTY_SUMMARY } }] : [];
    });
    const base = {
      environment,
      apps,
      objects: apps.flatMap((a) => a.result.objects),
      decisions: apps.flatMap((a) => a.result.decisions),
      warnings: dedupeFindings(warnings),
    };
    if (errors.length > 0)
      return {
        ...base,
        apps: [],
        objects: [],
        decisions: [],
        errors: dedupeFindings(errors),
        findings: [],
        summary: EMPTY_SUMMARY,
      };
    const findings: Finding[] = [];
    const summary = { ...EMPTY_SUMMARY };
    if (options.validate !== false) {
      for (const a of apps) {
        const r = this.validate(
          a.result.objects.map((object) => {
            const source = sources.get(object);
            return source ? { object, source } : { object };
          }),
          appContext(a.app),
        );
        a.findings = r.findings;
        a.summary = r.summary;
        findings.push(...r.findings);
        summary.valid += r.summary.valid;
        summary.invalid += r.summary.invalid;
        summary.skipped += r.summary.skipped;
        summary.total += r.summary.total;
      }
    }
    return { ...base, errors: [], findings, summary };
  }

  /** Build `envs` (default: every environment, in the platform's order). */
  buildAll(envs?: readonly string[], options: BuildOptions = {}): ProjectBuild {
    const names =
      envs && envs.length > 0
        ? [...new Set(envs.map((e) => (this.intent ? pickEnvironment(this.intent, e) : e)))]
        : this.environments.length > 0
          ? this.environments
          : [undefined];
    const environments = names.map((e) => this.build(e, options));
    const byApp = new Map<string, AppBuild[]>();
    for (const b of environments)
      for (const a of b.apps) byApp.set(a.app.name, [...(byApp.get(a.app.name) ?? []), a]);
    return {
      environments,
      apps: [...byApp.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, list]) => ({ name, environments: list })),
      errors: dedupeFindings(environments.flatMap((b) => b.errors)),
      warnings: dedupeFindings(environments.flatMap((b) => b.warnings)),
      findings: environments.flatMap((b) => b.findings),
    };
  }

  /**
   * Validate objects with the project's settings (checks, custom checks, policies, schemas, what
   * `.kintent.yaml` declares), plus `context` — e.g. the Argo CD Applications a rendering adds.
   */
  validate(inputs: readonly ManifestInput[], context: ValidationContext = {}): ValidationResult {
    return validateObjects(inputs, {
      ...this.validation.options,
      context: mergeContexts(this.validation.context, context),
    });
  }
}

/**
 * Open an intent directory (or a single intent file). Unreadable inputs, a missing directory and an invalid
 * `.kintent.yaml` throw usage errors; an invalid intent does not — `project.errors` holds its located errors
 * and every build returns them.
 */
export async function openProject(dir = ".", options: OpenProjectOptions = {}): Promise<Project> {
  const cwd = options.cwd ?? process.cwd();
  const abs = resolve(cwd, dir);
  if (!existsSync(abs) && !options.overlay?.has(abs))
    throw new IntentReadError(`no such file or directory: ${dir}`);
  const intentDir = existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
  const validation = await loadValidation(intentDir, {
    cwd,
    relativeTo: intentDir,
    ...(options.configFile !== undefined ? { configFile: options.configFile } : {}),
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.schemas ? { schemas: options.schemas } : {}),
    ...(options.strict !== undefined ? { strict: options.strict } : {}),
  });
  const load = (overlay: ReadonlyMap<string, string> | undefined, app: string | undefined): Project => {
    const loaded = loadIntent(abs, {
      cwd,
      relativeTo: intentDir,
      ...(options.platformFile !== undefined ? { platformFile: options.platformFile } : {}),
      ...(overlay ? { overlay } : {}),
      ...(options.fileOrder ? { fileOrder: options.fileOrder } : {}),
    });
    let intent = loaded.intent;
    const allAppNames = intent?.apps.map((a) => a.value.metadata.name) ?? [];
    if (intent && app !== undefined) {
      const only = intent.apps.filter((a) => a.value.metadata.name === app);
      if (only.length === 0)
        throw new UsageError(`no app named \`${app}\` (found ${allAppNames.join(", ")})`);
      intent = { ...intent, apps: only };
    }
    return new Project(
      intentDir,
      intent,
      [...loaded.errors].sort(compareFindings),
      loaded.warnings,
      validation,
      allAppNames,
      (more, nextApp) => load(new Map([...(overlay ?? []), ...more]), nextApp),
      app,
    );
  };
  return load(options.overlay, options.app);
}
