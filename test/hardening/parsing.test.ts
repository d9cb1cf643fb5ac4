/**
 * Issue 16, defect 5: hangs and crashes on hostile YAML. Alias bombs and unresolved aliases, deep nesting,
 * CR-only line breaks and objects without metadata give located errors — in `validate` as in `build` — and a
 * CR-only extra manifest is read, not dropped.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers.js";
import { parseManifestStream, parseYamlStream } from "../../src/core/yaml-source.js";

const work = mkdtempSync(join(tmpdir(), "kintent-h16-parse-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The 700-byte nested-alias document: 10^12 nodes once expanded. */
function aliasBomb(): string {
  const lines = ["a0: &a0 [x,x,x,x,x,x,x,x,x,x]"];
  for (let i = 1; i < 12; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(",")}]`,
    );
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

const INTENT =
  "apiVersion: kintent.dev/v1alpha1\nkind: App\nmetadata: {name: web}\nspec:\n  image: ghcr.io/acme/web:1.0.0\n  port: 8080\n  probe: /healthz\n";

function withExtra(text: string): string {
  const d = mkdtempSync(join(work, "app-"));
  mkdirSync(join(d, "extra"));
  writeFileSync(join(d, "kintent.yaml"), INTENT);
  writeFileSync(join(d, "extra", "x.yaml"), text);
  return d;
}

function file(name: string, text: string): string {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
}

describe("validate: hostile YAML gets located errors, quickly", () => {
  const cases: [string, string, RegExp][] = [
    ["an alias bomb (busy for minutes before)", aliasBomb(), /1:1 .*too many aliases/],
    [
      "an unresolved alias",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: *nope\n",
      /4:7 .*Unresolved alias: nope/,
    ],
    ["deep flow nesting", `a: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`, /1:\d+ .*nests too deeply/],
    [
      "CR-only line breaks, with a finding to locate",
      "apiVersion: v1\rkind: ConfigMap\rmetadata:\r  name: cr\r  labels: {a: 'b c'}\rdata: {a: b}\r",
      /5:12 .*label value "b c"/,
    ],
    [
      "an object without metadata",
      "apiVersion: v1\nkind: ConfigMap\n",
      /1:1 .*missing required field `metadata`.*\[ConfigMap \(no name\)\]/,
    ],
  ];
  it.each(cases)("%s", async (_name, text, message) => {
    const p = file(`v-${Math.random().toString(36).slice(2)}.yaml`, text);
    const started = Date.now();
    const r = await runCli(["validate", p, "--format", "stylish"]);
    expect(Date.now() - started).toBeLessThan(20_000); // a hang, not a speed target
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(message);
    expect(r.stdout + r.stderr).not.toMatch(/internal error/);
  });

  it("the manifest parser bounds alias expansion itself", () => {
    const r = parseManifestStream(aliasBomb(), "bomb.yaml");
    expect(r.documents).toEqual([]);
    expect(r.errors[0]?.message).toMatch(/too many aliases/);
    // Aliases within the bound still work.
    const ok = parseYamlStream("a: &x {b: 1}\nc: *x\n", "ok.yaml");
    expect(ok.documents[0]?.value).toEqual({ a: { b: 1 }, c: { b: 1 } });
  });
});

describe("build: extra manifests", () => {
  it("a CR-only extra manifest is read and deployed, not silently dropped", async () => {
    const d = withExtra("apiVersion: v1\rkind: ConfigMap\rmetadata:\r  name: cr-only\rdata: {a: b}\r");
    const r = await runCli(["build", d]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kind: ConfigMap\nmetadata:\n {2}name: cr-only/);
  });

  it.each<[string, string, RegExp]>([
    [
      "without metadata",
      "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n",
      /extra\/x\.yaml\n\s+1:1 .*must be Kubernetes objects with apiVersion, kind and metadata\.name/,
    ],
    [
      "with an unresolved alias",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: *nope\n",
      /4:7 .*Unresolved alias/,
    ],
    ["an alias bomb", aliasBomb(), /too many aliases/],
  ])("an extra manifest %s: a located error, exit 2", async (_name, text, message) => {
    const r = await runCli(["build", withExtra(text)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});
