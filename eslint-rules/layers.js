// @ts-check
/**
 * `kintent/layers`: imports point only downward through the stages of the source tree.
 *
 * The source root (`src/`) is split into stage directories, and each stage sits on a layer. The layer table is data
 * passed as the rule's options (see eslint.config.js). For every import of a module under the root
 * (`import`, `import type`, `export … from`, `export * from`, `import("…")` with a literal, TypeScript's
 * `import x = require("…")` and `typeof import("…")`), the rule checks:
 *
 * - a stage imports its own stage and any lower layer, never a higher one (`upward`);
 * - stages on one layer (siblings) stay independent, except for the edges listed in `allowSiblings` (`sibling`);
 * - nothing but an interface imports an interface (`interface`), and interfaces are siblings like any other;
 * - only the interfaces build on the library entry, `src/index.ts` (`entry`); the entry imports anything except
 *   the interfaces;
 * - every module under the root belongs to a stage or is the entry (`notInStage`), and nothing imports a module
 *   that is not in a stage (`importsUnstaged`), because its layer is unknown.
 *
 * Package imports (`zod`, `node:fs`) are not restricted. Files outside the root (test/, bench/, scripts/, eval/) and
 * test files (`*.test.ts`, `*.spec.ts`) are exempt.
 */
import path from "node:path";

/**
 * One allowed import between two stages on the same layer.
 * @typedef {object} SiblingEdge
 * @property {string} from the importing stage
 * @property {string} to the imported stage
 * @property {string} reason why the edge is allowed, for the next reader of the config
 */

/**
 * The rule's options, as written in eslint.config.js.
 * @typedef {object} LayersOptions
 * @property {string} [root] the source root; relative paths resolve against ESLint's cwd. Default `src`.
 * @property {string} [entry] the library entry, a file directly under the root. Default `index.ts`.
 * @property {string[][]} layers the stages (directory names under the root) on each layer, lowest layer first
 * @property {string[]} [interfaces] the stages nothing else may import (the CLI, plugins, servers)
 * @property {SiblingEdge[]} [allowSiblings] the allowed imports between siblings
 */

/**
 * The options checked and indexed for lookups.
 * @typedef {object} LayerTable
 * @property {string} root absolute path of the source root
 * @property {string} rootName how the root is shown in messages (`src`)
 * @property {string} entry the entry's file name without extension (`index`)
 * @property {string} entryName how the entry is shown in messages (`src/index.ts`)
 * @property {Map<string, number>} layerOf stage → layer
 * @property {Set<string>} interfaces
 * @property {Set<string>} allowedSiblings `from→to` keys
 * @property {string} layering the layers for messages: `core ← intent ← … ← cli/cmp/mcp`
 */

/**
 * Where a module sits in the source tree.
 * @typedef {{ kind: "stage", stage: string, layer: number }
 *   | { kind: "entry" }
 *   | { kind: "unstaged", shown: string }
 *   | { kind: "outside" }} Place
 */

/**
 * The TypeScript-only nodes that carry a module specifier (typescript-eslint's AST); the rest are ESTree.
 * @typedef {{ type: "TSImportEqualsDeclaration", moduleReference: { type: string, expression?: import("estree").Node } }} TSImportEqualsDeclaration
 * @typedef {{ type: "TSImportType", source?: import("estree").Node, argument?: { type: string, literal?: import("estree").Node } }} TSImportType
 */

/** @typedef {"upward" | "sibling" | "interface" | "entry" | "importsUnstaged" | "notInStage"} MessageId */

const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
/** What Linter calls text linted without a file name. */
const NO_FILE = new Set(["<input>", "<text>"]);

/** @type {WeakMap<object, LayerTable>} */
const tables = new WeakMap();

/**
 * @param {string} p
 * @returns {string}
 */
function withoutExtension(p) {
  return p.slice(0, p.length - path.extname(p).length);
}

/**
 * @param {string} rel a path relative to the root
 * @returns {string[]}
 */
function segments(rel) {
  return rel.split(path.sep).filter((s) => s !== "");
}

/**
 * Checks the options beyond what the JSON schema can say, and indexes them.
 * @param {LayersOptions} options
 * @param {string} cwd
 * @returns {LayerTable}
 */
