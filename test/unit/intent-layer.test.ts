/**
 * The intent stage sits under everything but core: src/intent (and its editor, src/intent/edit) may import
 * only src/core, src/intent and the few packages that read and describe intents — never compile, render,
 * validate, policy, report, ai, gitops or an interface, and no CLI framework.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

const INTENT = join(ROOT, "src", "intent");
const PACKAGES = new Set(["yaml", "zod", "js-yaml", "vitest"]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

/** Every module specifier a file imports or re-exports. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)].map((m) => m[1] ?? "");
}

describe("src/intent imports only src/core and src/intent", () => {
  const files = sources(INTENT);

  it("finds the editor among the sources", () => {
    expect(files.map((f) => relative(ROOT, f))).toContain("src/intent/edit/index.ts");
  });

  it.each(files.map((f) => [relative(ROOT, f), f] as const))("%s", (_name, file) => {
    const wrong = specifiers(file).filter((s) => {
      if (s.startsWith("node:")) return false;
      if (!s.startsWith(".")) return !PACKAGES.has(s);
      const target = relative(join(ROOT, "src"), resolve(dirname(file), s));
      return !/^(core|intent)\//.test(target);
    });
    expect(wrong).toEqual([]);
  });
});
