/**
 * Issue 16, defects 3 and 6 in reports: Secret values are never printed (not in a schema message, not in any of
 * the five formats), control characters from object names cannot drive the terminal, JUnit output is valid XML
 * with a correct `tests` count whatever the names hold.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers.js";
import { REPORTERS } from "../../src/report/index.js";

const dir = mkdtempSync(join(tmpdir(), "kintent-h16-reports-"));

const SECRET = `apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData:
  pin: 739184
  enabled: true
data:
  blob: !!binary |
    c2VjcmV0LWJpbmFyeS12YWx1ZQ==
  bad: [1, 2]
`;
// JSON lets names carry any code unit: ESC and BEL sequences, NUL, a lone surrogate.
const HOSTILE = JSON.stringify({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name: "evil\u001b]0;pwned\u0007\u001b[2J\u0000\ud800",
    labels: { team: "glpat-abcdefghij0123456789xx", long: "x".repeat(300) },
  },
  data: { a: "b" },
});

writeFileSync(join(dir, "secret.yaml"), SECRET);
writeFileSync(join(dir, "hostile.json"), HOSTILE);

/** A strict enough XML 1.0 well-formedness check: legal characters, entities, balanced tags, one root. */
function assertWellFormedXml(xml: string): void {
  expect(xml).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
  expect(xml.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, "")).not.toContain("&");
  const body = xml.replace(/^<\?xml[^?]*\?>\n/, "");
  const stack: string[] = [];
  let roots = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z-]+)((?:\s+[A-Za-z-]+="[^"<]*")*)\s*(\/?)>|<|>/g)) {
    expect(m[2], `stray ${m[0]}`).toBeDefined();
    if (m[1] === "/") expect(stack.pop()).toBe(m[2]);
    else if (m[4] !== "/") {
      if (stack.length === 0) roots++;
      stack.push(m[2] as string);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

describe("reports never print Secret values nor raw control characters", () => {
  it.each(REPORTERS)("%s", async (format) => {
    const r = await runCli(["validate", "secret.yaml", "hostile.json", "-f", format], { cwd: dir });
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    // The schema errors are there, without the values.
    expect(out).toMatch(/stringData.*pin/);
    for (const v of ["739184", "c2VjcmV0LWJpbmFyeS12YWx1ZQ", "glpat-abcdefghij0123456789xx"])
      expect(out).not.toContain(v);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000\u0007\u001b]/);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(out).not.toContain("x".repeat(100));
    expect(out).not.toMatch(/\bundefined\b|\[object Object\]/);
    if (format === "json" || format === "sarif") JSON.parse(r.stdout);
    if (format === "junit") {
      assertWellFormedXml(r.stdout);
      const tests = Number(/<testsuites [^>]*tests="(\d+)"/.exec(r.stdout)?.[1]);
      expect(tests).toBe((r.stdout.match(/<testcase /g) ?? []).length);
    }
  });
});

describe("JUnit `tests` counts test cases", () => {
  it("findings without an object and clean objects do not inflate the count", async () => {
    const d = mkdtempSync(join(tmpdir(), "kintent-h16-junit-"));
    const cm = (n: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\ndata: {a: b}\n`;
    writeFileSync(join(d, "a.yaml"), [cm("a"), cm("b"), cm("c"), "- just a list\n"].join("---\n"));
    const r = await runCli(["validate", "a.yaml", "-f", "junit"], { cwd: d });
    assertWellFormedXml(r.stdout);
    const suites = [...r.stdout.matchAll(/<testsuite [^>]*tests="(\d+)"[^>]*>([\s\S]*?)<\/testsuite>/g)];
    for (const s of suites) expect(Number(s[1])).toBe((s[2]?.match(/<testcase /g) ?? []).length);
    const total = Number(/<testsuites [^>]*tests="(\d+)"/.exec(r.stdout)?.[1]);
    expect(total).toBe((r.stdout.match(/<testcase /g) ?? []).length);
  });
});
