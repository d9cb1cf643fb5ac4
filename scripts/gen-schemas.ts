/**
 * Generates kintent's offline JSON Schemas from a real API server:
 *
 *   npx tsx scripts/gen-schemas.ts                 # → schemas/kubernetes-<server version>/
 *   npx tsx scripts/gen-schemas.ts --check         # exit 1 if the committed bundle differs from a fresh one
 *   npx tsx scripts/gen-schemas.ts --descriptions none --out /tmp/schemas
 *
 * It starts the test harness's api environment (etcd + kube-apiserver from scripts/tools.sh, with every CRD of
 * ../shared/corpora/crds installed), reads /openapi/v3 for every served group-version, and writes the bundle
 * described in scripts/schema-bundle.ts. For another Kubernetes version, change K8S_VERSION in scripts/tools.sh,
 * run it, then run this script (see docs/tools.md).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import {
  crdCorpusDir,
  kubeRequest,
  loadCrds,
  repoRoot,
  startApiEnv,
  waitUntil,
} from "../test/harness/index.js";
import type { ApiEnv } from "../test/harness/index.js";
import { apiVersionOf, buildSchemaBundle } from "./schema-bundle.js";
import type { GroupVersionInput, Schema } from "./schema-bundle.js";

interface OpenApiRoot {
  paths: Record<string, { serverRelativeURL: string }>;
}

/** "api/v1" → ["", "v1"], "apis/apps/v1" → ["apps", "v1"]; other paths (version, .well-known, …) → undefined. */
function groupVersionOfPath(path: string): [string, string] | undefined {
  if (path === "api/v1") return ["", "v1"];
  const m = /^apis\/([^/]+)\/([^/]+)$/.exec(path);
  return m?.[1] && m[2] ? [m[1], m[2]] : undefined;
}

async function getJson<T>(env: ApiEnv, path: string): Promise<T> {
  const res = await kubeRequest(env.kubeConfig, path);
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return res.body as T;
}

/**
 * Serializes one bundle file. index.json is indented; group-version files hold one compact definition per line,
 * which keeps them about a third of the indented size (CRDs nest deeply) while diffs still show which
 * definitions changed.
 */
export function serializeBundleFile(name: string, value: unknown): string {
  const definitions = (value as { definitions?: Record<string, unknown> }).definitions;
  if (name === "index.json" || definitions === undefined) return `${JSON.stringify(value, null, 2)}\n`;
  const lines = Object.entries(definitions).map(
    ([key, schema]) => `${JSON.stringify(key)}:${JSON.stringify(schema)}`,
  );
  return `{"definitions":{\n${lines.join(",\n")}\n}}\n`;
}

export interface GenerateOptions {
  crdsDir: string;
  descriptions: "first-sentence" | "none";
  gatewayApiChannel: "standard" | "experimental";
}

/** Reads /openapi/v3 and discovery from a running api environment and builds the bundle (file name → text). */
export async function collectSchemaBundle(
  env: ApiEnv,
  options: GenerateOptions,
): Promise<Map<string, string>> {
  const crds = loadCrds(options.crdsDir, { gatewayApiChannel: options.gatewayApiChannel });
  const crdGvks = crds.flatMap((c) => {
    const spec = c.object.spec as {
      group: string;
      names: { kind: string };
      versions: { name: string; served: boolean }[];
    };
    return spec.versions
      .filter((v) => v.served)
      .map((v) => ({ group: spec.group, version: v.name, kind: spec.names.kind }));
  });
  const crdGroupVersions = new Set(crdGvks.map((g) => apiVersionOf(g.group, g.version)));

  // CRD schemas are published to /openapi/v3 asynchronously after the CRDs are Established: wait for all.
  const docs = await waitUntil(
    "every CRD kind in /openapi/v3",
    async () => {
      const root = await getJson<OpenApiRoot>(env, "/openapi/v3");
      const docs = new Map<string, Record<string, Schema>>();
      for (const path of Object.keys(root.paths).sort()) {
        const gv = groupVersionOfPath(path);
        if (!gv) continue;
        const doc = await getJson<{ components?: { schemas?: Record<string, Schema> } }>(
          env,
          `/openapi/v3/${path}`,
        );
        docs.set(apiVersionOf(gv[0], gv[1]), doc.components?.schemas ?? {});
      }
      const missing = crdGvks.filter((g) => {
        const schemas = docs.get(apiVersionOf(g.group, g.version));
        return !Object.values(schemas ?? {}).some((s) =>
          (
            s["x-kubernetes-group-version-kind"] as
              { group: string; version: string; kind: string }[] | undefined
          )?.some((x) => x.group === g.group && x.version === g.version && x.kind === g.kind),
        );
      });
      return missing.length === 0 ? docs : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1_000 },
  );

  const inputs: GroupVersionInput[] = [];
  for (const [apiVersion, schemas] of docs) {
    const [group, version] = apiVersion.includes("/")
      ? (apiVersion.split("/") as [string, string])
      : ["", apiVersion];
    const discovery = await getJson<{ resources: { name: string; kind: string; namespaced: boolean }[] }>(
      env,
      group === "" ? `/api/${version}` : `/apis/${group}/${version}`,
    );
    const resources = discovery.resources
      .filter((r) => !r.name.includes("/"))
      .map((r) => ({ kind: r.kind, namespaced: r.namespaced }))
      .sort((a, b) => a.kind.localeCompare(b.kind));
    inputs.push({ group, version, schemas, resources, crd: crdGroupVersions.has(apiVersion) });
  }

  const sources = readdirSync(options.crdsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => (d.name === "gateway-api" ? `gateway-api (${options.gatewayApiChannel})` : d.name))
    .sort();
  const generatedBy =
    `scripts/gen-schemas.ts: kube-apiserver ${env.kubernetesVersion} /openapi/v3 with the CustomResourceDefinitions ` +
    `of ${relative(dirname(repoRoot), options.crdsDir)}/ (${sources.join(", ")}); descriptions: ${options.descriptions}`;
  const bundle = buildSchemaBundle(inputs, {
    kubernetesVersion: env.kubernetesVersion,
    generatedBy,
    descriptions: options.descriptions,
  });
  const files = new Map<string, string>();
  for (const [name, value] of bundle) files.set(name, serializeBundleFile(name, value));
  return files;
}

