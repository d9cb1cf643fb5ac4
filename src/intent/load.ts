/**
 * Loading intents from disk: the only I/O of the intent stage. Which files are input is decided by
 * `inputs.ts` (never "every YAML file in the directory"). Returns data and findings; throws only for bugs and
 * for inputs that cannot be read at all (IntentReadError, a usage error), never for user mistakes in file
 * content. Paths in findings and decisions are relative to `relativeTo` (the project uses the intent
 * directory, so output never depends on the working directory).
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Finding } from "../core/finding.js";
import { UsageError } from "../core/errors.js";
import { parseManifestStream, parseYamlStream } from "../core/yaml-source.js";
import type { SourceDocument } from "../core/yaml-source.js";
import { API_VERSION, appIntent, platformIntent } from "./schema.js";
import type { WrittenApp, WrittenPlatform } from "./schema.js";
import { issuesToFindings } from "./issues.js";
import { scoreToApp, SCORE_API_VERSION } from "./score.js";
import { discoverInputs, displayPath, EXTRA_DIR, readInput } from "./inputs.js";
import type { InputRole } from "./inputs.js";
import * as z from "zod";

export { EXTRA_DIR } from "./inputs.js";

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
  /** Files read, relative to `dir` ("/" separators, sorted; a parent's platform is `../platform.yaml`). */
  files: string[];
  /** Contents of the files read, by path relative to `dir` (hashing, `propose --with-intent`). */
  contents: ReadonlyMap<string, string>;
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
  /** Resolve `path` and `platformFile` against this directory. @default process.cwd() */
  cwd?: string;
  /** Paths in findings and decisions are relative to this directory. @default `cwd` */
  relativeTo?: string;
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

