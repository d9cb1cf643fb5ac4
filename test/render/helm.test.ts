/**
 * The Helm chart against real helm: lint --strict, semantic equality with `kintent build` for every example and
 * environment, and `--set` of every documented value changing exactly what the chart says it changes.
 */
import type { KObject } from "../../src/core/object.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { compile } from "../../src/compile/compile.js";
import type { ResolvedApp } from "../../src/intent/types.js";
import { openProject } from "../../src/project/index.js";
import type { AppEnvironments } from "../../src/compile/types.js";
import { chartVersion, renderHelmChart } from "../../src/render/helm-chart.js";
import type { HelmChart, HelmValue } from "../../src/render/helm-chart.js";
import { writeDirAtomic } from "../../src/render/files.js";
import { UsageError } from "../../src/core/errors.js";
import { EXAMPLES, exampleBuilds, exampleEnvironments, exampleNames, find } from "../helpers.js";
import { byIdentity, helmBinary, parseObjects, run, runOk, tempDir } from "./tools.js";
import {
  DUPLICATE_SERVICE_ACCOUNT,
  EXTRAS_ENVS,
  PARTIAL,
  extrasApp,
  extrasIntent,
  extrasProject,
  withDuplicate,
  fixtureWithExtra,
  placedBuild,
  withPartialExtras,
  loadExtrasFixture,
} from "./extras-fixture.js";

const { app: EXTRAS_APP, intent: EXTRAS_INTENT, built } = await loadExtrasFixture();

const MANAGED_BY = "app.kubernetes.io/managed-by";

const BUILT = await exampleBuilds();

function appOf(example: string): AppEnvironments {
  const c = BUILT.get(example);
  if (!c) throw new Error(`no example ${example}`);
  expect(c.errors).toEqual([]);
  expect(c.apps).toHaveLength(1);
  return c.apps[0] as AppEnvironments;
}

/**
 * Helm's labels, undone — explicitly and narrowly: `helm.sh/chart` (exactly this chart's) appears on each
 * object's metadata and nowhere else, and `managed-by: Helm` stands where kintent writes `managed-by: kintent`
 * (object and pod-template labels; an extra manifest's pod template has none unless its file wrote one).
 * Everything else must be identical.
 */
function fromHelm(o: KObject, chartLabel: string): KObject {
  const c = structuredClone(o);
  const labels = c.metadata.labels ?? {};
  expect(labels["helm.sh/chart"], `${o.kind} ${o.metadata.name}: helm.sh/chart`).toBe(chartLabel);
  expect(labels[MANAGED_BY], `${o.kind} ${o.metadata.name}: managed-by`).toBe("Helm");
  delete labels["helm.sh/chart"];
  labels[MANAGED_BY] = "kintent";
  const template = (c.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)
    ?.template;
  const tl = template?.metadata?.labels;
  if (tl) {
    expect(
      tl["helm.sh/chart"],
      `${o.kind} ${o.metadata.name}: no chart label on the pod template`,
    ).toBeUndefined();
    if (MANAGED_BY in tl) {
      expect(tl[MANAGED_BY]).toBe("Helm");
      tl[MANAGED_BY] = "kintent";
    }
  }
  expect(JSON.stringify(c)).not.toContain('"Helm"');
  return c;
}

function chartLabel(chart: HelmChart): string {
  return `${chart.name}-${chart.version.replace("+", "_")}`;
}

/** `--set-json` key syntax: dots inside a key are escaped. */
function setKey(path: readonly string[]): string {
  return path.map((s) => s.replace(/\\/g, "\\\\").replace(/\./g, "\\.").replace(/,/g, "\\,")).join(".");
}

