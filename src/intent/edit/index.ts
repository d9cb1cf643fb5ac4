export {
  describeOp,
  editIntentText,
  intentOp,
  OP_NAMES,
  opSchemas,
  opsJsonSchema,
  opsMarkdown,
  parseOps,
} from "./ops.js";
export type { ApplyContext, EditResult, IntentOp, OpError, OpName } from "./ops.js";
export {
  diffLines,
  mergeNormalizedEdit,
  splitLines,
  trailingCommentColumn,
  unifiedDiff,
} from "./text-diff.js";
export type { LineEdit } from "./text-diff.js";
