/**
 * `kintent import helm` on the chart corpus (../shared/corpora/helm-charts: podinfo with values-prod.yaml,
 * bitnami nginx and apache with the vendored common chart), two environments each, both modes — proved against
 * a real kube-apiserver:
 *
 * - every object `helm template` renders is equal, carried, a Secret turned into a reference, or a dropped Helm
 *   test hook — none missing, none added in --exact; compared after the *server's* defaulting (a server-side dry
 *   run of the source object and of the build's), not only kintent's offline defaulting;
 * - the build of the import is accepted by the server's strict dry run;
 * - kintent's offline defaulting agrees with the server's on every object involved (sources, builds, a fixture of
 *   every shape it handles, and every example's build), so the CLI's offline comparison is the server's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dryRunApply, installCrds, skipClusterTests, startApiEnv } from "../harness/index.js";
import type { ApiEnv } from "../harness/index.js";
import { helmBinary, parseObjects } from "../render/tools.js";
import { ROOT, exampleBuilds, exampleCrdDirs, exampleNames } from "../helpers.js";
import type { KObject } from "../../src/core/object.js";
import { describeObject, refOf } from "../../src/core/object.js";
import { isClusterScoped } from "../../src/core/k8s-resources.js";
import { importHelm, kubernetesVersion, writeImport } from "../../src/importer/index.js";
import type { ImportResult } from "../../src/importer/index.js";
import { canonical, compareObjects, dropAllocated, normalize } from "../../src/importer/index.js";
import { helmTemplate } from "../../src/importer/helm.js";
import { helmSource, parseStream } from "../../src/importer/sources.js";
import { neutralKey } from "../../src/importer/import.js";
import { openProject } from "../../src/project/index.js";
import { bundledRegistry } from "../../src/validate/index.js";

const CHARTS = join(ROOT, "..", "shared", "corpora", "helm-charts");
const FIXTURES = join(ROOT, "test", "fixtures", "import");

interface Case {
  chart: string;
  /** environment → values files (relative to ROOT) */
  envs: Record<string, string[]>;
}

const CASES: Case[] = [
  {
    chart: "podinfo",
    envs: {
      dev: [join(CHARTS, "podinfo", "values.yaml")],
      prod: [join(CHARTS, "podinfo", "values-prod.yaml")],
    },
  },
  { chart: "nginx", envs: { dev: [], prod: [join(FIXTURES, "nginx-prod.yaml")] } },
  { chart: "apache", envs: { dev: [], prod: [join(FIXTURES, "apache-prod.yaml")] } },
];

const schemas = bundledRegistry();
const dirs: string[] = [];

function withNamespace(o: KObject, ns: string): KObject {
  const c = structuredClone(o);
  if (!isClusterScoped(c.apiVersion, c.kind) && !c.metadata.namespace) c.metadata.namespace = ns;
  return c;
}

/** What the server holds for each object (server-side dry run), in the comparison's canonical form. */
async function serverForms(api: ApiEnv, objects: readonly KObject[]): Promise<KObject[]> {
  const results = await dryRunApply(api, objects, { mode: "apply" });
  return results.map((r, i) => {
    const o = objects[i] as KObject;
    if (!r.ok || !r.returned)
      throw new Error(
        `the server refused ${describeObject(refOf(o))}: ${r.message ?? r.reason ?? String(r.status)}`,
      );
    return canonical(dropAllocated(r.returned as unknown as KObject, o));
  });
}