function tableOf(options, cwd) {
  const cached = tables.get(options);
  if (cached) return cached;
  const root = path.resolve(cwd, options.root ?? "src");
  /** @type {Map<string, number>} */
  const layerOf = new Map();
  options.layers.forEach((stages, layer) => {
    for (const stage of stages) {
      if (layerOf.has(stage)) {
        throw new Error(
          `kintent/layers: stage '${stage}' is listed on layers ${layerOf.get(stage)} and ${layer}`,
        );
      }
      layerOf.set(stage, layer);
    }
  });
  const interfaces = new Set(options.interfaces ?? []);
  for (const stage of interfaces) {
    if (!layerOf.has(stage))
      throw new Error(`kintent/layers: interface '${stage}' is not a stage in 'layers'`);
  }
  /** @type {Set<string>} */
  const allowedSiblings = new Set();
  for (const { from, to } of options.allowSiblings ?? []) {
    const fromLayer = layerOf.get(from);
    const toLayer = layerOf.get(to);
    if (fromLayer === undefined || toLayer === undefined) {
      throw new Error(
        `kintent/layers: allowed sibling edge '${from}' → '${to}' names a stage not in 'layers'`,
      );
    }
    if (fromLayer !== toLayer || from === to) {
      throw new Error(
        `kintent/layers: allowed sibling edge '${from}' (layer ${fromLayer}) → '${to}' (layer ${toLayer}) ` +
          "does not join two stages on one layer",
      );
    }
    allowedSiblings.add(`${from}→${to}`);
  }
  const entry = options.entry ?? "index.ts";
  const rootName = path.basename(root);
  /** @type {LayerTable} */
  const table = {
    root,
    rootName,
    entry: withoutExtension(entry),
    entryName: `${rootName}/${entry}`,
    layerOf,
    interfaces,
    allowedSiblings,
    layering: options.layers.map((stages) => stages.join("/")).join(" ← "),
  };
  tables.set(options, table);
  return table;
}

/**
 * @param {string} file an absolute path
 * @param {LayerTable} table
 * @returns {Place}
 */
function placeOf(file, table) {
  const rel = path.relative(table.root, file);
  if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return { kind: "outside" };
  const parts = segments(rel);
  const shown = [table.rootName, ...parts].join("/");
  const [first] = parts;
  if (first === undefined) return { kind: "unstaged", shown };
  if (parts.length === 1) {
    return withoutExtension(first) === table.entry ? { kind: "entry" } : { kind: "unstaged", shown };
  }
  const layer = table.layerOf.get(first);
  return layer === undefined ? { kind: "unstaged", shown } : { kind: "stage", stage: first, layer };
}

/**
 * How a place is named in a message: "`validate` (layer 3)" or "the library entry `src/index.ts`".
 * @param {Place} place
 * @param {LayerTable} table
 * @returns {string}
 */
function describe(place, table) {
  switch (place.kind) {
    case "stage":
      return `\`${place.stage}\` (layer ${place.layer})`;
    case "entry":
      return `the library entry \`${table.entryName}\``;
    case "unstaged":
      return `\`${place.shown}\``;
    case "outside":
      return "a module outside the source root";
  }
}

/**
 * The message id for importing `to` from `from`, or undefined when the import keeps the layering.
 * @param {Place & { kind: "stage" | "entry" }} from
 * @param {Place} to
 * @param {LayerTable} table
 * @returns {MessageId | undefined}
 */
function violation(from, to, table) {
  const fromInterface = from.kind === "stage" && table.interfaces.has(from.stage);
  switch (to.kind) {
    case "outside":
      return undefined;
    case "unstaged":
      return "importsUnstaged";
    case "entry":
      return from.kind === "entry" || fromInterface ? undefined : "entry";
    case "stage":
      if (table.interfaces.has(to.stage) && !fromInterface) return "interface";
      if (from.kind === "entry") return undefined;
      if (to.stage === from.stage || to.layer < from.layer) return undefined;
      if (to.layer > from.layer) return "upward";
      return table.allowedSiblings.has(`${from.stage}→${to.stage}`) ? undefined : "sibling";
  }
}

/**
 * The specifier of a string literal, or of a template literal without substitutions.
 * @param {import("estree").Node | null | undefined} node
 * @returns {string | undefined}
 */
