/**
 * Prints the agreement of kintent's checks with kube-linter's and kube-score's fixtures as markdown tables
 * (see linter-agreement.ts). `npm run bench -- linter-fixtures`.
 */
import { evaluateLinters, type LinterMappingResult } from "./linter-agreement.js";
import { LINTER_EXPLAINED } from "./linter-explained.js";

const { skipped, commits, results } = evaluateLinters();
for (const [tool, why] of Object.entries(skipped)) console.log(`${tool}: skipped — ${why}\n`);
for (const [tool, commit] of Object.entries(commits)) console.log(`${tool} fixtures at ${commit}`);

function table(rows: LinterMappingResult[]): string[] {
  const lines = ["| tool | their check | our check(s) | agree |", "|---|---|---|---|"];
  let agree = 0;
  let total = 0;
  for (const r of rows) {
    agree += r.agree;
    total += r.total;
    lines.push(
      `| ${r.mapping.tool} | \`${r.mapping.theirs}\` | ${r.mapping.ours.map((o) => `\`${o}\``).join(", ")} | ${r.agree}/${r.total}${r.mapping.note ? ` (${r.mapping.note})` : ""}${r.oracle ? ` (expected: ${r.oracle})` : ""} |`,
    );
  }
  if (total > 0)
    lines.push(`| **all** | | | **${agree}/${total} (${((100 * agree) / total).toFixed(1)}%)** |`);
  return lines;
}

for (const tool of ["kube-linter", "kube-score"] as const) {
  const rows = results.filter((r) => r.mapping.tool === tool);
  if (rows.length === 0) continue;
  console.log(`\n### ${tool}\n`);
  console.log(table(rows).join("\n"));
}
const bad = results.flatMap((r) =>
  r.cases.filter((c) => !c.agrees).map((c) => ({ key: `${r.mapping.theirs}: ${c.id}`, c })),
);
if (bad.length > 0) {
  console.log("\n### Disagreements\n");
  for (const { key, c } of bad)
    console.log(
      `- \`${key}\` — they ${c.expected === "fire" ? "fire" : "stay quiet"}, we ${c.fired ? "fire" : "stay quiet"}: ${LINTER_EXPLAINED[key] ?? "**unexplained**"}`,
    );
}
