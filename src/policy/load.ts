/** Reading policy files from disk (the I/O edge of the policy engine). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { isObject } from "./json.js";
import { classifyPolicy } from "./policy-kind.js";
import type { LoadedPolicy } from "./types.js";
import { parseYamlDocuments } from "./yaml-value.js";

export interface LoadError {
  file: string;
  message: string;
}

export interface LoadPoliciesResult {
  policies: LoadedPolicy[];
  errors: LoadError[];
}

const YAML_EXT = new Set([".yaml", ".yml", ".json"]);

/** All YAML/JSON files under a directory (recursively, sorted), skipping hidden directories. */
export function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith(".") && e.name !== "node_modules") walk(p);
      } else if (YAML_EXT.has(extname(e.name))) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out;
}

/** Reads every document of a YAML/JSON file; `kind: List` documents are expanded into their items. */
export function readYamlFile(file: string): { documents: unknown[]; error?: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { documents: [], error: `cannot read ${file}: ${(e as Error).message}` };
  }
  const { values, errors } = parseYamlDocuments(text);
  const documents: unknown[] = [];
  for (const v of values) {
    if (isObject(v) && typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) {
      documents.push(...(v.items as unknown[]));
    } else {
      documents.push(v);
    }
  }
  const out: { documents: unknown[]; error?: string } = { documents };
  if (errors.length > 0) out.error = `${file}: ${errors.join("; ")}`;
  return out;
}

/**
 * Loads the policy documents in the given files or directories. Documents that are not policies are ignored;
 * unreadable files and YAML errors are returned as errors.
 */
export function loadPolicies(paths: readonly string[]): LoadPoliciesResult {
  const result: LoadPoliciesResult = { policies: [], errors: [] };
  for (const path of paths) {
    let files: string[];
    try {
      files = statSync(path).isDirectory() ? listYamlFiles(path) : [path];
    } catch (e) {
      result.errors.push({ file: path, message: (e as Error).message });
      continue;
    }
    for (const file of files) {
      const { documents, error } = readYamlFile(file);
      if (error !== undefined) result.errors.push({ file, message: error });
      documents.forEach((doc, index) => {
        if (classifyPolicy(doc).kind === "other" || !isObject(doc)) return;
        result.policies.push({ document: doc, file, index });
      });
    }
  }
  return result;
}