function specifierOf(node) {
  if (!node) return undefined;
  if (node.type === "Literal") return typeof node.value === "string" ? node.value : undefined;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0)
    return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** @type {import("eslint").JSRuleDefinition<{ RuleOptions: [LayersOptions], MessageIds: MessageId }>} */
const rule = {
  meta: {
    type: "problem",
    docs: {
      description: "Keep the layered architecture: stages import only their own stage and lower layers",
    },
    schema: [
      {
        type: "object",
        properties: {
          root: { type: "string", minLength: 1 },
          entry: { type: "string", pattern: "^[^/\\\\]+$" },
          layers: {
            type: "array",
            minItems: 1,
            items: {
              type: "array",
              minItems: 1,
              uniqueItems: true,
              items: { type: "string", pattern: "^[^/\\\\.][^/\\\\]*$" },
            },
          },
          interfaces: { type: "array", uniqueItems: true, items: { type: "string" } },
          allowSiblings: {
            type: "array",
            items: {
              type: "object",
              properties: {
                from: { type: "string" },
                to: { type: "string" },
                reason: { type: "string", minLength: 1 },
              },
              required: ["from", "to", "reason"],
              additionalProperties: false,
            },
          },
        },
        required: ["layers"],
        additionalProperties: false,
      },
    ],
    messages: {
      upward: "{{from}} must not import {{to}}: stages import only downward — {{layering}}",
      sibling:
        "{{from}} must not import its sibling {{to}}: stages on one layer stay independent unless the edge is in " +
        "the rule's allowSiblings — {{layering}}",
      interface:
        "{{from}} must not import {{to}}: nothing imports the interfaces ({{interfaces}}) but the interfaces " +
        "themselves — {{layering}}",
      entry:
        "{{from}} must not import {{to}}: only the interfaces ({{interfaces}}) build on the library entry — " +
        "{{layering}}",
      importsUnstaged:
        "{{from}} must not import {{to}}, which is not in a stage, so its layer is unknown; move it into its stage " +
        "— {{layering}}",
      notInStage:
        "{{to}} is not in a stage: every module under {{root}}/ lives in a stage directory or is the library entry " +
        "{{entry}} — {{layering}}",
    },
  },

  create(context) {
    if (NO_FILE.has(context.filename)) return {};
    const table = tableOf(context.options[0], context.cwd);
    const file = path.resolve(context.cwd, context.filename);
    if (TEST_FILE.test(file)) return {};
    const from = placeOf(file, table);
    if (from.kind === "outside") return {};
    const common = {
      layering: table.layering,
      interfaces: [...table.interfaces].join("/"),
      root: table.rootName,
      entry: `\`${table.entryName}\``,
    };
    if (from.kind === "unstaged") {
      return {
        Program() {
          context.report({
            loc: { line: 1, column: 0 },
            messageId: "notInStage",
            data: { ...common, to: describe(from, table) },
          });
        },
      };
    }

    /** @param {import("estree").Node | null | undefined} source */
    function check(source) {
      const specifier = specifierOf(source);
      if (!source || specifier === undefined) return;
      const relative = specifier === "." || specifier === ".." || /^\.\.?\//.test(specifier);
      if (!relative && !path.isAbsolute(specifier)) return; // a package: not restricted
      const to = placeOf(path.resolve(path.dirname(file), specifier), table);
      const messageId = violation(/** @type {Place & { kind: "stage" | "entry" }} */ (from), to, table);
      if (messageId) {
        context.report({
          node: source,
          messageId,
          data: { ...common, from: describe(from, table), to: describe(to, table) },
        });
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      // typescript-eslint's nodes; the visitor's types know only ESTree.
      /** @param {unknown} node */
      TSImportEqualsDeclaration(node) {
        const { moduleReference } = /** @type {TSImportEqualsDeclaration} */ (node);
        if (moduleReference.type === "TSExternalModuleReference") check(moduleReference.expression);
      },
      /** @param {unknown} node */
      TSImportType(node) {
        const { source, argument } = /** @type {TSImportType} */ (node);
        check(source ?? (argument?.type === "TSLiteralType" ? argument.literal : undefined));
      },
    };
  },
};

export default rule;
