/**
 * The fuzz worker, a child process: `node --import tsx test/fuzz/worker.ts <seed> <from> <to> <workDir>` runs
 * cases from..to-1 and prints one JSON line per case (`{"i":n,"problems":[…]}`), so the parent can time each
 * case and kill a hang.
 */
import { generateCase } from "./generate.js";
import { runCase } from "./run-case.js";

const [seed, from, to, workDir] = process.argv.slice(2);
for (let i = Number(from); i < Number(to); i++) {
  const problems = await runCase(generateCase(Number(seed), i), String(workDir));
  process.stdout.write(`${JSON.stringify({ i, problems })}\n`);
}