/** The committed bundle's directory for a server version. */
export function bundleDir(kubernetesVersion: string): string {
  return join(repoRoot, "schemas", `kubernetes-${kubernetesVersion}`);
}

/** Names of files in `dir` that differ from `files` (missing, different or extra). */
export function staleBundleFiles(dir: string, files: Map<string, string>): string[] {
  const stale: string[] = [];
  const existing = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  for (const f of existing) if (!files.has(f)) stale.push(`${f} (should not exist)`);
  for (const [name, content] of files) {
    const path = join(dir, name);
    if (!existsSync(path)) stale.push(`${name} (missing)`);
    else if (readFileSync(path, "utf8") !== content) stale.push(`${name} (differs)`);
  }
  return stale.sort();
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      crds: { type: "string" },
      descriptions: { type: "string", default: "first-sentence" },
      "gateway-api-channel": { type: "string", default: "standard" },
      check: { type: "boolean", default: false },
    },
  });
  if (values.descriptions !== "first-sentence" && values.descriptions !== "none") {
    console.error("--descriptions must be first-sentence or none");
    return 2;
  }
  const channel = values["gateway-api-channel"];
  if (channel !== "standard" && channel !== "experimental") {
    console.error("--gateway-api-channel must be standard or experimental");
    return 2;
  }
  const started = Date.now();
  const options: GenerateOptions = {
    crdsDir: values.crds ?? crdCorpusDir(),
    descriptions: values.descriptions,
    gatewayApiChannel: channel,
  };
  const env = await startApiEnv({ crdsDir: options.crdsDir, gatewayApiChannel: options.gatewayApiChannel });
  let files: Map<string, string>;
  try {
    files = await collectSchemaBundle(env, options);
  } finally {
    await env.stop();
  }
  const out = values.out ?? bundleDir(env.kubernetesVersion);
  const total = [...files.values()].reduce((n, s) => n + Buffer.byteLength(s), 0);

  if (values.check) {
    const stale = staleBundleFiles(out, files);
    if (stale.length > 0) {
      console.error(
        `${relative(repoRoot, out)} is out of date; run npx tsx scripts/gen-schemas.ts:\n  ${stale.join("\n  ")}`,
      );
      return 1;
    }
    console.log(
      `${relative(repoRoot, out)} is up to date (${files.size} files, ${(total / 1e6).toFixed(2)} MB)`,
    );
    return 0;
  }

  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (f.endsWith(".json") && !files.has(f)) rmSync(join(out, f));
  for (const [name, content] of files) writeFileSync(join(out, name), content);
  const kinds = Object.keys(
    (JSON.parse(files.get("index.json") ?? "{}") as { kinds?: object }).kinds ?? {},
  ).length;
  console.log(
    `wrote ${relative(repoRoot, out) || out}: ${files.size} files, ${kinds} kinds, ${(total / 1e6).toFixed(2)} MB ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 2;
    },
  );
}
