/**
 * The offline schema validator against the real API server: every object of ../shared/corpora/real-manifests
 * that kube-apiserver accepts (server-side dry run, strict field validation, the corpus CRDs installed) must get
 * zero schema errors from `kintent validate`, and objects the server rejects for their shape must get one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { dryRunApply, skipClusterTests, startApiEnv } from "../harness/index.js";
import type { ApiEnv, KubeObject } from "../harness/index.js";
import { loadManifests } from "../../src/validate/load.js";
import { bundledRegistry, validateObjects } from "../../src/validate/index.js";
import { ROOT } from "../helpers.js";

const REAL = join(ROOT, "..", "shared", "corpora", "real-manifests");

describe.skipIf(skipClusterTests)("schema validator agrees with kube-apiserver on real manifests", () => {
  let env: ApiEnv;
  beforeAll(async () => {
    env = await startApiEnv();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("no schema error on any object the server accepts", async () => {
    const loaded = loadManifests([REAL], { cwd: ROOT });
    const registry = bundledRegistry();
    // Only kinds the bundle knows: the server cannot judge the others either (no CRD installed).
    const inputs = loaded.inputs.filter(
      (i) => registry.lookup(String(i.object.apiVersion), String(i.object.kind)) !== undefined,
    );
    expect(inputs.length).toBeGreaterThan(250);
    const results = await dryRunApply(
      env,
      inputs.map((i) => i.object as unknown as KubeObject),
    );
    const schemaErrors = inputs.map((input) =>
      validateObjects([input], { registry }).findings.filter(
        (f) => f.checkId === "schema" && f.severity === "error",
      ),
    );

    const acceptedWithErrors: string[] = [];
    const rejected: string[] = [];
    results.forEach((r, i) => {
      const errs = schemaErrors[i] ?? [];
      const id = `${r.object.kind} ${r.object.namespace ? `${r.object.namespace}/` : ""}${r.object.name}`;
      if (r.ok && errs.length > 0) acceptedWithErrors.push(`${id}: ${errs.map((e) => e.message).join("; ")}`);
      if (!r.ok)
        rejected.push(
          `${id}: server: ${r.message ?? r.reason ?? r.status}; kintent: ${errs.map((e) => e.message).join("; ") || "no schema error"}`,
        );
    });
    expect(acceptedWithErrors).toEqual([]);
    const accepted = results.filter((r) => r.ok).length;
    expect(accepted).toBeGreaterThan(250);
    // What the server rejects, and whether kintent saw it coming (printed for the record).
    console.log(
      `real-manifests: ${accepted} accepted, ${rejected.length} rejected by kube-apiserver ${env.kubernetesVersion}\n${rejected.join("\n")}`,
    );
  }, 300_000);
});
