import type { Command } from "commander";
import type { CommandContext } from "../context.js";

/** Each command module exports one `register` function; this list is the CLI's command table. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export const commands: RegisterCommand[] = [];
