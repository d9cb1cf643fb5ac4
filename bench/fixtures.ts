/**
 * Prints the agreement of kintent's checks with Polaris and Checkov fixtures as a markdown table
 * (see fixture-agreement.ts). `npm run bench -- fixtures`.
 */
import { evaluateAll } from "./fixture-agreement.js";

const results = evaluateAll();
const lines = ["| tool | their check | our check(s) | agree | disagreements |", "|---|---|---|---|---|"];
let agree = 0;
let total = 0;
for (const r of results) {
  agree += r.agree;
  total += r.total;
  const bad = r.files
    .filter((f) => !f.agrees)
    .map(
      (f) => `${f.file.split("/").pop() ?? f.file} (expected ${f.expected === "fire" ? "fire" : "quiet"})`,
    );
  lines.push(
    `| ${r.mapping.tool} | \`${r.mapping.theirs}\` | ${r.mapping.ours.map((o) => `\`${o}\``).join(", ")} | ${r.agree}/${r.total} | ${bad.join("; ")}${r.mapping.note ? ` — ${r.mapping.note}` : ""} |`,
  );
}
lines.push(`| **all** | | | **${agree}/${total} (${((100 * agree) / total).toFixed(1)}%)** | |`);
console.log(lines.join("\n"));
