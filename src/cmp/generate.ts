/**
 * `kintent cmp generate`: the Argo CD Config Management Plugin's generate command. Runs in the Application's
 * source directory, prints only Kubernetes objects (the exact `kintent build` YAML stream) on stdout, and one
 * line of diagnostics on stderr. Any error — an invalid intent, an error finding, a missing or stale lock for
 * plain-English instructions, no objects at all — exits non-zero with a one-line reason and prints nothing on
 * stdout, so Argo CD never sees an empty manifest set it would prune everything for.
 *
 * It goes through the same engine as `kintent build` (`openProject` → `build(env)`): the team's checks and
 * policies in `.kintent.yaml` and the manifests under `extra/` apply here exactly as they do there.
 * Heavy modules (compiler, validator, YAML renderer) are imported lazily, after the cheap checks.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Finding } from "../core/finding.js";
import { InvalidInputError, isKintentError } from "../core/errors.js";
import { inferEnvironment, readCmpRequest } from "./request.js";
import { BuildCache } from "../project/cache.js";

/** What the plugin may touch: output streams, its directory and environment. */
export interface CmpIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const PREFIX = "kintent cmp";

/** Exit codes: 0 manifests printed; 1 error findings; 2 anything else (usage, intent, lock, tool). */
export async function cmpGenerate(io: CmpIO): Promise<number> {
  const fail = (code: number, reason: string): number => {
    io.stderr.write(`${PREFIX}: ${oneLine(reason)}\n`);
    return code;
  };
  try {
    const request = readCmpRequest(io.env);
    // An unchanged app at any revision is a hash and a read (src/project/cache.ts): the key covers every file
    // of the directory, the parents' platform and config files, this installation and the request.
    const cache = BuildCache.fromEnv(io.env);
    const key = cache?.key(io.cwd, { cmp: 1, request });
    if (cache && key !== undefined) {
      const hit = cache.get<{ stdout: string; stderr: string }>(key);
      if (hit) {
        io.stdout.write(hit.stdout);
        io.stderr.write(hit.stderr);
        return 0;
      }
    }
    const instructions = await checkInstructions(io.cwd);
    if (typeof instructions === "string") return fail(2, instructions);
    const locked = instructions === false ? undefined : instructions.served;

    // Fail closed on a broken installation: without the schema bundle every object would be "skipped".
    const { defaultBundleDir } = await import("../validate/schema/registry.js");
    if (defaultBundleDir() === undefined)
      return fail(
        2,
        "kintent's Kubernetes schema bundle (schemas/) is missing from this installation; reinstall the plugin image",
      );

    // The same engine as `kintent build`: intent, platform, extra/, .kintent.yaml checks and policies.
    const { openProject } = await import("../project/project.js");
    const { toYamlStream } = await import("../render/yaml.js");
    const project = await openProject(".", {
      cwd: io.cwd,
      ...(request.app !== undefined ? { app: request.app } : {}),
    });
    if (project.errors.length > 0) return fail(2, `invalid intent: ${summarize(project.errors)}`);

    let env = request.env;
    let envSource = request.envSource;
    if (env === undefined) {
      const names = project.environments;
      env = inferEnvironment(names, request.appName);
      envSource = names.length === 1 ? "the only environment" : "the Application name";
      if (env === undefined)
        return fail(
          2,
          `the platform defines several environments (${names.join(", ")}): choose one in the Application with spec.source.plugin.env [{name: KINTENT_ENV, value: <env>}] or the \`env\` parameter`,
        );
    }

    const b = project.build(env);
    if (b.errors.length > 0) return fail(2, `invalid intent: ${summarize(b.errors)}`);
    const errors = b.findings.filter((f) => f.severity === "error");
    if (errors.length > 0)
      return fail(
        1,
        `refusing to generate manifests for ${b.environment}: ${errors.length} error finding(s): ${summarize(errors)} — run \`kintent build --env ${b.environment}\` locally for details`,
      );
    if (b.objects.length === 0)
      return fail(2, "the intent produced no objects; refusing to send Argo CD an empty manifest set");
    const stdout = toYamlStream(b.objects);
    const warnings = [...b.warnings, ...b.findings].filter((f) => f.severity === "warning").length;
    const apps = b.apps.map((a) => a.app.name).join(", ");
    const stderr =
      `${PREFIX}: ${b.objects.length} object(s) for ${apps} in ${b.environment}${envSource ? ` (environment from ${envSource})` : ""}` +
      `${locked ? `, ${locked}` : ""}${warnings > 0 ? `, ${warnings} warning(s) — see kintent build` : ""}\n`;
    io.stdout.write(stdout);
    io.stderr.write(stderr);
    if (cache && key !== undefined) cache.put(key, project.validation.inputs, { stdout, stderr });
    return 0;
  } catch (e) {
    // Usage and tool errors (an unreadable input, an unknown environment, a bad .kintent.yaml) carry
    // user-facing messages; anything else is a bug. Never a stack, always closed.
    if (e instanceof InvalidInputError) return fail(2, `${e.message}: ${summarize(e.findings)}`);
    if (isKintentError(e)) return fail(2, e.message);
    const err = e instanceof Error ? e : new Error(String(e));
    return fail(2, `internal error: ${err.message}`);
  }
}