describe.skipIf(skipClusterTests)(
  "kintent import helm: the corpus, parity after the API server's defaulting",
  () => {
    let api: ApiEnv;
    /** Every object compared, for the defaulting agreement at the end. */
    const seen: KObject[] = [];
    beforeAll(async () => {
      api = await startApiEnv();
      // The examples' own CRDs (autodock's EventSource), for the dry run of every example below.
      for (const example of exampleNames())
        for (const dir of exampleCrdDirs(example)) await installCrds(api.kubeConfig, dir);
    }, 240_000);
    afterAll(async () => {
      await api?.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    for (const c of CASES)
      for (const mode of ["exact", "default"] as const)
        it(`${c.chart} (${Object.keys(c.envs).join(", ")}), ${mode}`, async () => {
          const env = { ...process.env, KINTENT_HELM: helmBinary() };
          const result: ImportResult = await importHelm({
            chart: join(CHARTS, c.chart),
            values: Object.entries(c.envs).flatMap(([e, files]) =>
              files.length ? files.map((f) => `${e}=${f}`) : [`${e}=${join(CHARTS, c.chart, "values.yaml")}`],
            ),
            mode,
            cwd: ROOT,
            env,
          });
          const r = result.report;
          expect(
            r.parity,
            JSON.stringify(r.environments.flatMap((e) => e.objects.filter((v) => v.violation))).slice(
              0,
              2000,
            ),
          ).toBe(true);
          expect(r.environments.map((e) => e.name)).toEqual(Object.keys(c.envs));
          for (const e of r.environments) {
            if (mode === "exact") {
              expect(e.added).toEqual([]);
              expect(e.objects.filter((v) => v.status === "changed")).toEqual([]);
            }
            for (const v of e.objects.filter((x) => x.status === "dropped"))
              expect(v.why).toMatch(/Helm test hook/);
            for (const v of e.objects.filter((x) => x.status === "referenced"))
              expect(v.object.kind).toBe("Secret");
            for (const v of e.objects.filter((x) => x.status === "carried"))
              expect(v.file).toMatch(/^extra\//);
          }
          // Never a Secret's value in what is written.
          for (const [file, text] of result.files) {
            expect(text, file).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY|LS0tLS1CRUdJTi/);
            expect(file).not.toMatch(/secret-/);
          }

          const dir = mkdtempSync(join(tmpdir(), `kintent-import-${c.chart}-`));
          dirs.push(dir);
          writeImport(join(dir, "out"), result.files);
          const project = await openProject(join(dir, "out"), { cwd: dir });
          expect(project.errors).toEqual([]);
          for (const [name, values] of Object.entries(c.envs)) {
            const build = project.build(name);
            expect(build.errors).toEqual([]);
            expect(build.findings.filter((f) => f.severity === "error")).toEqual([]);
            const report = r.environments.find((x) => x.name === name);
            if (!report) throw new Error(`no report for ${name}`);

            // The source as `helm template` renders it (Secrets and test hooks stay out: never imported).
            const text = await helmTemplate({
              helm: env.KINTENT_HELM,
              chart: join(CHARTS, c.chart),
              release: c.chart,
              namespace: "default",
              values: values.length ? values : [join(CHARTS, c.chart, "values.yaml")],
              kubeVersion: kubernetesVersion(),
            });
            const home = report.namespace;
            const sources = parseStream(text, "helm", helmSource)
              .objects.map((s) => withNamespace(s.object, "default"))
              .filter(
                (o) => o.kind !== "Secret" && !o.metadata.annotations?.["helm.sh/hook"]?.startsWith("test"),
              );
            const built = new Map(build.objects.map((o) => [neutralKey(o, home), o]));

            // The build is what the server accepts (strict field validation, dry run).
            const builtServer = await serverForms(api, build.objects);
            const builtByKey = new Map(
              build.objects.map((o, i) => [neutralKey(o, home), builtServer[i] as KObject]),
            );
            const sourceServer = await serverForms(api, sources);
            seen.push(...sources, ...build.objects);

            const randomPaths = new Set(
              r.random.filter((x) => x.environment === name).flatMap((x) => x.paths),
            );
            for (const [i, source] of sources.entries()) {
              const key = neutralKey(source, home);
              const verdict = report.objects.find((v) => neutralKey(v.object, home) === key);
              expect(verdict, `${describeObject(refOf(source))} has a verdict`).toBeDefined();
              expect(built.has(key), `${describeObject(refOf(source))} is in the build of ${name}`).toBe(
                true,
              );
              const cmp = compareObjects(
                sourceServer[i] as KObject,
                builtByKey.get(key) as KObject,
                new Set(["app.kubernetes.io/part-of"]),
              );
              const real = cmp.real.filter((f) => !randomPaths.has(f.path));
              if (verdict?.status === "changed")
                expect(real.map((f) => f.path).sort(), `${describeObject(refOf(source))} changes`).toEqual(
                  verdict.fields.map((f) => f.path).sort(),
                );
              else
                expect(
                  real,
                  `${describeObject(refOf(source))} (${verdict?.status ?? ""}) after the server's defaulting`,
                ).toEqual([]);
            }
            if (mode === "exact")
              expect(
                build.objects
                  .filter((o) => !sources.some((s) => neutralKey(s, home) === neutralKey(o, home)))
                  .map((o) => describeObject(refOf(o))),
              ).toEqual([]);
          }
        }, 300_000);

    it("kintent's offline defaulting is the server's, for every object above, a fixture of each shape, and every example", async () => {
      const fixture = parseObjects(readFileSync(join(FIXTURES, "defaulting.yaml"), "utf8")).map((o) =>
        withNamespace(o, "default"),
      );
      const examples = [...(await exampleBuilds()).values()].flatMap((b) =>
        b.environments.flatMap((e) => e.objects),
      );
      // Namespaces the examples create exist already (the dry run made them): compare the others.
      const objects = [...seen, ...fixture, ...examples].filter((o) => o.kind !== "Namespace");
      expect(objects.length).toBeGreaterThan(150);
      const server = await serverForms(api, objects);
      const disagree: string[] = [];
      objects.forEach((o, i) => {
        const offline = normalize(o, { schemas });
        const s = server[i] as KObject;
        if (JSON.stringify(offline) !== JSON.stringify(s)) {
          const d = compareObjects(s, offline).real.map(
            (f) => `${f.path}: server ${JSON.stringify(f.before)} / offline ${JSON.stringify(f.after)}`,
          );
          disagree.push(`${describeObject(refOf(o))}: ${d.join("; ") || "key order"}`);
        }
      });
      expect(disagree).toEqual([]);
    }, 600_000);
  },
);
