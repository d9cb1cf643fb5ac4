/** Real helm and kubectl for the rendering tests; a missing binary fails the test with how to get it. */
import type { KObject } from "../../src/core/object.js";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { requireTools } from "../harness/tools.js";

/** Path of the helm binary scripts/tools.sh builds; throws ToolsMissingError (with the fix) when absent. */
export function helmBinary(): string {
  return requireTools("helm").helm;
}

/** kubectl from PATH (it bundles kustomize); throws with a clear message when it is not installed. */
export function kubectlBinary(): string {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "pipe" });
  } catch (e) {
    throw new Error(
      `kubectl is required for the Kustomize tests (kubectl kustomize) and was not found on PATH: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return "kubectl";
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a tool; never throws on a non-zero exit (tests assert on code and output). */
export function run(bin: string, args: readonly string[], cwd?: string): Run {
  try {
    const stdout = execFileSync(bin, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        HELM_CACHE_HOME: join(tmpdir(), "kintent-helm-cache"),
        HELM_CONFIG_HOME: join(tmpdir(), "kintent-helm-config"),
        HELM_DATA_HOME: join(tmpdir(), "kintent-helm-data"),
      },
      ...(cwd ? { cwd } : {}),
    });
    return { code: 0, stdout, stderr: "" };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? 1, stdout: err.stdout ?? "", stderr: err.stderr ?? String(e) };
  }
}

/** Run and demand success, with the tool's stderr in the failure. */
export function runOk(bin: string, args: readonly string[], cwd?: string): string {
  const r = run(bin, args, cwd);
  if (r.code !== 0) throw new Error(`${bin} ${args.join(" ")} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** Every non-empty document of a YAML stream, as data. */
export function parseObjects(text: string): KObject[] {
  const out: KObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`YAML error: ${doc.errors[0]?.message ?? ""}`);
    const v = doc.toJS() as KObject | null;
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

/** Objects keyed by identity (kind/namespace/name) for comparison as a set. */
export function byIdentity(objects: readonly KObject[]): Record<string, KObject> {
  const out: Record<string, KObject> = {};
  for (const o of objects) {
    const id = `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    if (id in out) throw new Error(`duplicate object ${id}`);
    out[id] = o;
  }
  return out;
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
