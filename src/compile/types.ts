import type { ObjectRef, SourceLocation } from "../validate/finding.js";
import type { Origin } from "../intent/types.js";

/** A Kubernetes object as plain data. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

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
}

export function refOf(o: KObject): ObjectRef {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}

export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    (a.namespace ?? "") === (b.namespace ?? "") &&
    a.apiVersion === b.apiVersion
  );
}