/** Instruction files the plugin recognises (src/ai/lock.ts keeps the list; checked here without loading it). */
const INSTRUCTION_FILES = ["claudernetes.yaml", "claudernetes.yml", "claudernetes.md"];

/**
 * Plain-English instruction files are served only from a matching `kintent.lock` (written by
 * `kintent ask --lock`, format in src/ai/lock.ts) whose generated files are all present; anything else fails
 * closed. Returns false when there are no instruction files, `{served}` — what was served and why, for the
 * one-line report — when the lock serves them, or the reason to refuse. The lock's file hashes say whether the
 * files are still what the model generated or were edited since (reviewed edits in Git are served as
 * committed, and the report says so rather than claiming the lock's output).
 */
async function checkInstructions(dir: string): Promise<false | { served: string } | string> {
  if (!INSTRUCTION_FILES.some((f) => existsSync(join(dir, f)))) return false;
  const { checkLock, lockedFiles, LOCK_FILE } = await import("../ai/lock.js");
  const never = "the plugin never calls an LLM";
  const r = checkLock(dir);
  if (r.status === "none") return false;
  if (r.status !== "locked") return `${r.message} (${never})`;
  const files = lockedFiles(dir, r.entries);
  const missing = files.filter((f) => f.state === "missing").map((f) => f.path);
  if (missing.length > 0)
    return `${LOCK_FILE} lists ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not in the repository: run \`kintent ask --lock\` and commit every file it writes (${never})`;
  const sources = r.entries.map((e) => e.source).join(", ");
  const edited = files.filter((f) => f.state === "edited").map((f) => f.path);
  const generated = files.filter((f) => f.state === "generated").map((f) => f.path);
  if (edited.length === 0)
    return {
      served: `served from ${LOCK_FILE}: ${generated.join(", ")} exactly as generated from ${sources} (instructions unchanged since locking; no LLM call)`,
    };
  return {
    served:
      `built from ${edited.join(", ")} as committed — edited since ${LOCK_FILE} recorded what the model generated from ${sources}` +
      `${generated.length > 0 ? `; ${generated.join(", ")} as generated` : ""}` +
      ` (instructions unchanged since locking; no LLM call)`,
  };
}

/** `kintent cmp discover`: prints the file that makes this directory kintent's, exit 0; else nothing, exit 1. */
export const DISCOVER_FILES = [
  "kintent.yaml",
  "kintent.yml",
  "claudernetes.yaml",
  "claudernetes.yml",
  "claudernetes.md",
] as const;

export function cmpDiscover(io: CmpIO): Promise<number> {
  const found = DISCOVER_FILES.find((f) => existsSync(join(io.cwd, f)));
  if (found === undefined) return Promise.resolve(1);
  io.stdout.write(`${found}\n`);
  return Promise.resolve(0);
}

function summarize(findings: readonly Finding[]): string {
  const shown = findings.slice(0, 3).map((f) => {
    const where = f.object
      ? `${f.object.kind} ${f.object.name}`
      : f.loc
        ? `${f.loc.file}:${f.loc.line}:${f.loc.column}`
        : "";
    return `${where ? `${where}: ` : ""}${f.message}${f.checkId ? ` [${f.checkId}]` : ""}`;
  });
  return shown.join("; ") + (findings.length > 3 ? `; and ${findings.length - 3} more` : "");
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}
