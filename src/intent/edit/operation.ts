/**
 * What one intent operation is: its schema, how it changes the App document, the `spec.why` key a reason is
 * recorded under, and — when people type it — its `kintent set` verb. The registry (registry.ts) is a list
 * of these; everything else about operations is derived from that list.
 */
import type * as z from "zod";
import type { Engine } from "../types.js";
import type { AppDocument, Path } from "./app-document.js";

/** What the applier needs to know beyond the document: pure facts, no I/O. */
export interface ApplyContext {
  /** Environment names the platform defines (for `env` targets). */
  environments: readonly string[];
  /** The platform's progressive delivery engine; unknown when undefined (engine rules are then left to the resolver). */
  engine?: Engine;
}

/** What an operation's `apply` works on. */
export interface OpTarget {
  /** The App document. */
  readonly doc: AppDocument;
  /** The environment the operation is limited to (already checked against the platform), or undefined for all. */
  readonly env: string | undefined;
  /**
   * Path of a field: `spec.<field>`, or `spec.environments.<env>.<field>` when the operation names an
   * environment (refused for fields that cannot differ per environment).
   */
  readonly at: (field: string) => Path;
  readonly context: ApplyContext;
}

/** The schema of one operation: a closed object whose `op` is the operation's name. */
export type OpSchema = z.ZodObject<{ op: z.ZodLiteral<string> } & z.core.$ZodLooseShape, z.core.$strict>;

/**
 * An operation as a verb builds it, before validation: `kintent set` parses every request with the
 * operation schemas (parseOps) before anything is applied, so a wrong field is a usage error, never a crash.
 */
export interface OpRequest {
  readonly op: string;
  readonly [field: string]: unknown;
}

/** Parsed command-line options of a verb (commander's camel-cased names). */
export type VerbOptions = Record<string, string | boolean | string[] | undefined>;

/** A verb's own command-line option; `kintent set` adds the common ones (--env, --dir, --why, …). */
export interface VerbOption {
  /** Commander flags, e.g. `--cpu <q>`, `--no-tls`, `--writable-path <path...>`. */
  flags: string;
  description: string;
  /** The only values accepted. */
  choices?: readonly string[];
}

/** The effects a verb may need, supplied by the interface. */
export interface VerbContext {
  /** Read a local file (a path relative to the working directory). */
  readonly readFile: (path: string) => string;
}

/** A `kintent set` verb; it is named after its operation. */
export interface VerbDefinition {
  /** Positional arguments in commander syntax, e.g. `<image>`, `[profile]`, `<vars...>`; "" for none. */
  args: string;
  /** One line for `kintent set --help`. */
  description: string;
  options?: readonly VerbOption[];
  /** The verb reads `--why` itself, so `kintent set` does not record it as a separate `why` operation. */
  ownsWhy?: boolean;
  /** argv → operations; throws UsageError for arguments it cannot read. */
  build(args: string[], options: VerbOptions, context: VerbContext): OpRequest[];
}

/** Everything about one operation. */
export interface OpDefinition<S extends OpSchema = OpSchema> {
  /** `op: z.literal(<name>)` plus its fields, each `.describe()`d (models read the descriptions). */
  readonly schema: S;
  /** The `spec.why` key a reason for this change is recorded under. @default "app" */
  readonly why?: string;
  /** Change the document; throw OpFailure, naming the field, for a request that cannot be applied. */
  apply(op: z.output<S>, target: OpTarget): void;
  /** Its `kintent set` verb; an operation a verb of another one yields (unset-env from `env NAME-`) has none. */
  readonly verb?: VerbDefinition;
}

/** Type an operation's definition from its schema (its apply then gets the parsed operation). */
export function defineOp<S extends OpSchema>(definition: OpDefinition<S>): OpDefinition<S> {
  return definition;
}
