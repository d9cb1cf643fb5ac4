/** JUnit XML: one test suite per file, one test case per object; error findings are failures. */
import type { Report } from "./types.js";
import { safeReport } from "./safe.js";
import type { Finding } from "../core/finding.js";
import { compareFindings } from "../core/finding.js";
import { displayText } from "./safe.js";

/** XML text and attribute escaping; characters XML 1.0 forbids become visible escapes or U+FFFD. */
const esc = (s: string) =>
  displayText(s)
    .replace(/[\uFFFE\uFFFF]/g, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;");

export function formatJunit(input: Report): string {
  const r = safeReport(input);
  const byFile = new Map<string, Map<string, Finding[]>>();
  for (const f of [...r.findings].sort(compareFindings)) {
    const file = f.loc?.file ?? "(generated)";
    const obj = f.object
      ? `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ""}${f.object.name}`
      : "(file)";
    const m = byFile.get(file) ?? new Map<string, Finding[]>();
    const list = m.get(obj) ?? [];
    list.push(f);
    m.set(obj, list);
    byFile.set(file, m);
  }
  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  for (const [file, objects] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const cases: string[] = [];
    let failures = 0;
    for (const [obj, list] of objects) {
      const errors = list.filter((f) => f.severity === "error");
      if (errors.length > 0) failures++;
      const body = errors.map(
        (f) =>
          `      <failure type="${esc(f.checkId)}" message="${esc(f.message)}">${esc(`${f.loc ? `${f.loc.file}:${f.loc.line}:${f.loc.column} ` : ""}${f.path ?? ""} ${f.message}`)}</failure>`,
      );
      const others = list
        .filter((f) => f.severity !== "error")
        .map((f) => `${f.severity}: ${f.message} [${f.checkId}]`);
      cases.push(
        `    <testcase classname="${esc(file)}" name="${esc(obj)}">${body.length || others.length ? "\n" : ""}${body.join("\n")}${others.length ? `${body.length ? "\n" : ""}      <system-out>${esc(others.join("\n"))}</system-out>` : ""}${body.length || others.length ? "\n    " : ""}</testcase>`,
      );
    }
    totalTests += objects.size;
    totalFailures += failures;
    suites.push(
      `  <testsuite name="${esc(file)}" tests="${objects.size}" failures="${failures}" errors="0">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  // Objects without findings are not listed by name in the report: one test case stands for them all, so
  // `tests` always equals the number of <testcase> elements.
  const withFindings = [...byFile.values()].reduce(
    (n, m) => n + [...m.keys()].filter((k) => k !== "(file)").length,
    0,
  );
  const clean = r.summary.objects - withFindings;
  if (clean > 0) {
    suites.push(
      `  <testsuite name="kintent" tests="1" failures="0" errors="0">\n    <testcase classname="kintent" name="${clean} object(s) without findings"></testcase>\n  </testsuite>`,
    );
    totalTests += 1;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kintent validate" tests="${totalTests}" failures="${totalFailures}">\n${suites.join("\n")}\n</testsuites>\n`;
}
