import type { KObject } from "../src/core/object.js";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { parse } from "yaml";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { loadIntent } from "../src/intent/load.js";
import { environmentNames } from "../src/intent/resolve.js";
import { openProject } from "../src/project/index.js";
import type { EnvironmentBuild, Project, ProjectBuild } from "../src/project/index.js";
import { main } from "../src/cli/main.js";
import { Readable } from "node:stream";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const EXAMPLES = join(ROOT, "examples");

/**
 * The CRD directories an example names in its `.kintent.yaml` `schemas` (e.g. the Argo Events EventSource of
 * examples/autodock): a test API server needs them as much as kintent's validator does.
 */
export function exampleCrdDirs(example: string): string[] {
  const config = join(EXAMPLES, example, ".kintent.yaml");
  if (!existsSync(config)) return [];
  const schemas = (parse(readFileSync(config, "utf8")) as { schemas?: string[] } | null)?.schemas ?? [];
  return schemas.map((d) => join(dirname(config), d));
}

/** Example directories that hold an intent (not the policies folder). */
export function exampleNames(): string[] {
  return readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "policies")
    .map((d) => d.name)
    .sort();
}

export function exampleEnvironments(name: string): string[] {
  const r = loadIntent(join(EXAMPLES, name), { cwd: ROOT });
  if (!r.intent) throw new Error(`example ${name} does not load: ${JSON.stringify(r.errors)}`);
  return environmentNames(r.intent.platform);
}

/** An example opened by the engine. */
export function openExample(name: string): Promise<Project> {
  return openProject(join(EXAMPLES, name), { cwd: ROOT });
}

/** One environment of an example, built and validated by the engine (throws on intent errors). */
export async function buildExample(
  name: string,
  env?: string,
): Promise<EnvironmentBuild & { objects: KObject[] }> {
  const b = (await openExample(name)).build(env);
  if (b.errors.length > 0)
    throw new Error(`example ${name} (${env}) fails: ${JSON.stringify(b.errors, null, 2)}`);
  return b;
}

/** Every environment of an example, built by the engine (throws on intent errors). */
export async function buildAllExample(name: string): Promise<ProjectBuild> {
  const all = (await openExample(name)).buildAll();
  if (all.errors.length > 0) throw new Error(`example ${name} fails: ${JSON.stringify(all.errors, null, 2)}`);
  return all;
}

let builtExamples: Promise<Map<string, ProjectBuild>> | undefined;

/** Every example built for every environment, once per test file (for tests that need them synchronously). */
export function exampleBuilds(): Promise<Map<string, ProjectBuild>> {
  return (builtExamples ??= Promise.all(
    exampleNames().map(async (n) => [n, await buildAllExample(n)] as const),
  ).then((entries) => new Map(entries)));
}

export function find(objects: KObject[], kind: string, name: string, namespace?: string): KObject {
  const o = objects.find(
    (x) =>
      x.kind === kind &&
      x.metadata.name === name &&
      (namespace === undefined || x.metadata.namespace === namespace),
  );
  if (!o)
    throw new Error(
      `no ${kind} ${name} in [${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}]`,
    );
  return o;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process, as `kintent <args>`. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([options.stdin ?? ""]),
    cwd: options.cwd ?? ROOT,
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}
