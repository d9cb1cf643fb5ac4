/**
 * `kintent import`: a Helm chart (rendered by the real `helm template` per environment's values) or manifest
 * files → intent files with a parity report. See import.ts for the method, types.ts for the report.
 *
 * Output: written atomically (src/render/files.ts writeDirAtomic) with the marker `.kintent-import`, which holds
 * the hash of every file written; a later import replaces the directory only when it is empty, or holds that
 * marker and every file is still as written (`force` replaces edited files too). A directory kintent did not
 * write is never replaced.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import { dnsLabel } from "../intent/schema.js";
import { OutputDirError, writeDirAtomic } from "../render/files.js";
import { bundledRegistry } from "../validate/index.js";
import { chartFacts, findHelm, helmTemplate } from "./helm.js";
import { importObjects } from "./import.js";
import type { EnvironmentSource, ImportResult } from "./import.js";
import { helmSource, manifestFiles, parseStream, readManifests } from "./sources.js";
import type { ImportMode } from "./types.js";

export type { ImportReport, ImportMode, ObjectVerdict, ObjectStatus, EnvironmentReport } from "./types.js";
export type { ImportResult } from "./import.js";
export { renderImportReport } from "./report.js";
export { findHelm } from "./helm.js";
export { normalize, applyDefaults, canonical, dropAllocated } from "./normalize.js";
export { compareObjects } from "./compare.js";

/** The marker of an import's output directory. */
export const IMPORT_MARKER = ".kintent-import";

/** The bundled schemas' Kubernetes version without the `v`: what `helm template --kube-version` gets. */
export function kubernetesVersion(): string {
  return bundledRegistry().kubernetesVersion.replace(/^v/, "");
}

function checkEnvName(name: string, flag: string): void {
  if (!dnsLabel.safeParse(name).success)
    throw new UsageError(`${flag}: \`${name}\` is not an environment name (a DNS-1123 label such as prod)`);
}

/** `prod=values-prod.yaml` → [prod, values-prod.yaml]. */
export function splitAssignment(text: string, flag: string): [string, string] {
  const i = text.indexOf("=");
  if (i <= 0 || i === text.length - 1) throw new UsageError(`${flag} wants ENV=FILE, got \`${text}\``);
  const env = text.slice(0, i);
  checkEnvName(env, flag);
  return [env, text.slice(i + 1)];
}

