/**
 * The real `helm` (v3), run with execFile (no shell): `helm template` of a chart directory, once per
 * environment's values, with `--kube-version` set to the bundled schemas' Kubernetes version, hooks and CRDs
 * included (the importer decides what to do with them, and says so). Helm runs with its cache, config and data
 * homes in a temporary directory, so nothing of the user's Helm setup (repositories, plugins, registries) takes
 * part and no network is needed — a chart's dependencies must be vendored under `charts/`.
 *
 * Which helm: `KINTENT_HELM` (a path), else `helm` on PATH, else the one scripts/tools.sh builds
 * (`$KINTENT_TOOLS_DIR/bin/helm`, default ~/.cache/kintent-tools). None found → a usage error saying how to get one.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join, relative, resolve } from "node:path";
import { parse } from "yaml";
import { UsageError } from "../core/errors.js";
import { Redactor } from "../core/redact.js";

/** Largest `helm template` output read (a chart rendering 64 MiB of YAML is not an app). */
const MAX_OUTPUT = 64 * 1024 * 1024;
/** Files and bytes of a chart the scan for `lookup` and random functions reads. */
const MAX_SCAN_FILES = 2000;
const MAX_SCAN_BYTES = 1024 * 1024;

export class HelmError extends UsageError {
  override name = "HelmError";
}

function executable(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The helm binary to run (see the module comment), or a usage error that says how to get one. */
export function findHelm(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.KINTENT_HELM;
  if (explicit !== undefined && explicit !== "") {
    if (!executable(explicit)) throw new HelmError(`KINTENT_HELM=${explicit}: no such file`);
    return explicit;
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "helm");
    if (executable(candidate)) return candidate;
  }
  const tools = join(env.KINTENT_TOOLS_DIR ?? join(homedir(), ".cache", "kintent-tools"), "bin", "helm");
  if (executable(tools)) return tools;
  throw new HelmError(
    "kintent import helm runs the real `helm template`, and no helm was found: install Helm 3 (https://helm.sh/docs/intro/install/) " +
      "and put it on PATH, set KINTENT_HELM=/path/to/helm, or build it with `bash scripts/tools.sh` (into ~/.cache/kintent-tools)",
  );
}

export interface HelmTemplateOptions {
  helm: string;
  /** The chart directory (its dependencies vendored under charts/). */
  chart: string;
  release: string;
  namespace: string;
  /** Values files, in order (later ones win, as with repeated `-f`). */
  values: readonly string[];
  /** e.g. `1.36.3`. */
  kubeVersion: string;
  timeoutMs?: number;
}

function run(helm: string, args: readonly string[], home: string, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      helm,
      [...args],
      {
        encoding: "utf8",
        maxBuffer: MAX_OUTPUT,
        timeout: timeoutMs,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: home,
          HELM_CACHE_HOME: join(home, "cache"),
          HELM_CONFIG_HOME: join(home, "config"),
          HELM_DATA_HOME: join(home, "data"),
        },
      },
      (error, stdout, stderr) => {
        if (error) {
          const text = new Redactor().redact(String(stderr || error.message)).trim();
          reject(
            new HelmError(
              `helm ${args.slice(0, 2).join(" ")} failed: ${text.split("\n").slice(0, 12).join("\n")}`,
            ),
          );
        } else resolvePromise(stdout);
      },
    );
  });
}

/** `helm template` output (a YAML stream with `# Source:` comments). */
export async function helmTemplate(options: HelmTemplateOptions): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), "kintent-helm-"));
  try {
    const args = [
      "template",
      options.release,
      options.chart,
      "--namespace",
      options.namespace,
      "--kube-version",
      options.kubeVersion,
      "--include-crds",
      ...options.values.flatMap((v) => ["--values", v]),
    ];
    return await run(options.helm, args, home, options.timeoutMs ?? 120_000);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** What the chart says about itself, and the template functions whose output the import cannot take as is. */
export interface ChartFacts {
  name: string;
  version: string;
  appVersion?: string;
  /** Template files (relative to the chart) calling `lookup`: `helm template` renders them as if the cluster were empty. */
  lookups: string[];
  /** Template files calling random or generating functions (randAlphaNum, genCA, …), by function. */
  random: { file: string; functions: string[] }[];
}

const RANDOM_FUNCTIONS =
  /\b(randAlphaNum|randAlpha|randNumeric|randAscii|randBytes|randInt|uuidv4|genCA|genCAWithKey|genPrivateKey|genSelfSignedCert|genSelfSignedCertWithKey|genSignedCert|genSignedCertWithKey|derivePassword|now|date)\b/g;

/** Reads Chart.yaml and scans the chart's templates (its subcharts' too, bounded). */
export function chartFacts(chartDir: string): ChartFacts {
  const chartFile = join(chartDir, "Chart.yaml");
  if (!existsSync(chartFile))
    throw new UsageError(
      `${chartDir} is not a chart directory (no Chart.yaml); kintent import helm reads a chart directory`,
    );
  let meta: Record<string, unknown> = {};
  try {
    const v = parse(readFileSync(chartFile, "utf8").slice(0, MAX_SCAN_BYTES)) as unknown;
    if (typeof v === "object" && v !== null) meta = v as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${chartFile}: ${(e as Error).message}`);
  }
  const lookups: string[] = [];
  const random: { file: string; functions: string[] }[] = [];
  let seen = 0;
  const walk = (dir: string, depth: number): void => {
    if (depth > 8 || seen > MAX_SCAN_FILES) return;
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (/\.(ya?ml|tpl|txt)$/.test(e) && relative(chartDir, p).split(/[\\/]/).includes("templates")) {
        if (++seen > MAX_SCAN_FILES || st.size > MAX_SCAN_BYTES) continue;
        const text = readFileSync(p, "utf8");
        const rel = relative(chartDir, p).split("\\").join("/");
        // Template actions only: {{ ... }} blocks.
        const actions = [...text.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)].map((m) => m[1] ?? "").join("\n");
        if (/(^|[\s(|])lookup\s/.test(actions)) lookups.push(rel);
        const fns = [...new Set([...actions.matchAll(RANDOM_FUNCTIONS)].map((m) => m[1] as string))].sort();
        if (fns.length > 0) random.push({ file: rel, functions: fns });
      }
    }
  };
  walk(resolve(chartDir), 0);
  return {
    name: typeof meta.name === "string" ? meta.name : "chart",
    version: typeof meta.version === "string" ? meta.version : "",
    ...(typeof meta.appVersion === "string" ? { appVersion: meta.appVersion } : {}),
    lookups,
    random,
  };
}