/** Load every App (and the Platform) from an intent directory or a single intent file. */
export function loadIntent(path: string, options: LoadOptions = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const abs = resolve(cwd, path);
  const overlay = options.overlay;
  if (!existsSync(abs) && !overlay?.has(abs)) throw new IntentReadError(`no such file or directory: ${path}`);
  const isDir = existsSync(abs) && statSync(abs).isDirectory();
  const dir = isDir ? abs : dirname(abs);
  const base = options.relativeTo ?? cwd;
  const shownOf = (file: string) => displayPath(file, base);

  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const apps: LoadedApp[] = [];
  const platforms: LoadedPlatform[] = [];
  const contents = new Map<string, string>();

  // A single file names the intent; the directory still supplies the platform and extra/.
  const discovered = isDir
    ? discoverInputs(dir, base, overlay)
    : (() => {
        const d = discoverInputs(dir, base, overlay);
        return {
          files: [
            { path: abs, role: "intent" as InputRole },
            ...d.files.filter((f) => f.role === "extra" || f.role === "platform"),
          ],
          warnings: [],
          errors: d.errors,
        };
      })();
  warnings.push(...discovered.warnings);
  errors.push(...discovered.errors);
  let inputs = discovered.files.filter(
    (f) => f.role !== "extra" && (options.platformFile === undefined || f.role !== "platform"),
  );
  if (options.fileOrder === "reverse") inputs = [...inputs].reverse();

  const read = (file: string, root: string | undefined): string | undefined => {
    const r = readInput(file, shownOf(file), {
      ...(root !== undefined ? { root } : {}),
      ...(overlay ? { overlay } : {}),
    });
    if ("error" in r) {
      errors.push(r.error);
      return undefined;
    }
    contents.set(displayPath(file, dir), r.text);
    return r.text;
  };

  const syntax = (e: { message: string; loc: Finding["loc"] }): Finding => ({
    checkId: "yaml",
    messageId: "syntax",
    severity: "error",
    message: e.message,
    ...(e.loc ? { loc: e.loc } : {}),
  });

  const loadFile = (file: string, allowApps: boolean, root: string | undefined) => {
    const text = read(file, root);
    if (text === undefined) return;
    const shown = shownOf(file);
    const parsed = parseYamlStream(text, shown);
    errors.push(...parsed.errors.map(syntax));
    for (const doc of parsed.documents) {
      const v = doc.value as Record<string, unknown>;
      if (typeof v !== "object" || v === null || Array.isArray(v)) continue;
      const apiVersion = v.apiVersion;
      const kind = v.kind;
      if (apiVersion === SCORE_API_VERSION && allowApps) {
        const converted = scoreToApp(doc, (p) => {
          const source = resolve(dirname(file), p);
          const r = readInput(source, shownOf(source), {
            root: dir,
            ...(overlay ? { overlay } : {}),
            what: "file",
          });
          if ("error" in r) throw new Error(r.error.message);
          contents.set(displayPath(source, dir), r.text);
          return r.text;
        });
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
            (typeof kind === "string"
              ? `unknown kind \`${kind}\` for ${API_VERSION}; expected App or Platform`
              : kind === undefined
                ? `missing \`kind\` (App or Platform)`
                : `\`kind\` must be App or Platform, got ${Array.isArray(kind) ? "a list" : typeof kind === "object" && kind !== null ? "a map" : JSON.stringify(kind)}`) +
            (guess ? ` — did you mean \`${guess}\`?` : ""),
          path: "/kind",
          loc: doc.locateValue("/kind"),
        });
      }
    }
  };

  for (const f of inputs) loadFile(f.path, f.role !== "platform", dir);

  const extra: ExtraManifest[] = [];
  for (const f of discovered.files.filter((x) => x.role === "extra")) {
    const text = read(f.path, dir);
    if (text === undefined) continue;
    // Manifests: values from the fast parser, positions only where a finding needs one (as `kintent validate`).
    const parsed = parseManifestStream(text, shownOf(f.path));
    errors.push(...parsed.errors.map(syntax));
    for (const doc of parsed.documents) {
      const v = doc.value;
      if (v === null || v === undefined) continue; // an empty document (a trailing ---)
      const o = typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
      const md = o?.metadata;
      if (
        o &&
        typeof o.apiVersion === "string" &&
        typeof o.kind === "string" &&
        typeof md === "object" &&
        md !== null &&
        !Array.isArray(md) &&
        typeof (md as Record<string, unknown>).name === "string"
      ) {
        extra.push({ object: o, source: doc });
      } else {
        errors.push({
          checkId: "intent",
          messageId: "extra-not-an-object",
          severity: "error",
          message: `documents in ${EXTRA_DIR}/ must be Kubernetes objects with apiVersion, kind and metadata.name`,
          loc: doc.start(),
        });
      }
    }
  }

  if (options.platformFile) {
    const pf = resolve(cwd, options.platformFile);
    if (!existsSync(pf) && !overlay?.has(pf))
      throw new IntentReadError(`no such platform file: ${options.platformFile}`);
    platforms.length = 0;
    loadFile(pf, false, undefined);
    if (platforms.length === 0 && errors.length === 0) {
      throw new IntentReadError(`${options.platformFile} contains no kind: Platform document`);
    }
  } else if (platforms.length === 0) {
    const found = findParentPlatform(dir);
    if (found) loadFile(found, false, undefined);
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
    const text = contents.get(displayPath(main, dir));
    const empty = text !== undefined && text.replace(/#.*$/gm, "").trim() === "";
    const misnamed = warnings.filter((w) => w.messageId === "misnamed-intent").map((w) => w.loc?.file);
    errors.push({
      checkId: "intent",
      messageId: "no-app",
      severity: "error",
      message: empty
        ? `${shownOf(main)} is empty: it needs an \`apiVersion: ${API_VERSION}\` / \`kind: App\` document. Run \`kintent init\` to create one.`
        : `no App found in ${shownOf(abs)}: expected a kintent.yaml (or <name>.kintent.yaml) with \`apiVersion: ${API_VERSION}\` and \`kind: App\`, or a score.yaml` +
          (misnamed.length > 0
            ? ` (${misnamed.join(", ")} look like intents but are not named as one)`
            : "") +
          ". Run `kintent init` to create one.",
      loc: { file: shownOf(text !== undefined ? main : abs), line: 1, column: 1 },
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
    files: [...contents.keys()].sort(),
    contents,
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
