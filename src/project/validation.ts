/**
 * How a project validates: `.kintent.yaml` (found from the intent directory up, or given), its check
 * settings, custom checks, external references, private registries and Traefik flags, its Kyverno /
 * ValidatingAdmissionPolicy policies (the policy engine is loaded only when there are some) and extra CRD
 * schemas — loaded once, and used by every path (build in every format, explain, validate, the edit previews,
 * propose, the Argo CD plugin). The `kintent validate` command uses the same setup for plain manifests.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Finding } from "../core/finding.js";
import { InvalidInputError, UsageError } from "../core/errors.js";

export { InvalidInputError } from "../core/errors.js";
import { displayPath } from "../intent/inputs.js";
import { findConfig, loadConfig } from "../validate/config.js";
import type { KintentConfig } from "../validate/config.js";
import { SchemaRegistry, defaultBundleDir } from "../validate/schema/registry.js";
import { BUILTIN_CHECKS, bundledRegistry } from "../validate/index.js";
import type {
  CheckDefinition,
  ManifestInput,
  ValidateOptions,
  ValidationContext,
} from "../validate/index.js";

export interface ValidationSetupOptions {
  /** Resolve relative paths against this directory (flags). @default process.cwd() */
  cwd?: string;
  /** An explicit configuration file instead of `.kintent.yaml` found from `startDir` up. */
  configFile?: string;
  /** More policy files or directories (`--policy`), resolved against `cwd`. */
  policies?: readonly string[];
  /** More CRD schema directories (`--schemas`), resolved against `cwd`. */
  schemas?: readonly string[];
  /** Kinds without a schema are errors. @default the configuration's `strict` */
  strict?: boolean;
  /** Paths in findings are relative to this directory. @default `cwd` */
  relativeTo?: string;
}

/** The validator's settings for one project: everything but the per-app context. */
export interface ValidationSetup {
  /** The configuration file used, absolute, if any. */
  configFile?: string;
  options: Omit<ValidateOptions, "context">;
  /** What `.kintent.yaml` declares about the world (external objects, registries, Traefik flags). */
  context: ValidationContext;
  /** Built-in and custom checks (for reports). */
  checks: CheckDefinition[];
  /** Number of policy documents loaded. */
  policyCount: number;
  /** Policies and rules that matched no object in this run so far (a `--policy` run reports them at its end). */
  unmatchedPolicies: () => Finding[];
  /** Files and directories read for this setup (absolute): the configuration, policies, schema directories. */
  inputs: string[];
}

/** Load the validation setup; configuration mistakes throw {@link InvalidInputError} (exit 2). */
export async function loadValidation(
  startDir: string,
  options: ValidationSetupOptions = {},
): Promise<ValidationSetup> {
  const cwd = options.cwd ?? process.cwd();
  const base = options.relativeTo ?? cwd;
  const shown = (p: string) => displayPath(p, base);
  const explicit = options.configFile !== undefined ? resolve(cwd, options.configFile) : undefined;
  if (explicit !== undefined && !existsSync(explicit))
    throw new UsageError(`--config: no such file: ${options.configFile ?? ""}`);
  const file = explicit ?? findConfig(startDir);
  let config: KintentConfig | undefined;
  if (file !== undefined) {
    const loaded = loadConfig(file, shown(file));
    if (!loaded.config) throw new InvalidInputError(`invalid configuration in ${shown(file)}`, loaded.errors);
    config = loaded.config;
  }

  const fromConfig = config?.policies ?? [];
  const fromFlags = (options.policies ?? []).map((p) => resolve(cwd, p));
  for (const p of fromConfig)
    if (!existsSync(p))
      throw new UsageError(`policy path ${shown(p)} (from ${shown(file ?? "")}) does not exist`);
  for (const p of fromFlags)
    if (!existsSync(p)) throw new UsageError(`--policy: no such file or directory: ${shown(p)}`);
  const policyPaths = [...fromConfig, ...fromFlags];
  let policies: ((inputs: readonly ManifestInput[]) => Finding[]) | undefined;
  let policyCount = 0;
  let unmatchedPolicies: () => Finding[] = () => [];
  if (policyPaths.length > 0) {
    const { policyGate } = await import("../policy/gate.js");
    const pg = policyGate(policyPaths);
    if (!pg.gate)
      throw new UsageError(
        `cannot load policies: ${pg.errors.map((e) => `${shown(e.file)}: ${e.message}`).join("; ")}`,
      );
    if (pg.gate.count === 0)
      throw new UsageError(
        `no Kyverno or ValidatingAdmissionPolicy documents in ${policyPaths.map(shown).join(", ")}`,
      );
    policies = pg.gate.evaluate;
    policyCount = pg.gate.count;
    unmatchedPolicies = pg.gate.unmatched;
  }

  const schemaDirs = [...(config?.schemas ?? []), ...(options.schemas ?? []).map((p) => resolve(cwd, p))];
  let registry = bundledRegistry();
  if (schemaDirs.length > 0) {
    registry = new SchemaRegistry(defaultBundleDir());
    for (const d of schemaDirs) {
      try {
        registry.addCrdsFrom(d);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
  }

  const customChecks = config?.customChecks ?? [];
  return {
    ...(file !== undefined ? { configFile: file } : {}),
    options: {
      registry,
      strict: options.strict ?? config?.strict ?? false,
      settings: config?.settings ?? {},
      extraChecks: customChecks,
      ...(policies ? { policies } : {}),
    },
    context: config?.context ?? {},
    checks: [...BUILTIN_CHECKS, ...customChecks],
    policyCount,
    unmatchedPolicies,
    inputs: [...(file !== undefined ? [file] : []), ...policyPaths, ...schemaDirs],
  };
}

/** `a` with what `b` adds: external references unioned, `b`'s scalar facts winning. */
export function mergeContexts(a: ValidationContext, b: ValidationContext): ValidationContext {
  const union = (x?: string[], y?: string[]) => [...new Set([...(x ?? []), ...(y ?? [])])].sort();
  const external = {
    secrets: union(a.external?.secrets, b.external?.secrets),
    configMaps: union(a.external?.configMaps, b.external?.configMaps),
    services: union(a.external?.services, b.external?.services),
  };
  const pods = [...(a.external?.pods ?? []), ...(b.external?.pods ?? [])];
  const registries = union(a.privateRegistries, b.privateRegistries);
  return {
    ...a,
    ...b,
    external: {
      ...Object.fromEntries(Object.entries(external).filter(([, v]) => v.length > 0)),
      ...(pods.length > 0 ? { pods } : {}),
    },
    ...(registries.length > 0 ? { privateRegistries: registries } : {}),
    ...(a.traefik || b.traefik ? { traefik: { ...a.traefik, ...b.traefik } } : {}),
    ...(a.registryAuth || b.registryAuth ? { registryAuth: { ...a.registryAuth, ...b.registryAuth } } : {}),
  };
}
