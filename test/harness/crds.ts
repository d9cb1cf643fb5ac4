import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "./kube.js";

/** A CustomResourceDefinition read from the corpus, with the file it came from. */
export interface CrdDocument {
  name: string;
  file: string;
  object: KubeObject;
}

export interface LoadCrdsOptions {
  /**
   * Gateway API ships a standard and an experimental channel that define the same CRD names. "standard" installs
   * the standard channel and adds only the CRDs that exist solely in the experimental channel
   * (gateway.networking.x-k8s.io); "experimental" installs the experimental channel for every name.
   * @default "standard"
   */
  gatewayApiChannel?: "standard" | "experimental";
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry)) out.push(path);
  }
  return out;
}

/**
 * Every CustomResourceDefinition under `dir` (other documents, such as Gateway API's ValidatingAdmissionPolicy,
 * are ignored), one per CRD name, sorted by name.
 */
export function loadCrds(dir: string, options: LoadCrdsOptions = {}): CrdDocument[] {
  const preferred = options.gatewayApiChannel ?? "standard";
  const byName = new Map<string, CrdDocument>();
  for (const file of yamlFiles(dir)) {
    const rel = relative(dir, file);
    const channel = /(^|\/)experimental\//.test(rel)
      ? "experimental"
      : /(^|\/)standard\//.test(rel)
        ? "standard"
        : "";
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message ?? "YAML error"}`);
      const object = doc.toJS() as KubeObject | null;
      if (object?.kind !== "CustomResourceDefinition") continue;
      const name = object.metadata?.name;
      if (!name) throw new Error(`${file}: CustomResourceDefinition without metadata.name`);
      const existing = byName.get(name);
      if (existing && channel !== preferred) continue; // keep the preferred channel's definition
      byName.set(name, { name, file: rel, object });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
