import type { CliIO } from "./io.js";

export async function main(argv: string[], io: CliIO): Promise<number> {
  await Promise.resolve();
  io.stderr.write(`kintent: not implemented yet (${argv.join(" ")})\n`);
  return 2;
}
