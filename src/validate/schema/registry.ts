/**
 * Where schemas come from: the bundled offline schemas (schemas/kubernetes-<version>/, generated from a real
 * API server's /openapi/v3 by scripts/gen-schemas.ts) and the user's own CRDs (`--schemas DIR`).
 * Group-version files load lazily, on first use.
 */
import { UsageError } from "../../core/errors.js";
import { packageRoot } from "../../core/package-root.js";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { normalizeSchema } from "./normalize.js";

export type { Schema } from "./normalize.js";
import type { Schema } from "./normalize.js";

export interface SchemaEntry {
  apiVersion: string;
  kind: string;
  root: Schema;
  definitions: Record<string, Schema>;
  namespaced: boolean;
  crd: boolean;
  /** Where the schema came from (bundle version or CRD file). */
  origin: string;
}

interface IndexEntry {
  file: string;
  ref: string;
  namespaced: boolean;
  crd: boolean;
}

/** The schemas directory shipped with kintent (next to dist/ or src/). */
export function defaultSchemasRoot(): string {
  return join(packageRoot(), "schemas");
}

/** The newest `kubernetes-v*` bundle under a schemas root. */
export function defaultBundleDir(root = defaultSchemasRoot()): string | undefined {
  if (!existsSync(root)) return undefined;
  const dirs = readdirSync(root)
    .filter((d) => /^kubernetes-v\d+\.\d+\.\d+$/.test(d))
    .sort((a, b) => {
      const pa = a.slice("kubernetes-v".length).split(".").map(Number);
      const pb = b.slice("kubernetes-v".length).split(".").map(Number);
      for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
      return 0;
    });
  const last = dirs[dirs.length - 1];
  return last ? join(root, last) : undefined;
}

/** A schema source could not be read (tool failure, not invalid input). */
export class SchemaLoadError extends UsageError {
  override name = "SchemaLoadError";
}

const isObj = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

export class SchemaRegistry {
  readonly kubernetesVersion: string;
  private readonly index: Record<string, IndexEntry>;
  private readonly files = new Map<string, Record<string, Schema>>();
  private readonly extra = new Map<string, SchemaEntry>();
  private readonly kindsByGroup = new Map<string, Set<string>>();

  constructor(private readonly bundleDir: string | undefined) {
    if (bundleDir) {
      const indexFile = join(bundleDir, "index.json");
      try {
        const idx = JSON.parse(readFileSync(indexFile, "utf8")) as {
          kubernetesVersion: string;
          kinds: Record<string, IndexEntry>;
        };
        this.kubernetesVersion = idx.kubernetesVersion;
        this.index = idx.kinds;
      } catch (e) {
        throw new SchemaLoadError(`cannot read schema bundle ${indexFile}: ${(e as Error).message}`);
      }
    } else {
      this.kubernetesVersion = "none";
      this.index = {};
    }
    for (const key of Object.keys(this.index)) this.noteKind(key);
  }

  private noteKind(key: string): void {
    const i = key.lastIndexOf("/");
    const apiVersion = key.slice(0, i);
    const group = apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
    const set = this.kindsByGroup.get(group) ?? new Set<string>();
    set.add(`${apiVersion}/${key.slice(i + 1)}`);
    this.kindsByGroup.set(group, set);
  }

  private definitionsOf(file: string): Record<string, Schema> {
    let defs = this.files.get(file);
    if (!defs) {
      if (!this.bundleDir) return {};
      const path = join(this.bundleDir, file);
      try {
        defs = (JSON.parse(readFileSync(path, "utf8")) as { definitions: Record<string, Schema> })
          .definitions;
      } catch (e) {
        throw new SchemaLoadError(`cannot read schema file ${path}: ${(e as Error).message}`);
      }
      this.files.set(file, defs);
    }
    return defs;
  }

  lookup(apiVersion: string, kind: string): SchemaEntry | undefined {
    const key = `${apiVersion}/${kind}`;
    const extra = this.extra.get(key);
    if (extra) return extra;
    const e = this.index[key];
    if (!e) return undefined;
    const definitions = this.definitionsOf(e.file);
    const root = definitions[e.ref];
    if (!root) return undefined;
    return {
      apiVersion,
      kind,
      root,
      definitions,
      namespaced: e.namespaced,
      crd: e.crd,
      origin: `Kubernetes ${this.kubernetesVersion}`,
    };
  }

  /** Known `apiVersion/Kind` keys in the same API group (for "served in another version" and did-you-mean). */
  knownInGroup(group: string): string[] {
    return [...(this.kindsByGroup.get(group) ?? [])].sort();
  }

  knownGroups(): string[] {
    return [...this.kindsByGroup.keys()].sort();
  }

  /** Register the versions of a CustomResourceDefinition. Returns the keys added. */
  addCrd(crd: Schema, origin: string): string[] {
    const spec = isObj(crd.spec) ? crd.spec : {};
    const group = typeof spec.group === "string" ? spec.group : "";
    const names = isObj(spec.names) ? spec.names : {};
    const kind = typeof names.kind === "string" ? names.kind : "";
    if (!group || !kind) return [];
    const added: string[] = [];
    const objectMeta = this.lookup("v1", "ConfigMap")?.definitions;
    for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
      if (!isObj(v) || typeof v.name !== "string") continue;
      const schema =
        isObj(v.schema) && isObj(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
      if (!schema) continue;
      const root = normalizeSchema(schema, { descriptions: "none", inJunction: false });
      const props = isObj(root.properties) ? { ...root.properties } : {};
      props.apiVersion = { type: "string" };
      props.kind = { type: "string" };
      if (objectMeta?.["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"])
        props.metadata = { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" };
      root.properties = props;
      const apiVersion = `${group}/${v.name}`;
      const key = `${apiVersion}/${kind}`;
      this.extra.set(key, {
        apiVersion,
        kind,
        root,
        definitions: objectMeta ?? {},
        namespaced: spec.scope !== "Cluster",
        crd: true,
        origin,
      });
      this.noteKind(key);
      added.push(key);
    }
    return added;
  }

  /** Load every CRD from YAML/JSON files in a directory (recursively) or a file. */
  addCrdsFrom(path: string): string[] {
    const abs = resolve(path);
    if (!existsSync(abs)) throw new SchemaLoadError(`--schemas: no such file or directory: ${path}`);
    const files: string[] = [];
    const walk = (p: string) => {
      if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) walk(join(p, f));
      else if (/\.(ya?ml|json)$/.test(p)) files.push(p);
    };
    walk(abs);
    const added: string[] = [];
    for (const f of files) {
      const docs = parseAllDocuments(readFileSync(f, "utf8"));
      if (!Array.isArray(docs)) continue;
      for (const doc of docs) {
        const v: unknown = doc.toJS();
        if (isObj(v) && v.kind === "CustomResourceDefinition") added.push(...this.addCrd(v, f));
      }
    }
    return added;
  }
}
