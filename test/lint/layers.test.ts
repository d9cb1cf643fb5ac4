/**
 * `kintent/layers` (eslint-rules/layers.js): RuleTester tables over the layer table that eslint.config.js really
 * configures, the rule's checks of its own options, and the wiring in eslint.config.js, including the temporary
 * list of files that still break the layering.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ESLint, Linter, RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import kintent from "../../eslint-rules/index.js";
import layers from "../../eslint-rules/layers.js";
import type { LayersOptions } from "../../eslint-rules/layers.js";

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const repo = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: repo });

/** The rule's severity and options in eslint.config.js for one file, or undefined when the rule is off there. */
async function configured(file: string): Promise<{ severity: unknown; options: LayersOptions } | undefined> {
  const config = (await eslint.calculateConfigForFile(file)) as { rules?: Record<string, unknown[]> };
  const entry = config.rules?.["kintent/layers"];
  if (!entry || entry[0] === 0 || entry[0] === "off") return undefined;
  return { severity: entry[0], options: entry[1] as LayersOptions };
}

const real = await configured("src/core/finding.ts");
if (!real) throw new Error("eslint.config.js does not turn kintent/layers on for src/core/finding.ts");
const options = real.options;
const root = path.resolve(repo, options.root ?? "src");
/** A file under the source root, by its path inside it. */
const src = (rel: string): string => path.join(root, rel);

const LAYERING =
  "core ← intent ← compile ← render/validate/policy ← report ← project ← gitops/ai/cluster/importer ← cli/cmp/mcp";

/** The placeholders every message fills in besides `from` and `to`. */
const common = { layering: LAYERING, interfaces: "cli/cmp/mcp", root: "src", entry: "`src/index.ts`" };
/** An expected error by message id and the two ends of the import (RuleTester compares the whole message). */
const err = (messageId: string, from: string, to: string, at: { line?: number } = {}) => ({
  messageId,
  data: { ...common, from, to },
  ...at,
});

/** Lints one file with the rule alone, without type information. */
function verify(opts: LayersOptions, file: string, code: string, cwd: string): Linter.LintMessage[] {
  return new Linter({ cwd }).verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tseslint.parser },
        plugins: { kintent },
        rules: { "kintent/layers": ["error", opts] },
      },
    ],
    file,
  );
}

const ruleTester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: "latest", sourceType: "module" },
});

