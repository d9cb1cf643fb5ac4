import type { ObjectRef, SourceLocation } from "../core/finding.js";
import type { KObject } from "../core/object.js";

import type { Origin, ResolvedApp } from "../intent/types.js";

/** Why one object, or one field of it, is the way it is. */
export interface Decision {
  object: ObjectRef;
  /** JSON Pointer inside the object; "" for the object as a whole. */
  path: string;
  why: string;
  from: Origin["from"];
  loc?: SourceLocation;
}

export interface CompileResult {
  app: string;
  environment: string;
  objects: KObject[];
  decisions: Decision[];
  /**
   * Identities ({@link objectKey}) of generated objects an extra manifest replaces (`kintent.dev/replace`): the
   * object under that identity in `objects` is the extra's.
   */
  replaced?: string[];
}

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