/** A different, valid value for a documented value. */
function changed(d: HelmValue, current: unknown): unknown {
  const id = d.path.join(".");
  if (d.kind === "flag") return !current;
  if (id === "image.repository") return "registry.test.kintent.dev/team/changed";
  if (id === "image.tag") return "9.9.9-test";
  if (id === "image.digest") return `sha256:${"a".repeat(64)}`;
  if (id === "ingress.host") return "changed.test.kintent.dev";
  if (id === "namespace") return "changed-ns";
  if (id === "environment") return "changed-env";
  if (id === "resources")
    return { requests: { cpu: "123m", memory: "77Mi" }, limits: { cpu: "2", memory: "3Gi" } };
  if (d.path[0] === "env") return `changed-${d.path[1] ?? ""}`;
  // Absent here, present elsewhere (multi-env's volume claims, which dev replaces with an emptyDir): another
  // environment's value is a valid different one, of the type the schema wants.
  const elsewhere = Object.values(d.perEnvironment).find(
    (v) => v !== null && v !== undefined && (Array.isArray(v) || typeof v === "object"),
  );
  if (current === null && elsewhere !== undefined) return elsewhere;
  if (current === null)
    return d.path[0] === "labels" || d.path[0] === "annotations" ? "changed" : { changed: true };
  if (typeof current === "number") return current + 2;
  if (typeof current === "string") return `${current}-changed`;
  if (typeof current === "boolean") return !current;
  if (Array.isArray(current) || d.path[0] === "tolerations" || d.path[0] === "imagePullSecrets")
    return d.path[0] === "tolerations" ? [{ key: "changed", operator: "Exists" }] : [{ name: "changed" }];
  return { changed: { by: "test" } };
}

/** The intent-level meaning of a knob: the same change made to the resolved app, then compiled. */
function mutate(app: ResolvedApp, id: string, v: unknown): ResolvedApp {
  const a = structuredClone(app);
  const image = (repo: string | undefined, tag: string | undefined) => {
    const m = /^(.*?)(?::([^:/@]+))?(@.*)?$/.exec(app.image.value) as RegExpExecArray;
    a.image.value = `${repo ?? m[1]}${(tag ?? m[2]) !== undefined ? `:${tag ?? m[2]}` : ""}${m[3] ?? ""}`;
    if (tag !== undefined) a.version = tag;
  };
  if (id === "image.repository") image(v as string, undefined);
  else if (id === "image.tag") image(undefined, v as string);
  else if (id === "replicaCount") a.replicas.value = v as number;
  else if (id.startsWith("autoscaling.") && a.autoscaling) {
    const key = {
      minReplicas: "min",
      maxReplicas: "max",
      targetCPUUtilizationPercentage: "cpu",
      targetMemoryUtilizationPercentage: "memory",
    }[id.slice("autoscaling.".length)] as "min" | "max" | "cpu" | "memory";
    a.autoscaling.value[key] = v as number;
  } else if (id === "resources") a.resources.value = { ...(v as { requests: object; limits: object }) };
  else if (id === "ingress.host" && a.expose) a.expose.value.host = v as string;
  else if (id.startsWith("env."))
    a.env = a.env.map((e) => (e.name === id.slice(4) && "value" in e ? { ...e, value: v as string } : e));
  else if (id === "namespace") {
    const w = a.rollout.value.weighted;
    if (w && w.namespace === a.environment.namespace) w.namespace = v as string;
    a.environment.namespace = v as string;
  } else if (id === "environment") a.environment.name = v as string;
  else return app;
  return a;
}

interface Change {
  object: string;
  pointer: string;
}

function leafDiff(a: unknown, b: unknown, pointer: string, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const isObj = (x: unknown) => x !== null && typeof x === "object";
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys)
      leafDiff(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`,
        out,
      );
    return;
  }
  out.push(pointer);
}

/** What changed between two renders, per object (kind and name, with duplicates numbered in order). */
function changes(before: readonly KObject[], after: readonly KObject[]): Change[] {
  const keyed = (list: readonly KObject[]) => {
    const seen = new Map<string, number>();
    return new Map(
      list.map((o) => {
        const base = `${o.kind} ${o.metadata.name}`;
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        return [n === 0 ? base : `${base}#${n}`, o];
      }),
    );
  };
  const a = keyed(before);
  const b = keyed(after);
  // An object renamed by the change (a Namespace named after the namespace value) is the same object.
  for (const [k, o] of [...a]) {
    if (b.has(k)) continue;
    const twin = [...b].find(([k2, o2]) => !a.has(k2) && o2.kind === o.kind);
    if (twin) {
      b.delete(twin[0]);
      b.set(k, twin[1]);
    }
  }
  const out: Change[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (!a.has(k) || !b.has(k)) {
      out.push({ object: k, pointer: "" });
      continue;
    }
    const ptrs: string[] = [];
    leafDiff(a.get(k), b.get(k), "", ptrs);
    for (const p of ptrs) out.push({ object: k, pointer: p });
  }
  return out;
}

