/**
 * The validator's entry point: strict schemas, built-in checks and the cross-resource graph over any
 * manifests. Every output path (build, Helm/Kustomize/Argo CD renderings, propose, the CMP) calls
 * `validateObjects` before writing and refuses on error findings unless told otherwise.
 */
import type { Finding } from "../core/finding.js";
import type { SourceDocument } from "../core/yaml-source.js";
import { SchemaRegistry, defaultBundleDir } from "./schema/registry.js";
import { validateAgainstSchema } from "./schema/validate.js";
import { BUILTIN_CHECKS } from "./checks/builtin.js";
import { BundleIndex, runChecks } from "./checks/run.js";
import type { CheckSetting } from "./checks/run.js";
import type { CheckDefinition, Subject, ValidationContext } from "./checks/types.js";
import { apiVersionOf, isObj, kindOf, refOf } from "./objects.js";
import { didYouMean } from "../core/suggest.js";
import { objectKey } from "../core/object.js";
import { removedApi } from "./schema/removed-apis.js";

const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const API_VERSION =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

export type { Finding } from "../core/finding.js";
export type { ValidationContext, CheckDefinition } from "./checks/types.js";
export { BUILTIN_CHECKS } from "./checks/builtin.js";
export { SchemaRegistry } from "./schema/registry.js";

/** One manifest to validate; `source` gives file:line:column positions when it came from a file. */
export interface ManifestInput {
  object: Record<string, unknown>;
  source?: SourceDocument;
  /** JSON Pointer of the object inside its source document (items of a List). */
  pointer?: string;
}

export interface ValidateOptions {
  /** Treat kinds without a schema as errors instead of "skipped". */
  strict?: boolean;
  /** Facts about where the manifests run (kintent's own output knows them). */
  context?: ValidationContext;
  /** Schemas to use; default: the bundled offline schemas. Share one registry across calls for speed. */
  registry?: SchemaRegistry;
  /** Per-check configuration (severity or off, params), from .kintent.yaml. */
  settings?: Record<string, CheckSetting>;
  /** User-defined checks (templates + params), from .kintent.yaml. */
  extraChecks?: CheckDefinition[];
  /** Skip schema validation (checks only). */
  skipSchemas?: boolean;
  /** Namespace assumed for objects without one. @default "default" */
  defaultNamespace?: string;
  /**
   * The team's policies (Kyverno, ValidatingAdmissionPolicy), evaluated offline: a function from the inputs to
   * findings, so the policy engine is loaded only by callers that have policies (see src/policy/gate.ts).
   */
  policies?: (inputs: readonly ManifestInput[]) => Finding[];
}

export type ObjectStatus = "valid" | "invalid" | "skipped";

export interface ValidationResult {
  findings: Finding[];
  /** Objects per status, kubeconform-style. */
  summary: { valid: number; invalid: number; skipped: number; total: number };
  /** Status per input, in input order. */
  statuses: ObjectStatus[];
}

let sharedRegistry: SchemaRegistry | undefined;

/** The bundled schema registry, loaded once per process. */
export function bundledRegistry(): SchemaRegistry {
  return (sharedRegistry ??= new SchemaRegistry(defaultBundleDir()));
}