ruleTester.run("kintent/layers", layers, {
  valid: [
    // 1. own stage and lower layers
    {
      filename: src("validate/project.ts"),
      code: 'import { check } from "./checks/index.js";',
    },
    {
      filename: src("validate/checks/templates/graph.ts"),
      code: 'import { x } from "../../../core/suggest.js";',
    },
    { filename: src("validate/index.ts"), code: 'import { buildEnvironment } from "../compile/index.js";' },
    { filename: src("report/sarif.ts"), code: 'import type { Finding } from "../core/finding.js";' },
    { filename: src("project/open.ts"), code: 'export * from "../report/index.js";' },
    { filename: src("project/open.ts"), code: 'export { validateObjects } from "../validate/index.js";' },
    {
      filename: src("cli/commands/build.ts"),
      code: 'const { propose } = await import("../../gitops/propose.js");',
    },
    { filename: src("cli/commands/validate.ts"), code: 'const m = await import("../../policy/gate.js");' },
    { filename: src("mcp/server.ts"), code: 'import { openProject } from "../project/index.js";' },
    // packages are not restricted
    {
      filename: src("core/object.ts"),
      code: 'import { z } from "zod";\nimport { readFile } from "node:fs/promises";\nimport k8s from "@kubernetes/client-node";',
    },
    // a module outside the source root is not layered
    { filename: src("core/version.ts"), code: 'import pkg from "../../package.json" with { type: "json" };' },
    // a specifier the rule cannot read statically is not checked
    {
      filename: src("core/load.ts"),
      code: "const m = await import(name);\nconst n = await import(`../${name}.js`);",
    },
    // 2. the sibling edges eslint.config.js allows
    { filename: src("ai/ask.ts"), code: 'const { propose } = await import("../gitops/propose.js");' },
    { filename: src("ai/ask.ts"), code: 'import type { ProposeOptions } from "../gitops/propose.js";' },
    { filename: src("cluster/diagnose.ts"), code: 'import { propose } from "../gitops/propose.js";' },
    { filename: src("cluster/fixes.ts"), code: 'import { previewChange } from "../ai/preview.js";' },
    {
      filename: src("cluster/rollout/deliver.ts"),
      code: 'import { applyOpsToDir } from "../../ai/apply.js";',
    },
    // 3. the interfaces import each other only through allowed sibling edges: the CLI's `kintent cmp`
    {
      filename: src("cli/commands/cmp.ts"),
      code: 'const { cmpGenerate } = await import("../../cmp/generate.js");',
    },
    // the library entry imports every stage but the interfaces, and only the interfaces import the entry
    {
      filename: src("index.ts"),
      code: 'export type { Finding } from "./core/finding.js";\nexport * from "./project/index.js";\nexport { propose } from "./gitops/propose.js";',
    },
    { filename: src("cli/main.ts"), code: 'import { openProject } from "../index.js";' },
    // 5. test files, and files outside the source root, are exempt
    { filename: src("validate/project.test.ts"), code: 'import { main } from "../cli/main.js";' },
    { filename: src("policy/engine/pattern.test.ts"), code: 'import { x } from "../../validate/index.js";' },
    {
      filename: path.join(repo, "test/lint/fixture.ts"),
      code: 'import { main } from "../../src/cli/main.js";',
    },
    { filename: path.join(repo, "bench/index.ts"), code: 'import { main } from "../src/cli/main.js";' },
    { filename: path.join(repo, "scripts/gen-schemas.ts"), code: 'import { x } from "../src/build.js";' },
    { filename: path.join(repo, "eval/ai/run.ts"), code: 'import { x } from "../../src/ai/ask.js";' },
    // text linted without a file name has no place in the tree
    { code: 'import { main } from "../cli/main.js";' },
  ].map((c) => ({ options: [options], ...c })),

  // The first case of each message id spells out the whole message; RuleTester takes `message` or `messageId`.
  invalid: [
    // 1. upward imports, in every form of import
    {
      filename: src("validate/project.ts"),
      code: 'import { openProject } from "../project/index.js";',
      errors: [
        {
          message: `\`validate\` (layer 3) must not import \`project\` (layer 5): stages import only downward — ${LAYERING}`,
          line: 1,
          column: 29,
          endColumn: 50,
        },
      ],
    },
    {
      filename: src("compile/index.ts"),
      code: 'export * from "../render/yaml.js";',
      errors: [err("upward", "`compile` (layer 2)", "`render` (layer 3)")],
    },
    {
      filename: src("compile/index.ts"),
      code: 'export { toYamlStream } from "../render/yaml.js";',
      errors: [{ messageId: "upward" }],
    },
    {
      filename: src("core/finding.ts"),
      code: 'import type { Report } from "../report/types.js";',
      errors: [err("upward", "`core` (layer 0)", "`report` (layer 4)")],
    },
    {
      filename: src("core/finding.ts"),
      code: 'import { type Report } from "../report/types.js";',
      errors: [{ messageId: "upward" }],
    },
    {
      filename: src("intent/load.ts"),
      code: 'async function f() {\n  const { ask } = await import("../ai/ask.js");\n  const { gate } = await import(`../policy/gate.js`);\n}',
      errors: [
        err("upward", "`intent` (layer 1)", "`ai` (layer 6)", { line: 2 }),
        err("upward", "`intent` (layer 1)", "`policy` (layer 3)", { line: 3 }),
      ],
    },
    {
      filename: src("core/object.ts"),
      code: 'type Loaded = typeof import("../intent/load.js");\ntype R = import("../compile/types.js").CompileResult;',
      errors: [
        err("upward", "`core` (layer 0)", "`intent` (layer 1)", { line: 1 }),
        err("upward", "`core` (layer 0)", "`compile` (layer 2)", { line: 2 }),
      ],
    },
    {
      filename: src("report/index.ts"),
      code: 'import project = require("../project/index.js");',
      errors: [err("upward", "`report` (layer 4)", "`project` (layer 5)")],
    },
    {
      filename: src("gitops/prepare.ts"),
      code: 'import { x } from "/does/not/matter.js";\nimport { y } from "' + src("mcp/server.js") + '";',
      errors: [{ messageId: "interface", line: 2 }],
    },
    // 2. siblings, unless the edge is allowed
    {
      filename: src("validate/project.ts"),
      code: 'const { policyGate } = await import("../policy/gate.js");',
      errors: [
        {
          message:
            "`validate` (layer 3) must not import its sibling `policy` (layer 3): stages on one layer stay " +
            `independent unless the edge is in the rule's allowSiblings — ${LAYERING}`,
        },
      ],
    },
    {
      filename: src("policy/gate.ts"),
      code: 'import type { ManifestInput } from "../validate/index.js";',
      errors: [err("sibling", "`policy` (layer 3)", "`validate` (layer 3)")],
    },
    {
      filename: src("render/app-environments.ts"),
      code: 'import { validateObjects } from "../validate/index.js";',
      errors: [err("sibling", "`render` (layer 3)", "`validate` (layer 3)")],
    },
    {
      // an allowed edge has a direction
      filename: src("gitops/propose.ts"),
      code: 'import { ask } from "../ai/ask.js";',
      errors: [err("sibling", "`gitops` (layer 6)", "`ai` (layer 6)")],
    },
    {
      filename: src("ai/ask.ts"),
      code: 'export * from "../cluster/watch.js";',
      errors: [{ messageId: "sibling" }],
    },
    // 3. nothing imports the interfaces, and they import each other only through allowed edges
    {
      filename: src("report/stylish.ts"),
      code: 'import { writeOut } from "../cli/output.js";',
      errors: [
        {
          message:
            "`report` (layer 4) must not import `cli` (layer 7): nothing imports the interfaces (cli/cmp/mcp) but " +
            `the interfaces themselves — ${LAYERING}`,
        },
      ],
    },
    {
      filename: src("gitops/propose.ts"),
      code: 'const { runCmp } = await import("../cmp/main.js");',
      errors: [err("interface", "`gitops` (layer 6)", "`cmp` (layer 7)")],
    },
    {
      filename: src("index.ts"),
      code: 'export { main } from "./cli/main.js";\nexport * from "./mcp/server.js";',
      errors: [
        err("interface", "the library entry `src/index.ts`", "`cli` (layer 7)", { line: 1 }),
        err("interface", "the library entry `src/index.ts`", "`mcp` (layer 7)", { line: 2 }),
      ],
    },
    {
      filename: src("cmp/generate.ts"),
      code: 'import { io } from "../cli/io.js";',
      errors: [err("sibling", "`cmp` (layer 7)", "`cli` (layer 7)")],
    },
    {
      filename: src("mcp/server.ts"),
      code: 'import { main } from "../cli/main.js";',
      errors: [err("sibling", "`mcp` (layer 7)", "`cli` (layer 7)")],
    },
    // only the interfaces build on the library entry
    {
      filename: src("validate/index.ts"),
      code: 'import type { Finding } from "../index.js";',
      errors: [
        {
          message:
            "`validate` (layer 3) must not import the library entry `src/index.ts`: only the interfaces " +
            `(cli/cmp/mcp) build on the library entry — ${LAYERING}`,
        },
      ],
    },
    // 4. a module directly under src/ (or in a directory that is no stage) is not in a stage
    {
      filename: src("build.ts"),
      code: '// the whole pipeline\nimport { compile } from "./compile/index.js";',
      errors: [
        {
          message:
            "`src/build.ts` is not in a stage: every module under src/ lives in a stage directory or is the " +
            `library entry \`src/index.ts\` — ${LAYERING}`,
          line: 1,
          column: 1,
        },
      ],
    },
    {
      filename: src("util/strings.ts"),
      code: "export const x = 1;",
      errors: [{ messageId: "notInStage", data: { ...common, to: "`src/util/strings.ts`" } }],
    },
    // … and importing one is an error too, since its layer is unknown
    {
      filename: src("cmp/generate.ts"),
      code: 'const { buildIntent } = await import("../build.js");',
      errors: [
        {
          message:
            "`cmp` (layer 7) must not import `src/build.js`, which is not in a stage, so its layer is unknown; " +
            `move it into its stage — ${LAYERING}`,
        },
      ],
    },
    {
      filename: src("index.ts"),
      code: 'export { buildIntent } from "./build.js";\nexport * from "./util/strings.js";',
      errors: [
        err("importsUnstaged", "the library entry `src/index.ts`", "`src/build.js`", { line: 1 }),
        err("importsUnstaged", "the library entry `src/index.ts`", "`src/util/strings.js`", { line: 2 }),
      ],
    },
  ].map((c) => ({ options: [options], ...c })),
});

