import type { Command } from "commander";
import type { CommandContext } from "../context.js";

/** Each command module exports one `register` function; this list is the CLI's command table. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

import { registerBuild } from "./build.js";
import { registerExplain } from "./explain.js";
import { registerInit } from "./init.js";
import { registerSchema } from "./schema.js";
import { registerValidate } from "./validate.js";
import { registerChecks } from "./checks.js";
import { registerSet } from "./set.js";
import { registerAsk } from "./ask.js";
import { registerPolicy } from "./policy.js";
import { registerPropose } from "./propose.js";
import { registerCmp } from "./cmp.js";

export const commands: RegisterCommand[] = [
  registerInit,
  registerBuild,
  registerExplain,
  registerValidate,
  registerChecks,
  registerSchema,
  registerSet,
  registerAsk,
  registerPolicy,
  registerPropose,
  registerCmp,
];
