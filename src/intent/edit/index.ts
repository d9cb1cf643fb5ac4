export { AppDocument } from "./app-document.js";
export type { Path } from "./app-document.js";
export { describeOp } from "./describe-op.js";
export { applyOp, editIntentText } from "./edit-intent-text.js";
export type { EditResult } from "./edit-intent-text.js";
export { intentOp, OP_NAMES, operationNamed, opSchemas } from "./intent-op.js";
export type { IntentOp, OpName } from "./intent-op.js";
export { OpFailure } from "./op-failure.js";
export { defineOp } from "./operation.js";
export type {
  ApplyContext,
  OpDefinition,
  OpRequest,
  OpSchema,
  OpTarget,
  VerbContext,
  VerbDefinition,
  VerbOption,
  VerbOptions,
} from "./operation.js";
export { opsJsonSchema } from "./ops-json-schema.js";
export { opsMarkdown } from "./ops-markdown.js";
export { parseOps } from "./parse-ops.js";
export type { OpError } from "./parse-ops.js";
export { OPERATIONS } from "./registry.js";
export {
  diffLines,
  mergeNormalizedEdit,
  splitLines,
  trailingCommentColumn,
  unifiedDiff,
} from "./text-diff.js";
export type { LineEdit } from "./text-diff.js";
