/**
 * The MCP server's tools, in the order `tools/list` shows them. Adding a tool is one entry here and one module
 * beside it (a {@link ToolFactory}: schemas, annotations, `run`); the server registers, redacts, bounds and
 * reports errors for every tool the same way. Tools that write (`writes: true`) are left out with
 * `--read-only`.
 */
import type { ToolFactory } from "../tool.js";
import { build } from "./build.js";
import { changeIntentTool } from "./change-intent.js";
import { describeProject } from "./describe.js";
import { rolloutAbortTool, rolloutPromoteTool, rolloutStatusTool, rolloutStepTool } from "./rollout.js";
import { diagnoseTool } from "./diagnose.js";
import { statusTool } from "./status.js";
import { explain } from "./explain.js";
import { policyTest } from "./policy-test.js";
import { proposeTool } from "./propose.js";
import { validate } from "./validate.js";

export const TOOLS: readonly ToolFactory[] = [
  describeProject,
  build,
  explain,
  validate,
  policyTest,
  changeIntentTool,
  proposeTool,
  statusTool,
  diagnoseTool,
  rolloutStatusTool,
  rolloutStepTool,
  rolloutAbortTool,
  rolloutPromoteTool,
];
