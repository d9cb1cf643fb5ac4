/**
 * Golden outputs for every example and environment. These files were read line by line when written;
 * a change to any of them is a change to what users deploy — review the diff as such.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { buildExample, exampleEnvironments, exampleNames, openExample, ROOT } from "../helpers.js";
import { toYamlStream } from "../../src/render/yaml.js";
import { renderRunbook } from "../../src/render/runbook.js";

const GOLDEN = join(ROOT, "test", "golden");

describe.each(exampleNames())("example %s", (name) => {
  it.each(exampleEnvironments(name))("env %s: manifests and runbook match the golden files", async (env) => {
    const project = await openExample(name);
    const b = project.build(env);
    expect(b.errors).toEqual([]);
    expect(b.objects.length).toBeGreaterThan(2);
    await expect(toYamlStream(b.objects)).toMatchFileSnapshot(join(GOLDEN, name, `${env}.yaml`));
    const pages = b.apps.map((a) =>
      renderRunbook({ app: a.app, result: a.result, sources: [...project.inputs] }),
    );
    await expect(pages.join("\n---\n\n")).toMatchFileSnapshot(join(GOLDEN, name, `${env}.md`));
  });
});

describe("--explain output", () => {
  it("production/prod carries a `# why:` comment on each explained field", async () => {
    const b = await buildExample("production", "prod");
    const text = toYamlStream(b.objects, b.decisions);
    await expect(text).toMatchFileSnapshot(join(GOLDEN, "production", "prod.explain.yaml"));
    const whyLines = text.split("\n").filter((l) => l.trim().startsWith("# why:"));
    expect(whyLines.length).toBeGreaterThan(30);
    // Intent reasons point back at the intent file and line.
    expect(text).toMatch(
      /# why: the medium profile: requests 500m\/512Mi, limits 1\/1Gi — Load tests .* \(kintent\.yaml:\d+\)/,
    );
    expect(text).toMatch(/# why: .*v2 changes the payment schema/);
  });
});
