/**
 * Same intent → byte-identical Helm chart, Kustomize tree and Argo CD objects: twice, with the intent's files
 * read in reverse order, and from a copy of the examples elsewhere (no absolute paths, no clock, no randomness).
 */
import { describe, expect, it } from "vitest";
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { openProject } from "../../src/project/index.js";
import { renderHelmChart } from "../../src/render/helm-chart.js";
import { renderKustomize } from "../../src/render/kustomize.js";
import { renderApplicationSet } from "../../src/render/argocd.js";
import { toYamlStream } from "../../src/render/yaml.js";
import { EXAMPLES, ROOT, exampleNames, runCli } from "../helpers.js";
import { tempDir } from "./tools.js";

/** Every file of a directory tree, relative path → content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

const FORMATS: string[][] = [
  ["--format", "helm"],
  ["--format", "kustomize"],
  ["--format", "argocd", "--repo", "https://git.acme.io/gitops.git"],
  ["--format", "argocd", "--applicationset", "--repo", "https://git.acme.io/gitops.git"],
  ["--format", "argocd", "--plugin", "apps/intent", "--repo", "https://git.acme.io/gitops.git"],
];

describe("determinism of the renderings", () => {
  it.each(exampleNames().flatMap((ex) => FORMATS.map((f) => [ex, f.slice(1).join(" "), f] as const)))(
    "%s --format %s: byte-identical twice, from another path",
    async (example, _label, format) => {
      const tmp = tempDir("kintent-render-det-");
      try {
        const outputs: Record<string, string>[] = [];
        cpSync(EXAMPLES, join(tmp.path, "copy", "examples"), { recursive: true });
        // The same relative layout from another directory (source positions in `# why:` are relative).
        const runs: [string, string][] = [
          [ROOT, "a"],
          [ROOT, "b"],
          [join(tmp.path, "copy"), "c"],
        ];
        for (const [cwd, name] of runs) {
          const out = join(tmp.path, name);
          const r = await runCli(["build", `examples/${example}`, ...format, "--out", out], { cwd });
          expect(r.code, r.stderr).toBe(0);
          outputs.push(tree(out));
        }
        const first = outputs[0] ?? {};
        expect(Object.keys(first).length).toBeGreaterThan(1);
        expect(outputs[1]).toStrictEqual(first);
        expect(outputs[2]).toStrictEqual(first);
        expect(JSON.stringify(first)).not.toContain(tmp.path);
      } finally {
        tmp.remove();
      }
    },
  );
});

describe("renderings do not depend on the order the intent's files are read", () => {
  it.each(exampleNames())(
    "%s: sorted and reverse file order give the same chart, overlays and Applications",
    async (example) => {
      const render = async (fileOrder: "sorted" | "reverse") => {
        const project = await openProject(join(EXAMPLES, example), { cwd: ROOT, fileOrder });
        const c = project.buildAll();
        expect(c.errors).toEqual([]);
        const sources = [...project.inputs];
        return {
          helm: c.apps.map((a) => Object.fromEntries(renderHelmChart({ app: a, sources }).files)),
          kustomize: Object.fromEntries(
            renderKustomize({
              apps: c.apps,
              environments: c.environments.map((e) => e.environment),
              sources,
            }),
          ),
          argocd: toYamlStream(
            c.apps.map((a) => renderApplicationSet(a, { repo: "https://git.acme.io/gitops.git" })),
          ),
        };
      };
      const sorted = await render("sorted");
      expect(sorted.argocd.length).toBeGreaterThan(100);
      expect(await render("reverse")).toStrictEqual(sorted);
    },
  );
});
