/**
 * What an import starts from: the objects of each environment — `helm template` output, or manifest files — as
 * plain data, each with where it came from (the chart template of a `# Source:` comment, or the file).
 * Bounded: at most {@link MAX_OBJECTS} objects per environment, manifest files up to the intent input limit.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { InvalidInputError, UsageError } from "../core/errors.js";
import type { Finding } from "../core/finding.js";
import type { KObject } from "../core/object.js";
import { readInput } from "../intent/inputs.js";

/** More objects than this in one environment is not an app to import. */
export const MAX_OBJECTS = 5000;
const MAX_FILES = 1000;

export interface SourceObject {
  object: KObject;
  /** The chart template (`podinfo/templates/deployment.yaml`) or the manifest file it came from. */
  source: string;
  /** Position among the documents of that source (helm renders a template into several documents). */
  index: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isObject(v: unknown): v is KObject {
  return (
    isRecord(v) &&
    typeof v.apiVersion === "string" &&
    typeof v.kind === "string" &&
    isRecord(v.metadata) &&
    typeof v.metadata.name === "string" &&
    v.metadata.name !== ""
  );
}

/** Every object of a YAML stream (Lists flattened), with its source; bad documents are located errors. */
export function parseStream(
  text: string,
  file: string,
  sourceOf?: (comment: string) => string | undefined,
): {
  objects: SourceObject[];
  errors: Finding[];
} {
  const objects: SourceObject[] = [];
  const errors: Finding[] = [];
  const perSource = new Map<string, number>();
  for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
    const line = doc.range ? text.slice(0, doc.range[0]).split("\n").length : 1;
    if (doc.errors.length > 0) {
      errors.push({
        checkId: "import",
        messageId: "yaml",
        severity: "error",
        message: `${file}: ${doc.errors[0]?.message ?? "invalid YAML"}`,
        loc: { file, line, column: 1 },
      });
      continue;
    }
    // `# Source:` sits after the `---`: a comment on the document, or on its first node.
    const comment = [
      doc.commentBefore,
      (doc.contents as { commentBefore?: string | null } | null)?.commentBefore,
    ]
      .filter((c): c is string => typeof c === "string")
      .join("\n");
    const source = (comment && sourceOf?.(comment)) || file;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const items =
      isRecord(value) &&
      typeof value.kind === "string" &&
      value.kind.endsWith("List") &&
      Array.isArray(value.items)
        ? (value.items as unknown[])
        : [value];
    for (const item of items) {
      if (!isObject(item)) {
        errors.push({
          checkId: "import",
          messageId: "not-an-object",
          severity: "error",
          message: `${file}: a document that is not a Kubernetes object (apiVersion, kind and metadata.name)`,
          loc: { file, line, column: 1 },
        });
        continue;
      }
      const index = perSource.get(source) ?? 0;
      perSource.set(source, index + 1);
      objects.push({ object: item, source, index });
      if (objects.length > MAX_OBJECTS)
        throw new InvalidInputError(
          `${file}: more than ${MAX_OBJECTS} objects; kintent import takes one app or chart at a time`,
          [],
        );
    }
  }
  return { objects, errors };
}

/** `# Source: podinfo/templates/deployment.yaml` → the template path. */
export function helmSource(comment: string): string | undefined {
  return /Source:\s*(\S+)/.exec(comment)?.[1];
}

/** Manifest files under the given paths (YAML files of directories, recursively, in path order). */
export function manifestFiles(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const walk = (p: string, depth: number): void => {
    if (depth > 16) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        if (e.startsWith(".")) continue;
        const child = join(p, e);
        if (statSync(child).isDirectory() || /\.ya?ml$/i.test(e)) walk(child, depth + 1);
      }
    } else if (st.isFile()) {
      out.push(p);
      if (out.length > MAX_FILES)
        throw new UsageError(`more than ${MAX_FILES} manifest files; import one app at a time`);
    }
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new UsageError(`no such file or directory: ${p}`);
    walk(abs, 0);
  }
  return out;
}

/** Reads and parses manifest files; paths in sources are relative to `cwd`. */
export function readManifests(
  files: readonly string[],
  cwd: string,
): { objects: SourceObject[]; errors: Finding[] } {
  const objects: SourceObject[] = [];
  const errors: Finding[] = [];
  for (const f of files) {
    const shown = relative(cwd, f) || f;
    const r = readInput(f, shown, { what: "file" });
    if ("error" in r) {
      errors.push(r.error);
      continue;
    }
    const parsed = parseStream(r.text, shown);
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  if (objects.length > MAX_OBJECTS)
    throw new UsageError(`more than ${MAX_OBJECTS} objects; import one app at a time`);
  return { objects, errors };
}
