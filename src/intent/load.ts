/**
 * Loading intents from disk: the only I/O of the intent stage. Returns data and findings; throws only
 * for bugs and for unreadable inputs (IntentReadError), never for user mistakes in file content.
 */
import { UsageError } from "../core/errors.js";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { basename, dirname, join, relative, resolve, isAbsolute } from "node:path";
import type { Finding } from "../core/finding.js";
import { parseYamlStream } from "../core/yaml-source.js";
import type { SourceDocument } from "../core/yaml-source.js";
import { API_VERSION, appIntent, platformIntent } from "./schema.js";
import type { WrittenApp, WrittenPlatform } from "./schema.js";
import { issuesToFindings } from "./issues.js";
import { scoreToApp, SCORE_API_VERSION } from "./score.js";
import * as z from "zod";

/** A manifest kept next to the intent under `extra/` (requests outside the intent's vocabulary). */
export interface ExtraManifest {
  object: Record<string, unknown>;
  source: SourceDocument;
}

export interface LoadedApp {
  value: WrittenApp;
  source: SourceDocument;
  /** `kintent` for an App document, `score` for a Score workload converted to one. */
  format: "kintent" | "score";
}

export interface LoadedPlatform {
  value: WrittenPlatform;
  source: SourceDocument;
}

export interface LoadedIntent {
  /** Directory the intent was loaded from (absolute). */
  dir: string;
  apps: LoadedApp[];
  platform?: LoadedPlatform;
  /** Manifests from `extra/*.yaml` of the intent directory, in file and document order (absent when none). */
  extra?: ExtraManifest[];
  /** Files read, relative to `dir` where possible (sorted) — used for hashing and watch. */
  files: string[];
}

export interface LoadResult {
  intent?: LoadedIntent;
  errors: Finding[];
  warnings: Finding[];
}

/** An input could not be read at all (missing directory, permissions). A usage error, exit 2. */
export class IntentReadError extends UsageError {
  override name = "IntentReadError";
}

export interface LoadOptions {
  /** An explicit platform file; otherwise `platform.yaml` in the directory or its parents. */
  platformFile?: string;
  /** Order in which directory files are read; the result must not depend on it (tests reverse it). */
  fileOrder?: "sorted" | "reverse";
  /** Display paths relative to this directory. @default process.cwd() */
  cwd?: string;
  /**
   * File contents by absolute path that replace, or add to, what is on disk: previews of edits
   * (`kintent set`, `kintent ask`) compile and validate without writing anything.
   */
  overlay?: ReadonlyMap<string, string>;
}

let appSchemaJson: Record<string, unknown> | undefined;
let platformSchemaJson: Record<string, unknown> | undefined;
function schemaFor(kind: "App" | "Platform"): Record<string, unknown> {
  if (kind === "App") return (appSchemaJson ??= z.toJSONSchema(appIntent) as Record<string, unknown>);
  return (platformSchemaJson ??= z.toJSONSchema(platformIntent) as Record<string, unknown>);
}

const YAML_FILE = /\.ya?ml$/;
/** Subdirectory of an intent directory holding extra manifests owned by its app(s). */
export const EXTRA_DIR = "extra";

/** YAML files of `dir` (on disk and in the overlay), sorted. */
function yamlFilesIn(dir: string, overlay: ReadonlyMap<string, string> | undefined): string[] {
  const names = new Set(existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir) : []);
  for (const f of overlay?.keys() ?? []) if (dirname(f) === dir) names.add(basename(f));
  return [...names]
    .filter((f) => YAML_FILE.test(f))
    .sort()
    .map((f) => join(dir, f));
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === "" ? "." : rel.startsWith("..") && isAbsolute(file) ? file : rel;
}

