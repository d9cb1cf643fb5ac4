/** Finding and reading Kyverno CLI test files and everything they reference (I/O). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { isObject } from "../json.js";
import { classifyPolicy } from "../policy-kind.js";
import type { LoadedPolicy } from "../types.js";
import { listYamlFiles, readYamlFile } from "../load.js";
import { toValuesSpec } from "../values.js";
import { normalizeResource } from "../normalize.js";
import { parseYamlDocuments } from "../yaml-value.js";
import type { LoadedTest } from "./run.js";
import { parseTestSpec, parseUserInfo } from "./test-file.js";

export const DEFAULT_TEST_FILE = "kyverno-test.yaml";

/** Test files named `fileName` under `dir` (recursively, including hidden `.kyverno-test` directories). */
export function findTestFiles(dir: string, fileName = DEFAULT_TEST_FILE): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && e.name !== ".git") walk(p);
      } else if (e.name === fileName) {
        out.push(p);
      }
    }
  };
  if (statSync(dir).isFile()) return [dir];
  walk(dir);
  return out;
}

function loadPolicyPaths(dir: string, paths: string[], errors: string[]): LoadedPolicy[] {
  const out: LoadedPolicy[] = [];
  for (const p of paths) {
    const full = resolve(dir, p);
    let files: string[];
    try {
      files = statSync(full).isDirectory() ? listYamlFiles(full) : [full];
    } catch {
      errors.push(`policy file ${p} not found`);
      continue;
    }
    for (const file of files) {
      const { documents, error } = readYamlFile(file);
      if (error !== undefined) errors.push(error);
      documents.forEach((doc, index) => {
        if (!isObject(doc) || classifyPolicy(doc).kind === "other") return;
        out.push({ document: doc, file, index });
      });
    }
  }
  return out;
}

function loadResources(
  dir: string,
  paths: string[],
  errors: string[],
  missing: string[],
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const p of paths) {
    const full = resolve(dir, p);
    let files: string[];
    try {
      files = statSync(full).isDirectory() ? listYamlFiles(full) : [full];
    } catch {
      // Like the Kyverno CLI: a missing resource file is reported and skipped.
      missing.push(p);
      continue;
    }
    for (const file of files) {
      const { documents, error } = readYamlFile(file);
      if (error !== undefined) errors.push(error);
      for (const doc of documents) {
        if (isObject(doc) && typeof doc.kind === "string" && doc.kind !== "")
          out.push(normalizeResource(doc));
      }
    }
  }
  return out;
}

/** The context file's `images`, shaped like Kyverno's ImageData as JSON. */
function contextImages(list: unknown[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const i of list) {
    if (!isObject(i) || typeof i.image !== "string") continue;
    const data: Record<string, unknown> = {
      image: i.image,
      resolvedImage: typeof i.resolvedImage === "string" ? i.resolvedImage : "",
      registry: typeof i.registry === "string" ? i.registry : "",
      repository: typeof i.repository === "string" ? i.repository : "",
    };
    for (const k of ["tag", "digest"]) if (typeof i[k] === "string" && i[k] !== "") data[k] = i[k];
    for (const k of ["imageIndex", "manifest", "config"])
      if (i[k] !== undefined && i[k] !== null) data[k] = i[k];
    out[i.image] = data;
  }
  return out;
}

function readSingle(file: string): unknown {
  const { values, errors } = parseYamlDocuments(readFileSync(file, "utf8"));
  if (errors.length > 0) throw new Error(`${file}: ${errors.join("; ")}`);
  return values[0];
}

/** Reads a test file and everything it references. Problems are reported in `loadError`. */
export function loadTest(path: string): LoadedTest[] {
  const dir = dirname(path);
  const { values: docs, errors: parseErrors } = parseYamlDocuments(readFileSync(path, "utf8"));
  if (parseErrors.length > 0) {
    return [
      {
        path,
        name: path,
        policies: [],
        resources: [],
        clusterResources: [],
        results: [],
        missingFiles: [],
        loadError: parseErrors.join("; "),
      },
    ];
  }
  return docs.map((doc) => {
    const spec = parseTestSpec(doc);
    const errors: string[] = [];
    const missing: string[] = [];
    const test: LoadedTest = {
      path,
      name: spec.name || path,
      policies: loadPolicyPaths(dir, spec.policies, errors),
      resources: loadResources(dir, spec.resources, errors, missing),
      clusterResources: [],
      results: spec.results,
      missingFiles: missing,
    };
    try {
      if (spec.values) test.values = spec.values;
      else if (spec.variables) test.values = toValuesSpec(readSingle(resolve(dir, spec.variables)));
      if (spec.userInfo) test.userInfo = parseUserInfo(readSingle(resolve(dir, spec.userInfo)));
      if (spec.context) {
        const ctx = readSingle(resolve(dir, spec.context));
        const s = isObject(ctx) && isObject(ctx.spec) ? ctx.spec : {};
        if (Array.isArray(s.resources)) test.clusterResources = s.resources.filter(isObject);
        if (Array.isArray(s.images)) test.images = contextImages(s.images);
      }
    } catch (e) {
      errors.push((e as Error).message);
    }
    if (spec.exceptions.length > 0) errors.push("policy exceptions are not supported");
    if (errors.some((e) => e.includes("not found") || e.includes("not supported")))
      test.loadError = errors.join("; ");
    return test;
  });
}