export interface HelmImportOptions {
  chart: string;
  release?: string;
  namespace?: string;
  /** `ENV=FILE`, repeatable; files of one environment apply in order. */
  values?: readonly string[];
  mode: ImportMode;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Render the chart once per environment (twice, to find values that change on every render) and import. */
export async function importHelm(options: HelmImportOptions): Promise<ImportResult> {
  const helm = findHelm(options.env ?? process.env);
  const chart = resolve(options.cwd, options.chart);
  if (!existsSync(chart) || !statSync(chart).isDirectory())
    throw new UsageError(
      `${options.chart}: not a chart directory (kintent import helm reads an unpacked chart with its dependencies under charts/)`,
    );
  const facts = chartFacts(chart);
  const release = options.release ?? facts.name;
  if (!dnsLabel.safeParse(release).success)
    throw new UsageError(`--release \`${release}\` must be a DNS-1123 label (Helm release names are)`);
  const namespace = options.namespace ?? "default";
  if (!dnsLabel.safeParse(namespace).success)
    throw new UsageError(`--namespace \`${namespace}\` is not a namespace name`);
  const byEnv = new Map<string, string[]>();
  for (const v of options.values ?? []) {
    const [env, file] = splitAssignment(v, "--values");
    const abs = resolve(options.cwd, file);
    if (!existsSync(abs)) throw new UsageError(`--values ${env}=${file}: no such file`);
    byEnv.set(env, [...(byEnv.get(env) ?? []), file]);
  }
  if (byEnv.size === 0) byEnv.set("default", []);
  const kubeVersion = kubernetesVersion();
  const environments: EnvironmentSource[] = [];
  for (const [name, files] of byEnv) {
    const render = async () => {
      const text = await helmTemplate({
        helm,
        chart,
        release,
        namespace,
        values: files.map((f) => resolve(options.cwd, f)),
        kubeVersion,
      });
      const parsed = parseStream(text, `helm template (${name})`, helmSource);
      if (parsed.errors.length > 0)
        throw new UsageError(
          `helm template rendered something that is not Kubernetes YAML: ${parsed.errors[0]?.message ?? ""}`,
        );
      return parsed.objects;
    };
    environments.push({ name, inputs: files, namespace, objects: await render(), again: await render() });
  }
  return importObjects({
    kind: "helm",
    source: options.chart,
    mode: options.mode,
    environments,
    chart: facts,
    release,
    kubernetesVersion: `v${kubeVersion}`,
  });
}

export interface ManifestImportOptions {
  /** Paths (files or directories), each optionally `ENV=PATH` (that environment's only). */
  paths: readonly string[];
  /** Environment names; a plain path belongs to every one. @default those named in paths, else `default` */
  environments?: readonly string[];
  namespace?: string;
  mode: ImportMode;
  cwd: string;
}

export async function importManifests(options: ManifestImportOptions): Promise<ImportResult> {
  const shared: string[] = [];
  const own = new Map<string, string[]>();
  for (const p of options.paths) {
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=(.+)$/.exec(p);
    if (m && !existsSync(resolve(options.cwd, p)))
      own.set(m[1] as string, [...(own.get(m[1] as string) ?? []), m[3] as string]);
    else shared.push(p);
  }
  for (const e of options.environments ?? []) checkEnvName(e, "--env");
  const names = [...new Set([...(options.environments ?? []), ...own.keys()])];
  if (names.length === 0) names.push("default");
  const unknown = [...own.keys()].filter(
    (e) => options.environments && options.environments.length > 0 && !options.environments.includes(e),
  );
  if (unknown.length > 0)
    throw new UsageError(`paths name environment(s) ${unknown.join(", ")} that no --env declares`);
  const namespace = options.namespace ?? "default";
  if (!dnsLabel.safeParse(namespace).success)
    throw new UsageError(`--namespace \`${namespace}\` is not a namespace name`);
  const environments: EnvironmentSource[] = names.map((name) => {
    const paths = [...shared, ...(own.get(name) ?? [])];
    if (paths.length === 0)
      throw new UsageError(`environment ${name} has no manifests (give PATH or ${name}=PATH)`);
    const files = manifestFiles(paths, options.cwd);
    const read = readManifests(files, options.cwd);
    if (read.errors.length > 0)
      throw new UsageError(
        read.errors.map((e) => `${e.loc ? `${e.loc.file}:${e.loc.line}: ` : ""}${e.message}`).join("\n"),
      );
    return {
      name,
      inputs: files.map((f) => relative(options.cwd, f) || f),
      namespace,
      objects: read.objects,
    };
  });
  return importObjects({
    kind: "manifests",
    source: options.paths.join(" "),
    mode: options.mode,
    environments,
    kubernetesVersion: `v${kubernetesVersion()}`,
  });
}

function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The marker's text: what wrote the directory, and the hash of every file (to notice edits before replacing). */
export function markerText(files: ReadonlyMap<string, string>): string {
  const lines = [
    "Written by `kintent import`. This is an intent directory: edit it, build it with `kintent build`.",
    "Importing again into this directory replaces it only while every file below is as the import wrote it",
    "(`--force` replaces edited files too). sha256 of each file:",
    "",
    ...[...files.keys()].sort().map((f) => `${sha256(files.get(f) ?? "")}  ${f}`),
    "",
  ];
  return lines.join("\n");
}

function walk(dir: string, base: string, out: string[], depth = 0): void {
  if (depth > 16) return;
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, base, out, depth + 1);
    else out.push(relative(base, p).split("\\").join("/"));
  }
}

/** Files of an earlier import that changed since (edited, added or removed), relative to `dir`. */
export function editedSinceImport(dir: string): string[] {
  const text = readFileSync(join(dir, IMPORT_MARKER), "utf8");
  const written = new Map<string, string>();
  for (const m of text.matchAll(/^([0-9a-f]{64}) {2}(.+)$/gm)) written.set(m[2] as string, m[1] as string);
  const present: string[] = [];
  walk(dir, dir, present);
  const edited: string[] = [];
  for (const f of present) {
    if (f === IMPORT_MARKER) continue;
    const hash = written.get(f);
    if (hash === undefined || hash !== sha256(readFileSync(join(dir, f)))) edited.push(f);
  }
  for (const f of written.keys()) if (!present.includes(f)) edited.push(f);
  return edited.sort();
}

/** Write an import's files into `out`, atomically, never over someone's work (see the module comment). */
export function writeImport(
  out: string,
  files: ReadonlyMap<string, string>,
  options: { force?: boolean } = {},
): void {
  writeDirAtomic(out, files, {
    marker: IMPORT_MARKER,
    markerText: markerText(files),
    beforeReplace: (dir) => {
      if (options.force) return;
      const edited = editedSinceImport(dir);
      if (edited.length > 0)
        throw new OutputDirError(
          `${out} holds an earlier import with changes since (${edited.slice(0, 5).join(", ")}${edited.length > 5 ? ", …" : ""}); importing again would overwrite them — import into another directory, or pass --force`,
        );
    },
  });
}
