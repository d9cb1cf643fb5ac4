// @ts-check
/**
 * kintent's local ESLint plugin: rules about this repository's own structure, loaded by eslint.config.js.
 */
import layers from "./layers.js";

/** @type {import("eslint").ESLint.Plugin} */
const plugin = {
  meta: { name: "kintent" },
  rules: { layers },
};

export default plugin;