describe("the rule's own options", () => {
  const table = (extra: Partial<LayersOptions>): LayersOptions => ({
    root: "/repo/src",
    layers: [["core"], ["render", "validate"], ["cli"]],
    ...extra,
  });
  const lint = (opts: LayersOptions, file: string, code: string) => verify(opts, file, code, "/repo");

  it("takes the root relative to ESLint's cwd, and another entry file", () => {
    const opts = { layers: [["core"], ["cli"]], root: "lib", entry: "main.ts" };
    expect(lint(opts, "/repo/lib/main.ts", 'export * from "./core/a.js";')).toEqual([]);
    const [message] = lint(opts, "/repo/lib/core/a.ts", 'import "../main.js";');
    expect(message?.messageId).toBe("entry");
    expect(message?.message).toContain("the library entry `lib/main.ts`");
    expect(message?.message).toContain("— core ← cli");
  });

  it.each([
    [{ layers: [["core"], ["core"]] }, "stage 'core' is listed on layers 0 and 1"],
    [{ interfaces: ["mcp"] }, "interface 'mcp' is not a stage"],
    [{ allowSiblings: [{ from: "core", to: "cli", reason: "r" }] }, "does not join two stages on one layer"],
    [{ allowSiblings: [{ from: "render", to: "report", reason: "r" }] }, "names a stage not in 'layers'"],
  ])("refuses a layer table that contradicts itself: %j", (extra, error) => {
    expect(() => lint(table(extra), "/repo/src/core/a.ts", "")).toThrow(error);
  });

  it.each([
    [{ layers: [] }],
    [{ layers: [["src/core"]] }],
    [{ allowSiblings: [{ from: "render", to: "validate" }] }],
    [{ layer: [["core"]] }],
  ])("refuses options its schema does not describe: %j", (extra) => {
    expect(() => lint(table(extra as Partial<LayersOptions>), "/repo/src/core/a.ts", "")).toThrow(
      /Key "kintent\/layers"/,
    );
  });
});

describe("eslint.config.js", () => {
  it("turns the rule on at error for the sources, not for tests, benchmarks or scripts", async () => {
    expect(real.severity).toBe(2);
    expect(await configured("test/lint/layers.test.ts")).toBeUndefined();
    expect(await configured("bench/index.ts")).toBeUndefined();
    expect(await configured("scripts/gen-schemas.ts")).toBeUndefined();
  });

  it("covers every source file, and the whole of src/ keeps the layering (no exemptions)", async () => {
    const sources = readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .sort();
    expect(sources.length).toBeGreaterThan(100);
    const broken: string[] = [];
    for (const rel of sources) {
      const file = path.join(root, rel);
      expect(await configured(path.relative(repo, file)), `${rel} is not checked`).toBeDefined();
      for (const m of verify(options, file, readFileSync(file, "utf8"), repo))
        broken.push(`${rel}:${m.line}: ${m.message}`);
    }
    expect(broken).toEqual([]);
  });
});
