/**
 * Checks are data (a definition: id, severity, docs, scope, template, params) that fill in templates
 * (code). Users add checks in `.kintent.yaml` by naming a template and its params. After kube-linter.
 */
import type * as z from "zod";
import type { Fix, ObjectRef, Severity, Suggestion } from "../../core/finding.js";
import type { SourceDocument } from "../../core/yaml-source.js";
import type { Obj } from "../objects.js";

/** One object under validation. */
export interface Subject {
  object: Obj;
  ref: ObjectRef;
  /** Position in the input (stable id). */
  index: number;
  source?: SourceDocument;
  /** JSON Pointer of the object inside its source document (items of a List). */
  pointer?: string;
}

export type RegistryAuthMethod = "pull-secret" | "node-role" | "workload-identity" | "anonymous";

/** Facts about where the manifests will run, when known (kintent's own output knows them). */
export interface ValidationContext {
  environment?: string;
  /** `production`, `staging`, `dev`: when unset, checks infer production from labels/namespace names. */
  tier?: string;
  /** ConfigMaps and Secrets that exist outside the bundle (by name, optionally `namespace/name`). */
  external?: {
    secrets?: string[];
    configMaps?: string[];
    services?: string[];
    /**
     * Pods declared to run outside the bundle, as the label sets a NetworkPolicy peer selects them by (an
     * intent's `network.allowFrom` names other apps): a peer selecting exactly one of them is not dangling.
     */
    pods?: Record<string, string>[];
  };
  /** Traefik provider flags, when known. */
  traefik?: { allowCrossNamespace?: boolean; allowExternalNameServices?: boolean };
  /** Registries that need credentials (host suffixes), besides the well-known private ones. */
  privateRegistries?: string[];
  /**
   * How registries authenticate, keyed by host or `host/path-prefix` (the longest match wins): only
   * `pull-secret` registries need an imagePullSecret; nodes (node-role) or the pod's ServiceAccount
   * (workload-identity) pull the others, or they are public (anonymous).
   */
  registryAuth?: Record<string, RegistryAuthMethod>;
}

/** Read-only view of the whole bundle for cross-resource checks. */
export interface Bundle {
  subjects: readonly Subject[];
  byKind(kind: string): readonly Subject[];
  find(kind: string, name: string, namespace: string | undefined): Subject | undefined;
  /** Effective namespace of a namespaced object (its own, or the default for the bundle). */
  namespaceOf(s: Subject): string;
  /** Compute once per bundle (indexes that several checks or objects share). */
  memo<T>(key: string, compute: () => T): T;
  context: ValidationContext;
}

export interface Diagnostic {
  messageId: string;
  data?: Record<string, string | number>;
  /** JSON Pointer inside the object. */
  path?: string;
  fix?: Fix;
  suggestions?: Suggestion[];
}

export interface TemplateContext<P> {
  subject: Subject;
  object: Obj;
  bundle: Bundle;
  params: P;
  report: (d: Diagnostic) => void;
}

export interface Template<P = Record<string, unknown>> {
  key: string;
  description: string;
  /** Object kinds the template understands (`DeploymentLike` = every pod-running kind; `Any`). */
  kinds: readonly string[];
  params: z.ZodType<P>;
  /** Message templates with `{{placeholders}}`, keyed by messageId. */
  messages: Record<string, string>;
  check(ctx: TemplateContext<P>): void;
}

export type Category = "security" | "reliability" | "graph" | "gitops" | "schema";

export interface CheckDefinition {
  id: string;
  category: Category;
  severity: Severity;
  description: string;
  remediation: string;
  /** Documentation URL. */
  docs: string;
  scope: { kinds: string[] };
  template: string;
  params?: Record<string, unknown>;
  /** Pod Security Standards profile the check belongs to, if any. */
  profile?: "baseline" | "restricted";
  /** Whether the check offers safe fixes (applied by --fix). */
  fixable?: boolean;
}
