/**
 * Placing `extra/` manifests copies only their top level and metadata; everything else is shared with the
 * parsed file across environments (a deep copy per environment cost as much as parsing). This holds only if
 * nothing downstream writes into a placed object: here every extra is deep-frozen before building, and every
 * path that consumes builds (each environment, twice; Helm, Kustomize, Argo CD renderings; the YAML stream
 * with `# why:`) must run without a write (a write to a frozen object throws in ES modules) and give the same
 * output as an unfrozen project.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openProject } from "../../src/project/index.js";
import type { Project } from "../../src/project/index.js";
import { renderHelmChart } from "../../src/render/helm-chart.js";
import { renderKustomize } from "../../src/render/kustomize.js";
import { renderApplications } from "../../src/render/argocd.js";
import { toYamlStream } from "../../src/render/yaml.js";
import { EXAMPLES } from "../helpers.js";

const work = mkdtempSync(join(tmpdir(), "kintent-extras-shared-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function deepFreeze(v: unknown): void {
  if (v === null || typeof v !== "object" || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}

function everything(p: Project): string {
  const out: string[] = [];
  for (let round = 0; round < 2; round++) {
    const all = p.buildAll();
    expect(all.errors).toEqual([]);
    for (const b of all.environments) out.push(toYamlStream(b.objects, b.decisions));
    for (const a of all.apps)
      for (const [f, c] of renderHelmChart({ app: a, sources: p.inputs }).files) out.push(f, c);
    const envs = all.environments.map((e) => e.environment);
    for (const [f, c] of renderKustomize({ apps: all.apps, environments: envs, sources: p.inputs }))
      out.push(f, c);
    out.push(toYamlStream(renderApplications(all.apps)));
  }
  return out.join("\n");
}

describe("extra/ manifests shared, not copied", () => {
  it("nothing writes into a placed extra: every rendering of a frozen project equals the unfrozen one", async () => {
    // The multi-env example (several environments) with extras: nested data, labels, annotations, one placed
    // in a single environment, a PodDisruptionBudget.
    const dir = join(work, "app");
    cpSync(join(EXAMPLES, "multi-env"), dir, { recursive: true });
    mkdirSync(join(dir, "extra", "more"), { recursive: true });
    writeFileSync(
      join(dir, "extra", "more", "things.yaml"),
      [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nested\n  labels: {tier: x}\n  annotations: {note: kept}\ndata:\n  a: '1'\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: only-some\n  annotations:\n    kintent.dev/environments: staging\ndata: {b: '2'}\n",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: extra-pdb\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: other}\n",
      ].join("---\n"),
    );
    const plain = await openProject(dir);
    const frozen = await openProject(dir);
    expect(frozen.intent?.extra?.length).toBeGreaterThan(2);
    for (const e of frozen.intent?.extra ?? []) deepFreeze(e.object);
    expect(everything(frozen)).toBe(everything(plain));
  });
});