/** Schema findings for one object, or a "skipped" marker when no schema is known. */
function schemaFindings(
  input: ManifestInput,
  registry: SchemaRegistry,
  strict: boolean,
): { findings: Finding[]; skipped: boolean } {
  const o = input.object;
  const ref = refOf(o);
  const at = (path: string) =>
    input.source ? { loc: input.source.locate((input.pointer ?? "") + path) } : {};
  const f = (
    messageId: string,
    message: string,
    path: string,
    severity: Finding["severity"] = "error",
  ): Finding => ({
    checkId: "schema",
    messageId,
    severity,
    message,
    object: ref,
    path,
    ...at(path),
  });
  const apiVersion = apiVersionOf(o);
  const kind = kindOf(o);
  if (!apiVersion) return { findings: [f("required", "missing `apiVersion`", "")], skipped: false };
  if (!kind) return { findings: [f("required", "missing `kind`", "")], skipped: false };
  // Kinds and versions are identifiers (the API server derives URL paths from them): never data to trust.
  if (!KIND.test(kind))
    return {
      findings: [
        f(
          "kind",
          `kind ${JSON.stringify(kind)} is not a valid kind: a kind is a CamelCase identifier (letters and digits, starting with a letter), e.g. Deployment`,
          "/kind",
        ),
      ],
      skipped: false,
    };
  if (!API_VERSION.test(apiVersion))
    return {
      findings: [
        f(
          "api-version",
          `apiVersion ${JSON.stringify(apiVersion)} is not a valid API version: \`<group>/<version>\` (e.g. apps/v1) or \`v1\``,
          "/apiVersion",
        ),
      ],
      skipped: false,
    };
  const removed = removedApi(apiVersion, kind);
  if (removed) {
    const gone = f(
      "removed-api",
      removed.replacement !== undefined
        ? `${kind} ${apiVersion} was removed in Kubernetes ${removed.removedIn} and is refused by the API server — use apiVersion \`${removed.replacement}\``
        : `${kind} ${apiVersion} was removed in Kubernetes ${removed.removedIn} and is refused by the API server${removed.note ? ` — ${removed.note}` : ""}`,
      "/apiVersion",
    );
    // Validate the rest as the replacement version: what the user gets after changing apiVersion.
    const next = removed.replacement !== undefined ? registry.lookup(removed.replacement, kind) : undefined;
    const errors = next ? validateAgainstSchema({ ...o, apiVersion: removed.replacement }, next) : [];
    return {
      findings: [
        gone,
        ...errors.map((e) =>
          f(e.messageId, e.message, e.path, e.messageId === "format" ? "warning" : "error"),
        ),
      ],
      skipped: false,
    };
  }
  const entry = registry.lookup(apiVersion, kind);
  if (!entry) {
    const group = apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
    const known = registry.knownInGroup(group);
    const sameKind = known.filter((k) => k.endsWith(`/${kind}`));
    const crdGroup = sameKind.some((k) => {
      const i = k.length - kind.length - 1;
      return registry.lookup(k.slice(0, i), kind)?.crd === true;
    });
    if (sameKind.length > 0 && crdGroup) {
      const served = sameKind.map((k) => k.slice(0, k.length - kind.length - 1));
      return {
        findings: [
          f(
            "skipped",
            `no schema for ${apiVersion} ${kind}: the bundled CRDs serve ${served.map((s) => `\`${s}\``).join(", ")} — add this version's CRD with --schemas`,
            "/apiVersion",
            strict ? "error" : "info",
          ),
        ],
        skipped: true,
      };
    }
    if (sameKind.length > 0) {
      const served = sameKind.map((k) => k.slice(0, k.length - kind.length - 1));
      return {
        findings: [
          f(
            "api-version",
            `${kind} is not served as ${apiVersion} by Kubernetes ${registry.kubernetesVersion}; use ${served.map((s) => `\`${s}\``).join(" or ")}`,
            "/apiVersion",
          ),
        ],
        skipped: false,
      };
    }
    if (known.length > 0) {
      const kinds = known
        .filter((k) => k.startsWith(`${apiVersion}/`))
        .map((k) => k.slice(apiVersion.length + 1));
      const guess = didYouMean(
        kind,
        kinds.length > 0 ? kinds : known.map((k) => k.slice(k.lastIndexOf("/") + 1)),
      );
      if (guess)
        return {
          findings: [
            f("kind", `unknown kind \`${kind}\` in ${apiVersion} — did you mean \`${guess}\`?`, "/kind"),
          ],
          skipped: false,
        };
    }
    return {
      findings: [
        f(
          "skipped",
          `no schema for ${apiVersion} ${kind}: not validated (add its CRD with --schemas)`,
          "/kind",
          strict ? "error" : "info",
        ),
      ],
      skipped: true,
    };
  }
  const errors = validateAgainstSchema(o, entry);
  return {
    findings: errors.map((e) =>
      f(e.messageId, e.message, e.path, e.messageId === "format" ? "warning" : "error"),
    ),
    skipped: false,
  };
}

/** Validate manifests. Pure apart from reading the bundled schemas on first use. */
export function validateObjects(
  inputs: readonly ManifestInput[],
  options: ValidateOptions = {},
): ValidationResult {
  const registry = options.registry ?? bundledRegistry();
  const findings: Finding[] = [];
  const statuses: ObjectStatus[] = [];
  const subjects: Subject[] = [];
  inputs.forEach((input, index) => {
    if (!isObj(input.object)) return;
    let status: ObjectStatus = "valid";
    if (!options.skipSchemas) {
      const s = schemaFindings(input, registry, options.strict ?? false);
      findings.push(...s.findings);
      if (s.skipped) status = "skipped";
      if (s.findings.some((x) => x.severity === "error")) status = "invalid";
    }
    statuses[index] = status;
    subjects.push({
      object: input.object,
      ref: refOf(input.object),
      index,
      ...(input.source ? { source: input.source } : {}),
      ...(input.pointer ? { pointer: input.pointer } : {}),
    });
  });
  const bundle = new BundleIndex(subjects, options.context ?? {}, options.defaultNamespace ?? "default");
  const checkFindings = runChecks(bundle, {
    checks: [...BUILTIN_CHECKS, ...(options.extraChecks ?? [])],
    ...(options.settings ? { settings: options.settings } : {}),
  });
  findings.push(...checkFindings);
  if (options.policies) {
    const policyFindings = options.policies(inputs.filter((i) => isObj(i.object)));
    findings.push(...policyFindings);
    checkFindings.push(...policyFindings);
  }
  // An object with an error-severity check finding is invalid too.
  // Check findings carry their subject's ref (identity); policy findings carry an equal ref, matched by value.
  const key = objectKey;
  const bySubject = new Map<unknown, number>(subjects.map((s) => [s.ref, s.index]));
  const byKey = new Map(subjects.map((s) => [key(s.ref), s.index]));
  for (const c of checkFindings) {
    if (c.severity !== "error" || !c.object) continue;
    const i = bySubject.get(c.object) ?? byKey.get(key(c.object));
    if (i !== undefined && statuses[i] === "valid") statuses[i] = "invalid";
  }
  const summary = { valid: 0, invalid: 0, skipped: 0, total: 0 };
  for (const s of statuses) {
    if (s === undefined) continue;
    summary[s]++;
    summary.total++;
  }
  return { findings, summary, statuses };
}
