import { describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openProject } from "../../src/project/index.js";
import { toYamlStream } from "../../src/render/yaml.js";
import { EXAMPLES, ROOT, exampleEnvironments, exampleNames } from "../helpers.js";

async function render(
  dir: string,
  env: string,
  fileOrder: "sorted" | "reverse",
  cwd: string,
): Promise<string> {
  const b = (await openProject(dir, { fileOrder, cwd })).build(env);
  if (b.errors.length > 0) throw new Error(JSON.stringify(b.errors));
  return toYamlStream(b.objects, b.decisions);
}

describe("determinism", () => {
  for (const name of exampleNames()) {
    for (const env of exampleEnvironments(name)) {
      it(`${name}/${env}: twice, in reverse file order, and from a copy elsewhere → byte-identical`, async () => {
        const dir = join(EXAMPLES, name);
        const first = await render(dir, env, "sorted", ROOT);
        expect(first.length).toBeGreaterThan(500);
        expect(await render(dir, env, "sorted", ROOT)).toBe(first);
        expect(await render(dir, env, "reverse", ROOT)).toBe(first);
        // Same relative layout on another path: same bytes (no absolute paths leak into output).
        const tmp = mkdtempSync(join(tmpdir(), "kintent-det-"));
        try {
          cpSync(EXAMPLES, join(tmp, "examples"), { recursive: true });
          expect(readdirSync(join(tmp, "examples", name)).length).toBeGreaterThan(0);
          expect(await render(join(tmp, "examples", name), env, "reverse", tmp)).toBe(first);
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      });
    }
  }
});
