/**
 * Applying intent operations to an intent file's text: on the `yaml` Document of the App, so comments, key
 * order and formatting survive; the result must still be a valid App. Pure: text + operations → text + diff
 * (+ errors that name the operation and the field).
 */
import { parseAllDocuments } from "yaml";
import type { Document, ToStringOptions } from "yaml";
import { appIntent } from "../schema.js";
import { AppDocument } from "./app-document.js";
import type { Path } from "./app-document.js";
import { describeOp } from "./describe-op.js";
import { operationNamed } from "./intent-op.js";
import type { IntentOp } from "./intent-op.js";
import { OpFailure } from "./op-failure.js";
import type { ApplyContext, OpTarget } from "./operation.js";
import type { OpError } from "./parse-ops.js";
import { mergeNormalizedEdit, unifiedDiff } from "./text-diff.js";

export interface EditResult {
  /** The new file text (the original when there are errors). */
  text: string;
  /** Unified diff of the file. */
  diff: string;
  /** One human line per applied operation. */
  applied: string[];
  errors: OpError[];
}

/** Fields an environment override may carry (spec.environments.<env>). */
const OVERRIDABLE = new Set([
  "image",
  "replicas",
  "autoscaling",
  "resources",
  "tier",
  "env",
  "expose",
  "service",
  "storage",
  "rollout",
  "labels",
]);

const RENDER: ToStringOptions = { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false };

/**
 * Apply operations to the App document with the given index in an intent file's text (all or nothing).
 * Unchanged lines keep their exact bytes; the result must still be a valid App.
 */
export function editIntentText(
  text: string,
  file: string,
  ops: readonly IntentOp[],
  context: ApplyContext,
  docIndex = 0,
): EditResult {
  const docs = parseAllDocuments(text, { keepSourceTokens: false });
  if (!Array.isArray(docs)) return fail(text, [{ index: -1, message: `${file}: empty file` }]);
  const doc = docs[docIndex];
  if (!doc) return fail(text, [{ index: -1, message: `${file}: no document ${docIndex}` }]);
  if (doc.errors.length > 0)
    return fail(text, [{ index: -1, message: `${file}: ${doc.errors[0]?.message}` }]);
  const before = render(docs);
  const errors: OpError[] = [];
  const applied: string[] = [];
  ops.forEach((op, index) => {
    try {
      applyOp(doc, op, context);
      applied.push(describeOp(op));
    } catch (e) {
      if (!(e instanceof OpFailure)) throw e;
      errors.push({ index, op: op.op, message: e.message });
    }
  });
  if (errors.length > 0) return fail(text, errors);
  const check = appIntent.safeParse(doc.toJS());
  if (!check.success) {
    return fail(
      text,
      check.error.issues.map((i) => ({
        index: -1,
        message: `the result is not a valid App: ${i.path.join(".")}: ${i.message}`,
      })),
    );
  }
  const after = render(docs);
  const merged = mergeNormalizedEdit(text, before, after);
  // Trust the merge only when it means exactly what the edited document means.
  const out = merged !== undefined && sameMeaning(merged, after) ? merged : after;
  return { text: out, diff: unifiedDiff(text, out, file), applied, errors: [] };
}

/** Apply one operation to an App document; throws OpFailure (naming the field) when it cannot. */
export function applyOp(doc: Document, op: IntentOp, context: ApplyContext): void {
  const env = "env" in op ? op.env : undefined;
  if (env !== undefined && !context.environments.includes(env)) {
    throw new OpFailure(
      `unknown environment \`${env}\` (the platform defines ${context.environments.join(", ")})`,
    );
  }
  const target: OpTarget = {
    doc: new AppDocument(doc),
    env,
    context,
    at: (field: string): Path => {
      if (env === undefined) return ["spec", field];
      if (!OVERRIDABLE.has(field)) throw new OpFailure(`${field} cannot differ per environment`);
      return ["spec", "environments", env, field];
    },
  };
  // The registry types each apply by its own schema; `op` was parsed by that schema (parseOps).
  const definition = operationNamed(op.op) as { apply(op: IntentOp, target: OpTarget): void };
  definition.apply(op, target);
}

function fail(text: string, errors: OpError[]): EditResult {
  return { text, diff: "", applied: [], errors };
}

function render(docs: Document[]): string {
  return docs.map((d) => d.toString(RENDER)).join("");
}

function sameMeaning(a: string, b: string): boolean {
  const x = parseAllDocuments(a);
  const y = parseAllDocuments(b);
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
  return x.every((d, i) => !d.errors.length && JSON.stringify(d.toJS()) === JSON.stringify(y[i]?.toJS()));
}