function covered(c: Change, positions: HelmValue["positions"]): boolean {
  return positions.some(
    (p) =>
      c.object.replace(/#\d+$/, "") === `${p.object.kind} ${p.object.name}` &&
      (c.pointer === p.pointer || c.pointer.startsWith(`${p.pointer}/`)),
  );
}

/**
 * For every documented value that applies to the first environment: `helm template --set-json` changes exactly
 * the documented places (and each of them that is rendered), and — for knobs — yields exactly what the same
 * change to the intent builds to (`build`: the app's objects for a resolved app; by default its compile).
 * Returns how many values were checked.
 */
function checkEveryValue(
  helm: string,
  chartDir: string,
  chart: HelmChart,
  app: AppEnvironments,
  build: (app: ResolvedApp) => KObject[] = (a) => compile(a).result.objects,
): number {
  const render = (args: readonly string[]) =>
    parseObjects(runOk(helm, ["template", app.name, chartDir, ...args]));
  const base = render([]);
  const first = app.environments[0] as AppEnvironments["environments"][number];
  let checked = 0;
  for (const d of chart.values) {
    const id = d.path.join(".");
    const current = d.perEnvironment[first.env];
    if (current === undefined) continue; // not set in the first environment (e.g. an env var only prod has)
    checked++;
    const next = changed(d, current);
    const after = render(["--set-json", `${setKey(d.path)}=${JSON.stringify(next)}`]);
    const diff = changes(base, after);
    expect(diff.length, `${id}: --set changed nothing`).toBeGreaterThan(0);
    const stray = diff.filter((c) => !covered(c, d.positions));
    expect(stray, `${id}: changed places it does not document`).toEqual([]);
    const present = new Set(base.map((o) => `${o.kind} ${o.metadata.name}`));
    for (const p of d.positions.filter(
      (x) => d.kind === "flag" || present.has(`${x.object.kind} ${x.object.name}`),
    ))
      expect(
        diff.some((c) => covered(c, [p])),
        `${id}: documented ${p.object.kind} ${p.object.name} ${p.pointer} did not change`,
      ).toBe(true);
    // Knobs mean what the same change to the intent means.
    if (d.kind === "knob" || id === "namespace" || id === "environment") {
      const mutated = mutate(first.app, id, next);
      expect(mutated, `${id}: no intent-level meaning in the test`).not.toBe(first.app);
      const expected = build(mutated);
      expect(byIdentity(after.map((o) => fromHelm(o, chartLabel(chart)))), id).toStrictEqual(
        byIdentity(expected),
      );
    }
  }
  return checked;
}

describe("chart version", () => {
  it.each([
    ["v2.3.1", "2.3.1"],
    ["3.2.0", "3.2.0"],
    ["4.2.0-rc.1", "4.2.0-rc.1"],
    ["1.4", "1.4.0"],
    ["7", "7.0.0"],
    ["1.27.3-alpine", "1.27.3-alpine"],
    ["1.0.0-rc.01", "1.0.0"],
    ["latest", "0.0.0"],
    ["2024-06-01", "0.0.0"],
    [undefined, "0.0.0"],
  ])("tag %s → %s+k<hash>", (tag, core) => {
    expect(chartVersion(tag, "0123456789abcdef")).toBe(`${core}+k01234567`);
  });
});

const helm = helmBinary();

describe.each(exampleNames())("Helm chart of example %s", (example) => {
  const envs = exampleEnvironments(example);
  let app: AppEnvironments;
  let chart: HelmChart;
  let dir: { path: string; remove: () => void };
  const render = (args: readonly string[]) =>
    parseObjects(runOk(helm, ["template", app.name, dir.path, ...args]));

  beforeAll(() => {
    app = appOf(example);
    chart = renderHelmChart({ app, sources: ["kintent.yaml", "platform.yaml"] });
    dir = tempDir("kintent-helm-");
    writeDirAtomic(join(dir.path, "chart"), chart.files);
    dir = { path: join(dir.path, "chart"), remove: dir.remove };
  });
  afterAll(() => dir?.remove());

  it("is a chart helm accepts: lint --strict with values.yaml and with every values-<env>.yaml", () => {
    expect(chart.name).toBe(app.name);
    expect(chart.appVersion).not.toBe("");
    const chartYaml = readFileSync(join(dir.path, "Chart.yaml"), "utf8");
    expect(chartYaml).toContain(`version: ${chart.version}`);
    for (const args of [[], ...envs.map((e) => ["-f", join(dir.path, `values-${e}.yaml`)])]) {
      const r = run(helm, ["lint", "--strict", dir.path, ...args]);
      expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
      expect(r.stdout).toContain("0 chart(s) failed");
      expect(r.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  it.each(envs)("helm template -f values-%s.yaml renders exactly what kintent build --env renders", (env) => {
    const expected = app.environments.find((e) => e.env === env)?.result.objects ?? [];
    expect(expected.length).toBeGreaterThan(2);
    const rendered = render(["-f", join(dir.path, `values-${env}.yaml`)]).map((o) =>
      fromHelm(o, chartLabel(chart)),
    );
    expect(byIdentity(rendered)).toStrictEqual(byIdentity(expected));
  });

  it("values.yaml alone renders the first environment", () => {
    const expected = app.environments[0]?.result.objects ?? [];
    const rendered = render([]).map((o) => fromHelm(o, chartLabel(chart)));
    expect(byIdentity(rendered)).toStrictEqual(byIdentity(expected));
  });

  it("documents the knobs a consumer changes, each with where it lands", () => {
    const ids = chart.values.filter((v) => v.kind === "knob").map((v) => v.path.join("."));
    expect(ids).toEqual(expect.arrayContaining(["image.repository", "image.tag", "resources"]));
    expect(ids.some((id) => id === "replicaCount" || id === "autoscaling.minReplicas")).toBe(true);
    for (const v of chart.values) expect(v.positions.length, v.path.join(".")).toBeGreaterThan(0);
    expect(chart.droppedKnobs).toEqual([]);
    const values = readFileSync(join(dir.path, "values.yaml"), "utf8");
    for (const v of chart.values.filter((x) => x.kind === "knob"))
      expect(values).toContain(`# -- ${v.description}`);
  });

  it("--set of every documented value changes exactly the places it documents, and nothing else", async () => {
    expect(chart.values.length).toBeGreaterThan(3);
    // The example's extra/ manifests (autodock's EventSource) are part of what the intent builds to.
    const intent = await extrasIntent(join(EXAMPLES, example));
    expect(checkEveryValue(helm, dir.path, chart, app, placedBuild(intent))).toBeGreaterThan(3);
  });

  it("carries the README, NOTES and schema Helm users expect", () => {
    const readme = chart.files.get("README.md") ?? "";
    expect(readme).toContain(`# ${app.name} Helm chart`);
    expect(readme).toContain("## What the chart deploys, and why");
    const firstDecision = app.environments[0]?.result.decisions.find((d) => d.path === "")?.why ?? "";
    expect(firstDecision).not.toBe("");
    expect(readme).toContain(firstDecision);
    const schema = JSON.parse(chart.files.get("values.schema.json") ?? "{}") as {
      additionalProperties?: boolean;
      properties?: Record<string, unknown>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(["image", "resources"]));
    // NOTES.txt as Helm renders it (helm template leaves NOTES out, helm install needs a cluster):
    // a copy of the chart renders it through `tpl`, with the chart's own helpers and values.
    const copy = tempDir("kintent-notes-");
    try {
      const files = new Map(chart.files);
      files.set("NOTES.test", chart.files.get("templates/NOTES.txt") ?? "");
      files.set(
        "templates/zz-notes.yaml",
        'kind: NotesTest\nnotes: {{ tpl (.Files.Get "NOTES.test") . | toJson }}\n',
      );
      writeDirAtomic(join(copy.path, "c"), files);
      const out = parseObjects(runOk(helm, ["template", app.name, join(copy.path, "c")]));
      const notes = String(out.find((o) => o.kind === "NotesTest")?.notes);
      expect(notes).toContain("Verify it:");
      expect(notes).toContain(`app.kubernetes.io/name=${app.name}`);
      expect(notes).toContain(`namespace ${app.environments[0]?.app.environment.namespace ?? ""}`);
      expect(notes).not.toContain("<no value>");
    } finally {
      copy.remove();
    }
  });

  it("refuses values the chart does not define (values.schema.json)", () => {
    const r = run(helm, ["template", app.name, dir.path, "--set", "replicaCountt=3"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/replicaCountt|additional propert/i);
  });
});

describe("multi-env chart", () => {
  it("names the environment facts and sets them per environment exactly as platform.yaml says", () => {
    const chart = renderHelmChart({ app: appOf("multi-env"), sources: ["kintent.yaml", "platform.yaml"] });
    const v = (path: string) => chart.values.find((x) => x.path.join(".") === path)?.perEnvironment;
    expect(v("image.repository")).toEqual({
      dev: "ghcr.io/acme/agent-runner",
      staging: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/agent-runner",
      prod: "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/agent-runner",
    });
    expect(v("replicaCount")).toEqual({ dev: 1, staging: 2, prod: 3 });
    expect(v("imagePullSecrets")).toEqual({
      dev: [],
      staging: [{ name: "ecr-staging" }],
      prod: [{ name: "ecr-prod" }],
    });
    expect(v("storageClass")).toEqual({ dev: "standard", staging: "gp3", prod: "gp3-encrypted" });
    expect(v("podDisruptionBudget.enabled")).toEqual({ dev: false, staging: true, prod: true });
    expect((v("resources")?.prod as { limits: { memory: string } }).limits.memory).toBe("2Gi");
    expect(chart.files.get("values-dev.yaml")).toContain("nothing to override");
    expect(chart.files.get("values-prod.yaml")).toContain("workload");
  });
});

describe("environments that differ in structure (synthetic intent)", () => {
  const KINTENT = `apiVersion: kintent.dev/v1alpha1
kind: App
metadata:
  name: edge
  labels: {team: core}
spec:
  image: ghcr.io/acme/edge:1.0.0
  tier: production
  port: 8080
  probe: /healthz
  autoscaling: {min: 2, max: 6, cpu: 60%}
  expose: {host: edge, tls: true}
  env:
    LOG_LEVEL: info
    DB_PASSWORD: {secret: edge-db, key: password}
  environments:
    dev:
      autoscaling: false
      replicas: 1
      expose: false
      tier: dev
      env: {DEBUG: "true"}
    prod:
      image: ghcr.io/acme/edge:1.0.1
      labels: {criticality: high}
      env: {LOG_LEVEL: warn, REGION: eu-west-1}
`;
  const PLATFORM = `apiVersion: kintent.dev/v1alpha1
kind: Platform
metadata: {name: acme}
spec:
  ingress: {kind: ingress, className: nginx, controllerNamespace: ingress-nginx}
  tls: {issuer: letsencrypt-prod}
  environments:
    dev: {cluster: https://kubernetes.default.svc, namespace: edge-dev, domain: dev.acme.io, sync: auto}
    prod: {cluster: https://prod.acme.internal, namespace: edge, domain: acme.io, nodeSelector: {pool: edge}}
`;
  let dir: { path: string; remove: () => void };
  let app: AppEnvironments;
  let chart: HelmChart;

  beforeAll(async () => {
    dir = tempDir("kintent-helm-edge-");
    writeDirAtomic(
      join(dir.path, "intent"),
      new Map([
        ["kintent.yaml", KINTENT],
        ["platform.yaml", PLATFORM],
      ]),
    );
    const project = await openProject(join(dir.path, "intent"));
    const c = project.buildAll();
    expect(c.errors).toEqual([]);
    app = c.apps[0] as AppEnvironments;
    chart = renderHelmChart({ app, sources: [...project.inputs] });
    writeDirAtomic(join(dir.path, "chart"), chart.files);
  });
  afterAll(() => dir?.remove());

  it.each(["dev", "prod"])("helm template -f values-%s.yaml equals the build", (env) => {
    const chartDir = join(dir.path, "chart");
    const lint = run(helm, ["lint", "--strict", chartDir, "-f", join(chartDir, `values-${env}.yaml`)]);
    expect(lint.code, lint.stdout).toBe(0);
    const rendered = parseObjects(
      runOk(helm, ["template", "edge", chartDir, "-f", join(chartDir, `values-${env}.yaml`)]),
    );
    const expected = app.environments.find((e) => e.env === env)?.result.objects ?? [];
    expect(byIdentity(rendered.map((o) => fromHelm(o, chartLabel(chart))))).toStrictEqual(
      byIdentity(expected),
    );
  });

  it("--set of every documented value changes exactly what it documents", () => {
    expect(checkEveryValue(helm, join(dir.path, "chart"), chart, app)).toBeGreaterThan(10);
  });

  it("names what differs: HPA and replicas switch together, env vars and labels per environment, objects only prod has", () => {
    const paths = chart.values.map((v) => v.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "autoscaling.enabled",
        "env.LOG_LEVEL",
        "env.DEBUG",
        "env.REGION",
        "labels.criticality",
        "nodeSelector",
        "ingress.host",
        "image.tag",
      ]),
    );
    const v = (p: string) => chart.values.find((x) => x.path.join(".") === p)?.perEnvironment;
    expect(v("autoscaling.enabled")).toEqual({ dev: false, prod: true });
    expect(v("image.tag")).toEqual({ dev: "1.0.0", prod: "1.0.1" });
    expect(v("env.LOG_LEVEL")).toEqual({ dev: "info", prod: "warn" });
    const deployment = chart.files.get("templates/deployment-edge.yaml") ?? "";
    expect(deployment).toContain("{{- if not .Values.autoscaling.enabled }}");
    expect(chart.files.get("templates/horizontalpodautoscaler-edge.yaml")).toMatch(
      /^\{\{- if \.Values\.autoscaling\.enabled \}\}/,
    );
    expect(chart.files.get("templates/ingress-edge.yaml")).toMatch(/^\{\{- if /);
  });
});

describe("extra manifests (test/fixtures/extras)", () => {
  let app: AppEnvironments;
  let chart: HelmChart;
  let dir: { path: string; remove: () => void };
  let chartDir: string;
  const template = (file: string) => chart.files.get(`templates/${file}.yaml`) ?? "";

  beforeAll(() => {
    app = EXTRAS_APP;
    chart = renderHelmChart({ app, sources: EXTRAS_INTENT.files });
    dir = tempDir("kintent-helm-extras-");
    chartDir = join(dir.path, "chart");
    writeDirAtomic(chartDir, chart.files);
  });
  afterAll(() => dir?.remove());

  it("places them in every environment's build, as the fixture says", () => {
    for (const [env, ns] of [
      ["dev", "orders-dev"],
      ["prod", "orders"],
    ] as const) {
      const objects = built(env);
      expect(find(objects, "StatefulSet", "redis", ns).metadata.labels).toMatchObject({
        "app.kubernetes.io/part-of": "orders",
        [MANAGED_BY]: "kintent",
        "kintent.dev/environment": env,
      });
      find(objects, "ConfigMap", "orders-dashboard", "monitoring");
      find(objects, "ConfigMap", "orders-feature-flags", "orders");
      expect(find(objects, "PriorityClass", "orders-critical").metadata.namespace).toBeUndefined();
    }
  });

  it("lint --strict passes with values.yaml and every values-<env>.yaml", () => {
    for (const args of [[], ...EXTRAS_ENVS.map((e) => ["-f", join(chartDir, `values-${e}.yaml`)])]) {
      const r = run(helm, ["lint", "--strict", chartDir, ...args]);
      expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
      expect(r.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  it.each(EXTRAS_ENVS)(
    "helm template -f values-%s.yaml renders exactly kintent build --env, extras included",
    (env) => {
      const expected = built(env);
      expect(
        expected.filter((o) => o.metadata.labels?.["app.kubernetes.io/part-of"] === "orders"),
      ).toHaveLength(9);
      const rendered = parseObjects(
        runOk(helm, ["template", "orders", chartDir, "-f", join(chartDir, `values-${env}.yaml`)]),
      ).map((o) => fromHelm(o, chartLabel(chart)));
      expect(byIdentity(rendered)).toStrictEqual(byIdentity(expected));
    },
  );

  it("templates each extra once, present everywhere, with the chart's namespace where the build defaulted it", () => {
    for (const stem of [
      "configmap-redis-config",
      "service-redis",
      "service-redis-headless",
      "statefulset-redis",
      "poddisruptionbudget-redis",
      "networkpolicy-redis",
      "configmap-orders-dashboard",
      "configmap-orders-feature-flags",
      "priorityclass-orders-critical",
    ]) {
      const t = template(stem);
      expect(t, stem).toMatch(/^apiVersion: /);
      expect(t, stem).toContain("app.kubernetes.io/managed-by: {{ .Release.Service | quote }}");
      expect(t, stem).toContain('helm.sh/chart: {{ include "orders.chart" . | quote }}');
      expect(t, stem).toContain("kintent.dev/environment: {{ .Values.environment | quote }}");
    }
    for (const stem of ["statefulset-redis", "service-redis", "configmap-redis-config"])
      expect(template(stem)).toContain('namespace: {{ include "orders.namespace" . | quote }}');
    expect(template("configmap-orders-dashboard")).toContain("  namespace: monitoring\n");
    expect(template("configmap-orders-feature-flags")).toContain("  namespace: orders\n");
    expect(template("priorityclass-orders-critical")).not.toContain("namespace");
    // Literal {{ in an extra reaches the output unchanged.
    expect(template("configmap-orders-dashboard")).toContain('{{ "{{" }}instance}}');
  });

  it("moves the extras the build placed in the environment's namespace with --namespace, and no others", () => {
    const rendered = parseObjects(
      runOk(helm, [
        "template",
        "orders",
        chartDir,
        "-f",
        join(chartDir, "values-prod.yaml"),
        "--namespace",
        "elsewhere",
        "--set-json",
        "namespace=null",
      ]),
    );
    expect(find(rendered, "StatefulSet", "redis").metadata.namespace).toBe("elsewhere");
    expect(find(rendered, "Rollout", "orders").metadata.namespace).toBe("elsewhere");
    expect(find(rendered, "ConfigMap", "orders-dashboard").metadata.namespace).toBe("monitoring");
    expect(find(rendered, "ConfigMap", "orders-feature-flags").metadata.namespace).toBe("orders");
    expect(find(rendered, "PriorityClass", "orders-critical").metadata.namespace).toBeUndefined();
  });

  it("documents where the namespace and environment values land on the extras, and keeps every knob", () => {
    expect(chart.droppedKnobs).toEqual([]);
    const positions = (id: string) =>
      (chart.values.find((v) => v.path.join(".") === id)?.positions ?? []).map(
        (p) => `${p.object.kind} ${p.object.name} ${p.pointer}`,
      );
    expect(positions("namespace")).toEqual(
      expect.arrayContaining([
        "StatefulSet redis /metadata/namespace",
        "ConfigMap redis-config /metadata/namespace",
      ]),
    );
    expect(
      positions("namespace").filter((p) => /orders-dashboard|feature-flags|PriorityClass/.test(p)),
    ).toEqual([]);
    expect(positions("environment")).toEqual(
      expect.arrayContaining(["PriorityClass orders-critical /metadata/labels/kintent.dev~1environment"]),
    );
    // prod's own label lands on the extras through the same value as on the app's objects.
    expect(positions("labels.criticality")).toEqual(
      expect.arrayContaining([
        "Rollout orders /metadata/labels/criticality",
        "StatefulSet redis /metadata/labels/criticality",
      ]),
    );
    expect(chart.values.filter((v) => v.path[0] === "overrides" || v.path[0] === "enabled")).toEqual([]);
  });

  it("--set of every documented value changes exactly what it documents, extras included", () => {
    expect(checkEveryValue(helm, chartDir, chart, app, placedBuild(EXTRAS_INTENT))).toBeGreaterThan(8);
  });

  it("lists every extra in the README with its why, and NOTES names the app's workload", () => {
    const readme = chart.files.get("README.md") ?? "";
    expect(readme).toContain(
      "### PriorityClass `orders-critical`\n\nextra manifest (extra/priority.yaml): Orders must not be preempted by batch jobs.\n",
    );
    expect(readme).toContain("### StatefulSet `redis`\n\nextra manifest (extra/redis.yaml)\n");
    expect(readme).toContain(
      "### ConfigMap `orders-dashboard`\n\nextra manifest (extra/dashboard.yaml): Grafana's sidecar loads dashboards",
    );
    const notes = chart.files.get("templates/NOTES.txt") ?? "";
    expect(notes).toContain("kubectl argo rollouts get rollout orders ");
    expect(notes).not.toContain("redis");
  });

  describe("present in some environments only", () => {
    let partial: AppEnvironments;
    let pchart: HelmChart;
    let pdir: string;

    beforeAll(() => {
      partial = withPartialExtras(app);
      pchart = renderHelmChart({ app: partial, sources: EXTRAS_INTENT.files });
      pdir = join(dir.path, "partial");
      writeDirAtomic(pdir, pchart.files);
    });

    it.each(EXTRAS_ENVS)("values-%s.yaml renders exactly that environment's objects", (env) => {
      const lint = run(helm, ["lint", "--strict", pdir, "-f", join(pdir, `values-${env}.yaml`)]);
      expect(lint.code, lint.stdout).toBe(0);
      const expected = partial.environments.find((e) => e.env === env)?.result.objects ?? [];
      const rendered = parseObjects(
        runOk(helm, ["template", "orders", pdir, "-f", join(pdir, `values-${env}.yaml`)]),
      ).map((o) => fromHelm(o, chartLabel(pchart)));
      expect(byIdentity(rendered)).toStrictEqual(byIdentity(expected));
      for (const p of PARTIAL.filter((x) => x.env === env))
        expect(rendered.some((o) => o.kind === p.kind && o.metadata.name === p.name)).toBe(false);
    });

    it("guards each by a flag of its own, never by a flag of the app's objects", () => {
      const v = (p: string) => pchart.values.find((x) => x.path.join(".") === p);
      expect(v("enabled.poddisruptionbudget-redis")?.perEnvironment).toEqual({
        dev: false,
        staging: true,
        prod: true,
      });
      expect(v("enabled.configmap-orders-dashboard")?.perEnvironment).toEqual({
        dev: true,
        staging: true,
        prod: false,
      });
      expect(v("enabled.priorityclass-orders-critical")?.perEnvironment).toEqual({
        dev: true,
        staging: false,
        prod: true,
      });
      // The app's PDB switches in the same environments as Redis's, and keeps its own value.
      expect(v("podDisruptionBudget.enabled")?.positions.map((p) => p.object.name)).toEqual(["orders"]);
      expect(pchart.files.get("templates/poddisruptionbudget-redis.yaml")).toMatch(
        /^\{\{- if \(index \.Values "enabled" "poddisruptionbudget-redis"\) \}\}\n/,
      );
      expect(pchart.files.get("README.md")).toContain("### PodDisruptionBudget `redis` (staging, prod only)");
    });
  });

  it("keeps an extra with the kind and name of a generated object, in another namespace, apart", async () => {
    const copy = fixtureWithExtra(
      "sa.yaml",
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: orders\n  namespace: monitoring\n  annotations: {kintent.dev/why: scrapes the orders metrics}\nautomountServiceAccountToken: false\n",
    );
    try {
      const twin = await extrasApp(copy.dir);
      const c = renderHelmChart({ app: twin, sources: [] });
      const readme = c.files.get("README.md") ?? "";
      expect(readme).toContain(
        "### ServiceAccount `orders` in namespace `monitoring`\n\nextra manifest (extra/sa.yaml): scrapes the orders metrics\n",
      );
      expect(readme).toMatch(/### ServiceAccount `orders`\n\nan identity of its own/);
      const out = join(copy.dir, "..", "chart");
      writeDirAtomic(out, c.files);
      for (const e of twin.environments) {
        const rendered = parseObjects(
          runOk(helm, ["template", "orders", out, "-f", join(out, `values-${e.env}.yaml`)]),
        ).map((o) => fromHelm(o, chartLabel(c)));
        expect(byIdentity(rendered)).toStrictEqual(byIdentity(e.result.objects));
        expect(rendered.filter((o) => o.kind === "ServiceAccount")).toHaveLength(2);
      }
    } finally {
      copy.remove();
    }
  });

  it("refuses an extra with the identity of an object the intent generates (the engine first, the renderer too)", async () => {
    const copy = fixtureWithExtra("sa.yaml", DUPLICATE_SERVICE_ACCOUNT);
    try {
      const b = (await extrasProject(copy.dir)).build("dev");
      expect(b.errors.map((e) => [e.messageId, e.loc?.file])).toEqual([["extra-duplicate", "extra/sa.yaml"]]);
    } finally {
      copy.remove();
    }
    // A library caller handing the renderer such a set directly is refused too.
    const dup = withDuplicate(EXTRAS_APP);
    expect(() => renderHelmChart({ app: dup, sources: [] })).toThrow(
      /helm: dev has two objects ServiceAccount orders-dev\/orders/,
    );
    expect(() => renderHelmChart({ app: dup, sources: [] })).toThrow(UsageError);
  });
});
