/**
 * The directory kintent is installed in (the one holding its package.json, `dist/` and `schemas/`), found
 * from this module's location upwards. Code may run from `src/` (tests), `dist/` (tsc) or the single-file
 * bundles under `dist/bundle/` (the CLI), so no module may assume how deep it sits.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name === "kintent")
          return (root = dir);
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // Not found (a copied file): the layout of dist/<layer>/<module>.js.
  return (root = join(dirname(fileURLToPath(import.meta.url)), "..", ".."));
}