/** Load every App (and the Platform) from a directory or a single file. */
export function loadIntent(path: string, options: LoadOptions = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new IntentReadError(`no such file or directory: ${path}`);
  const isDir = statSync(abs).isDirectory();
  const dir = isDir ? abs : dirname(abs);
  const overlay = options.overlay;
  let files = isDir ? yamlFilesIn(abs, overlay) : [abs];
  if (options.fileOrder === "reverse") files = [...files].reverse();

  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const apps: LoadedApp[] = [];
  const platforms: LoadedPlatform[] = [];
  const read: string[] = [];

  const loadFile = (file: string, allowApps: boolean) => {
    let text: string;
    try {
      text = overlay?.get(file) ?? readFileSync(file, "utf8");
    } catch (e) {
      throw new IntentReadError(`cannot read ${displayPath(file, cwd)}: ${(e as Error).message}`);
    }
    read.push(file);
    const shown = displayPath(file, cwd);
    const parsed = parseYamlStream(text, shown);
    for (const e of parsed.errors) {
      errors.push({
        checkId: "yaml",
        messageId: "syntax",
        severity: "error",
        message: e.message,
        loc: e.loc,
      });
    }
    for (const doc of parsed.documents) {
      const v = doc.value as Record<string, unknown>;
      if (typeof v !== "object" || Array.isArray(v)) continue;
      const apiVersion = v.apiVersion;
      const kind = v.kind;
      if (apiVersion === SCORE_API_VERSION && allowApps) {
        const converted = scoreToApp(doc, (p) => readFileSync(resolve(dirname(file), p), "utf8"));
        errors.push(...converted.errors);
        warnings.push(...converted.warnings);
        if (converted.app) apps.push({ value: converted.app, source: doc, format: "score" });
        continue;
      }
      if (typeof apiVersion !== "string" || !apiVersion.startsWith("kintent.dev/")) continue;
      if (apiVersion !== API_VERSION) {
        errors.push({
          checkId: "intent",
          messageId: "api-version",
          severity: "error",
          message: `unsupported apiVersion \`${apiVersion}\`; this kintent reads \`${API_VERSION}\``,
          path: "/apiVersion",
          loc: doc.locateValue("/apiVersion"),
        });
        continue;
      }
      if (kind === "App" && allowApps) {
        const r = appIntent.safeParse(v);
        if (r.success) apps.push({ value: r.data, source: doc, format: "kintent" });
        else errors.push(...issuesToFindings(r.error.issues, { doc, schema: schemaFor("App"), kind: "App" }));
      } else if (kind === "Platform") {
        const r = platformIntent.safeParse(v);
        if (r.success) platforms.push({ value: r.data, source: doc });
        else
          errors.push(
            ...issuesToFindings(r.error.issues, { doc, schema: schemaFor("Platform"), kind: "Platform" }),
          );
      } else if (kind !== "App") {
        const guess =
          typeof kind === "string" && /^app$/i.test(kind)
            ? "App"
            : /^platform$/i.test(String(kind))
              ? "Platform"
              : undefined;
        errors.push({
          checkId: "intent",
          messageId: "unknown-kind",
          severity: "error",
          message:
            `unknown kind \`${String(kind)}\` for ${API_VERSION}; expected App or Platform` +
            (guess ? ` — did you mean \`${guess}\`?` : ""),
          path: "/kind",
          loc: doc.locateValue("/kind"),
        });
      }
    }
  };

  for (const f of files) loadFile(f, true);

  const extra: ExtraManifest[] = [];
  const extraFiles = isDir ? yamlFilesIn(join(abs, EXTRA_DIR), overlay) : [];
  for (const file of extraFiles) {
    let text: string;
    try {
      text = overlay?.get(file) ?? readFileSync(file, "utf8");
    } catch (e) {
      throw new IntentReadError(`cannot read ${displayPath(file, cwd)}: ${(e as Error).message}`);
    }
    read.push(file);
    const parsed = parseYamlStream(text, displayPath(file, cwd));
    for (const e of parsed.errors)
      errors.push({
        checkId: "yaml",
        messageId: "syntax",
        severity: "error",
        message: e.message,
        loc: e.loc,
      });
    for (const doc of parsed.documents) {
      const v = doc.value;
      if (
        typeof v === "object" &&
        v !== null &&
        !Array.isArray(v) &&
        typeof (v as Record<string, unknown>).apiVersion === "string" &&
        typeof (v as Record<string, unknown>).kind === "string"
      ) {
        extra.push({ object: v as Record<string, unknown>, source: doc });
      } else {
        errors.push({
          checkId: "intent",
          messageId: "extra-not-an-object",
          severity: "error",
          message: `documents in ${EXTRA_DIR}/ must be Kubernetes objects with apiVersion and kind`,
          loc: doc.start(),
        });
      }
    }
  }

  if (options.platformFile) {
    const pf = resolve(cwd, options.platformFile);
    if (!existsSync(pf)) throw new IntentReadError(`no such platform file: ${options.platformFile}`);
    platforms.length = 0;
    loadFile(pf, false);
    if (platforms.length === 0 && errors.length === 0) {
      throw new IntentReadError(`${options.platformFile} contains no kind: Platform document`);
    }
  } else if (platforms.length === 0) {
    const found = findParentPlatform(dir);
    if (found) loadFile(found, false);
  }

  if (platforms.length > 1) {
    const second = platforms[1];
    errors.push({
      checkId: "intent",
      messageId: "duplicate-platform",
      severity: "error",
      message: `more than one Platform (${platforms.map((p) => `${p.source.file}`).join(", ")}); keep one`,
      ...(second ? { loc: second.source.start() } : {}),
    });
  }

  if (apps.length === 0 && errors.length === 0) {
    const main = isDir ? join(abs, "kintent.yaml") : abs;
    const empty = existsSync(main) && readFileSync(main, "utf8").replace(/#.*$/gm, "").trim() === "";
    errors.push({
      checkId: "intent",
      messageId: "no-app",
      severity: "error",
      message: empty
        ? `${displayPath(main, cwd)} is empty: it needs an \`apiVersion: ${API_VERSION}\` / \`kind: App\` document. Run \`kintent init\` to create one.`
        : `no App found in ${displayPath(abs, cwd)}: expected a kintent.yaml with \`apiVersion: ${API_VERSION}\` and \`kind: App\` (or a Score file). Run \`kintent init\` to create one.`,
      ...(empty ? { loc: { file: displayPath(main, cwd), line: 1, column: 1 } } : {}),
    });
  }

  apps.sort((a, b) =>
    a.value.metadata.name < b.value.metadata.name
      ? -1
      : a.value.metadata.name > b.value.metadata.name
        ? 1
        : 0,
  );
  for (let i = 1; i < apps.length; i++) {
    const a = apps[i];
    if (a && apps[i - 1]?.value.metadata.name === a.value.metadata.name) {
      errors.push({
        checkId: "intent",
        messageId: "duplicate-app",
        severity: "error",
        message: `two Apps are named \`${a.value.metadata.name}\``,
        path: "/metadata/name",
        loc: a.source.locateValue("/metadata/name"),
      });
    }
  }

  const platform = platforms[0];
  const intent: LoadedIntent = {
    dir,
    apps,
    files: read.map((f) => relative(dir, f)).sort(),
    ...(platform ? { platform } : {}),
    ...(extra.length > 0 ? { extra } : {}),
  };
  return errors.length > 0 ? { errors, warnings } : { intent, errors, warnings };
}

/** `platform.yaml` in `dir` or the nearest parent, stopping at a repository root. */
function findParentPlatform(dir: string): string | undefined {
  let cur = dirname(dir);
  for (let i = 0; i < 32; i++) {
    const candidate = join(cur, "platform.yaml");
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(cur, ".git"))) return undefined;
    const parent = dirname(cur);
    if (parent === cur) return undefined;
    cur = parent;
  }
  return undefined;
}
