/**
 * The plugin's entry point without the CLI framework: `bin/kintent.js` dispatches `kintent cmp generate|discover`
 * here directly, so a sync pays only for what generate needs. `src/cli/commands/cmp.ts` calls the same
 * functions, so both paths behave identically. The plugin image starts it from a V8 start-up snapshot instead
 * (src/cmp/snapshot.ts).
 */
import { cmpDiscover, cmpGenerate } from "./generate.js";
import type { CmpIO } from "./generate.js";

export type { CmpIO } from "./generate.js";
export { cmpDiscover, cmpGenerate } from "./generate.js";

/** `args` after `cmp`: `["generate"]` or `["discover"]`. Returns the exit code. */
export async function runCmp(args: readonly string[], io: CmpIO): Promise<number> {
  const [sub, ...rest] = args;
  if (rest.length > 0) {
    io.stderr.write(`kintent cmp: unexpected argument ${JSON.stringify(rest[0])}\n`);
    return 2;
  }
  if (sub === "generate") return await cmpGenerate(io);
  if (sub === "discover") return await cmpDiscover(io);
  io.stderr.write("kintent cmp: usage: kintent cmp generate | kintent cmp discover\n");
  return 2;
}
