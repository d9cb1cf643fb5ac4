/**
 * kintent as a library: the engine the CLI, the Argo CD plugin and `propose` use, the validator and the
 * reporters.
 *
 * ```ts
 * import { openProject, validate, formatReport } from "kintent";
 *
 * const project = await openProject("apps/shop");
 * const prod = project.build("prod");               // { objects, decisions, findings, errors, warnings }
 * const { findings, report } = await validate(yamlText, { policies: ["policies/"] });
 * console.log(formatReport("stylish", report));
 * ```
 */
import type { Finding } from "./core/finding.js";
import { VERSION } from "./core/version.js";
import { loadValidation, mergeContexts } from "./project/index.js";
import type { ValidationSetupOptions } from "./project/index.js";
import { parseManifests } from "./validate/load.js";
import { validateObjects } from "./validate/index.js";
import type { ManifestInput, ValidationContext, ValidationResult } from "./validate/index.js";
import type { Report } from "./report/index.js";

// The engine.
export { openProject, Project } from "./project/index.js";
export type {
  AppBuild,
  AppBuilds,
  BuildOptions,
  EnvironmentBuild,
  OpenProjectOptions,
  ProjectBuild,
  ValidationSetup,
} from "./project/index.js";

// Shared vocabulary.
export type {
  Finding,
  Severity,
  SourceLocation,
  ObjectRef,
  Fix,
  Suggestion,
  ValidationStatus,
} from "./core/finding.js";
export type { KObject } from "./core/object.js";
export { objectKey, refOf } from "./core/object.js";
export type { Decision, CompileResult } from "./compile/types.js";
export { KintentError, UsageError, ToolError, InvalidInputError } from "./core/errors.js";
export { diffObjects, formatChanges } from "./core/diff.js";
export type { ObjectChange, FieldChange } from "./core/diff.js";
export { Redactor } from "./core/redact.js";
export { toYamlStream } from "./render/yaml.js";
export { VERSION } from "./core/version.js";

// Reports.
export { formatReport, REPORTERS } from "./report/index.js";
export type { Report, ReporterName } from "./report/index.js";
export { BUILTIN_CHECKS } from "./validate/index.js";
export type { CheckDefinition, ManifestInput, ValidationContext } from "./validate/index.js";

export interface ValidateOptions extends ValidationSetupOptions {
  /** File name shown in findings for text input. @default "<input>" */
  file?: string;
  /** What the manifests may assume exists outside them (merged with `.kintent.yaml`'s). */
  context?: ValidationContext;
}

export interface Validation {
  findings: Finding[];
  summary: ValidationResult["summary"];
  /** The result as reporters take it: `formatReport("sarif", report)`. */
  report: Report;
}

/**
 * Validate manifests — YAML or JSON text (one or more documents, Lists too) or objects — with strict schemas,
 * the built-in checks, the cross-resource graph and, when configured (`policies`, `configFile`, or a
 * `.kintent.yaml` found from `cwd` up), the team's checks and Kyverno policies. Exactly what
 * `kintent validate` does.
 */
export async function validate(
  input: string | readonly Record<string, unknown>[],
  options: ValidateOptions = {},
): Promise<Validation> {
  const setup = await loadValidation(options.cwd ?? process.cwd(), options);
  let inputs: ManifestInput[];
  const errors: Finding[] = [];
  if (typeof input === "string") {
    const parsed = parseManifests(input, options.file ?? "<input>");
    inputs = parsed.inputs;
    errors.push(...parsed.errors);
  } else {
    inputs = input.map((object) => ({ object }));
  }
  const r = validateObjects(inputs, {
    ...setup.options,
    context: mergeContexts(setup.context, options.context ?? {}),
  });
  const findings = [...errors, ...r.findings];
  return {
    findings,
    summary: r.summary,
    report: {
      findings,
      summary: {
        files: typeof input === "string" ? 1 : 0,
        objects: r.summary.total,
        valid: r.summary.valid,
        invalid: r.summary.invalid,
        skipped: r.summary.skipped,
      },
      checks: setup.checks,
      toolVersion: VERSION,
    },
  };
}
