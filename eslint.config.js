// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import kintent from "./eslint-rules/index.js";

/**
 * The stages of src/ and their layers, lowest first: a stage imports its own stage and lower layers only.
 * Options of the `kintent/layers` rule (eslint-rules/layers.js).
 * @type {import("./eslint-rules/layers.js").LayersOptions}
 */
const layers = {
  root: `${import.meta.dirname}/src`,
  entry: "index.ts", // the library entry: may import every stage but the interfaces
  layers: [
    ["core"], // 0: shared vocabulary: Finding, objects, quantities, diff, redaction, errors, YAML sources
    ["intent"], // 1: schemas, loading, editing
    ["compile"], // 2
    ["render", "validate", "policy"], // 3
    ["report"], // 4
    ["project"], // 5: the engine (openProject → build(env))
    // 6; importer: `kintent import` builds the intent it infers through the engine to prove parity
    ["gitops", "ai", "cluster", "importer"],
    ["cli", "cmp", "mcp"], // 7: the interfaces
  ],
  interfaces: ["cli", "cmp", "mcp"],
  // Imports between stages on one layer; every other sibling import (validate → policy, render → validate, …) is
  // an error.
  allowSiblings: [
    { from: "ai", to: "gitops", reason: "kintent ask --propose opens the pull request with gitops' propose" },
    { from: "cluster", to: "gitops", reason: "diagnoses go back as intent changes through a proposal" },
    {
      from: "cluster",
      to: "ai",
      reason:
        "a fix is previewed exactly like `kintent set`/`ask` (ai/preview.ts), `diagnose --explain` uses ai's providers, and a canary step is an intent edit applied by the one applier `kintent set` uses (ai/apply.ts)",
    },
    { from: "cli", to: "cmp", reason: "the CLI's `kintent cmp` command runs the Argo CD plugin's code" },
    { from: "cli", to: "mcp", reason: "the CLI's `kintent mcp` command starts the MCP server" },
  ],
};

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "dist-check/**",
      "coverage/**",
      "node_modules/**",
      "bench/.work/**",
      "**/*.js",
      "!eslint.config.js",
      "!eslint-rules/*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["fs", "path", "child_process", "os", "url", "crypto"],
              message: "use the node: prefix",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["eslint.config.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["src/**/*.ts"],
    plugins: { kintent },
    rules: { "kintent/layers": ["error", layers] },
  },
);
