import type { Command } from "commander";
import type { CommandContext } from "../context.js";

/** Each command module exports one `register` function. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/**
 * The CLI's command table, in `--help` order. Modules load lazily: a run loads only the command it invokes
 * (help and unknown commands load them all), so `kintent validate` does not pay for the LLM SDKs or Git code.
 */
export const commandTable: readonly { name: string; load: () => Promise<RegisterCommand> }[] = [
  { name: "init", load: async () => (await import("./init.js")).registerInit },
  { name: "build", load: async () => (await import("./build.js")).registerBuild },
  { name: "explain", load: async () => (await import("./explain.js")).registerExplain },
  { name: "validate", load: async () => (await import("./validate.js")).registerValidate },
  { name: "checks", load: async () => (await import("./checks.js")).registerChecks },
  { name: "schema", load: async () => (await import("./schema.js")).registerSchema },
  { name: "set", load: async () => (await import("./set.js")).registerSet },
  { name: "ask", load: async () => (await import("./ask.js")).registerAsk },
  { name: "policy", load: async () => (await import("./policy.js")).registerPolicy },
  { name: "propose", load: async () => (await import("./propose.js")).registerPropose },
  { name: "rollout", load: async () => (await import("./rollout.js")).registerRollout },
  { name: "import", load: async () => (await import("./import.js")).registerImport },
  { name: "cmp", load: async () => (await import("./cmp.js")).registerCmp },
  { name: "status", load: async () => (await import("./status.js")).registerStatus },
  { name: "diagnose", load: async () => (await import("./diagnose.js")).registerDiagnose },
  { name: "watch", load: async () => (await import("./watch.js")).registerWatch },
  { name: "mcp", load: async () => (await import("./mcp.js")).registerMcp },
];

/** The register functions needed for `argv`: the invoked command's, or all of them. */
export async function commandsFor(argv: readonly string[]): Promise<RegisterCommand[]> {
  const first = argv.find((a) => !a.startsWith("-"));
  const only = commandTable.find((c) => c.name === first);
  const wanted = only && !argv.includes("--help") && !argv.includes("-h") ? [only] : commandTable;
  return Promise.all(wanted.map((c) => c.load()));
}
