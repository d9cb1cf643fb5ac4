/**
 * Converts kintent's schema bundle (schemas/kubernetes-<version>/) into kubeconform's local schema layout, for
 * side-by-side comparisons and benchmarks. The output is a cache, never committed:
 *
 *   npx tsx scripts/schemas-to-kubeconform.ts [--schemas schemas/kubernetes-v1.36.3] [--out DIR]
 *   kubeconform -strict -kubernetes-version 1.36.3 -schema-location DIR manifests.yaml
 *
 * Layout (kubeconform's default for a directory location):
 *   DIR/v1.36.3-standalone-strict/<kind><kind suffix>.json
 * where the suffix is "-<first label of the group>-<version>" ("-v1" for the core group), e.g.
 * deployment-apps-v1.json, rollout-argoproj-v1alpha1.json, certificate-cert-manager-v1.json. Each file is the
 * kind's schema with every definition it reaches under "definitions", so it stands alone.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot, toolsDir } from "../test/harness/index.js";
import type { BundleIndex, Schema } from "./schema-bundle.js";

/** kubeconform's {{.ResourceKind}}{{.KindSuffix}} for an apiVersion and kind. */
export function kubeconformFileName(apiVersion: string, kind: string): string {
  const groupParts = apiVersion.split("/");
  const first = (groupParts[0] ?? "").split(".")[0] ?? "";
  const suffix = `-${first.toLowerCase()}${groupParts.length > 1 ? `-${(groupParts[1] ?? "").toLowerCase()}` : ""}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

/** Definition names a schema refers to (schema positions only, not enum/default data). */
function refsOf(schema: Schema): string[] {
  const refs: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return;
    const s = value as Schema;
    if (typeof s.$ref === "string") refs.push(s.$ref.replace("#/definitions/", ""));
    if (s.properties && typeof s.properties === "object") Object.values(s.properties).forEach(visit);
    visit(s.items);
    visit(s.additionalProperties);
    visit(s.not);
    for (const key of ["allOf", "anyOf", "oneOf"])
      if (Array.isArray(s[key])) (s[key] as unknown[]).forEach(visit);
  };
  visit(schema);
  return refs;
}

function reachable(definitions: Record<string, Schema>, root: string): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const queue = [root];
  while (queue.length > 0) {
    const name = queue.pop();
    if (name === undefined || out[name] !== undefined) continue;
    const schema = definitions[name];
    if (schema === undefined) throw new Error(`missing definition ${name}`);
    out[name] = schema;
    for (const ref of refsOf(schema)) if (!out[ref]) queue.push(ref);
  }
  return out;
}

/** Writes the kubeconform layout for one bundle; returns the directory kubeconform's -schema-location takes. */
export function convertBundle(
  schemasDir: string,
  outDir: string,
): { dir: string; files: number; version: string } {
  const index = JSON.parse(readFileSync(join(schemasDir, "index.json"), "utf8")) as BundleIndex;
  const target = join(outDir, `${index.kubernetesVersion}-standalone-strict`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const loaded = new Map<string, Record<string, Schema>>();
  const written = new Map<string, string>();
  for (const [key, entry] of Object.entries(index.kinds)) {
    const slash = key.lastIndexOf("/");
    const apiVersion = key.slice(0, slash);
    const kind = key.slice(slash + 1);
    let definitions = loaded.get(entry.file);
    if (!definitions) {
      definitions = (
        JSON.parse(readFileSync(join(schemasDir, entry.file), "utf8")) as {
          definitions: Record<string, Schema>;
        }
      ).definitions;
      loaded.set(entry.file, definitions);
    }
    const root = definitions[entry.ref];
    if (!root) throw new Error(`${entry.file}: no definition ${entry.ref} for ${key}`);
    const name = kubeconformFileName(apiVersion, kind);
    const previous = written.get(name);
    if (previous) throw new Error(`${name}: both ${previous} and ${key} map to the same kubeconform file`);
    written.set(name, key);
    const standalone = {
      $schema: "http://json-schema.org/draft-07/schema#",
      ...root,
      definitions: reachable(definitions, entry.ref),
    };
    writeFileSync(join(target, name), JSON.stringify(standalone));
  }
  return { dir: outDir, files: written.size, version: index.kubernetesVersion };
}

function defaultSchemasDir(): string {
  const root = join(repoRoot, "schemas");
  const dirs = readdirSync(root)
    .filter((d) => d.startsWith("kubernetes-"))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const last = dirs.at(-1);
  if (!last) throw new Error(`no schemas/kubernetes-* bundle in ${root}; run npx tsx scripts/gen-schemas.ts`);
  return join(root, last);
}

function main(): number {
  const { values } = parseArgs({ options: { schemas: { type: "string" }, out: { type: "string" } } });
  const schemasDir = values.schemas ?? defaultSchemasDir();
  const outDir = values.out ?? join(toolsDir(), "kubeconform-schemas");
  const { dir, files, version } = convertBundle(schemasDir, outDir);
  console.log(`wrote ${files} kubeconform schemas from ${relative(repoRoot, schemasDir)} to ${dir}`);
  console.log(
    `use: kubeconform -strict -kubernetes-version ${version.replace(/^v/, "")} -schema-location ${dir} <files>`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  try {
    process.exitCode = main();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  }
}
