/**
 * `.kintent.yaml`: project configuration for validation — check severities and params, user checks built
 * from templates, external references, policies, extra CRD schemas. Written form ≠ normalized form.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as z from "zod";
import type { Finding } from "../core/finding.js";
import { parseYamlStream } from "../core/yaml-source.js";
import { issuesToFindings } from "../intent/issues.js";
import type { CheckSetting } from "./checks/run.js";
import { checkParamsError } from "./checks/run.js";
import type { CheckDefinition, ValidationContext } from "./checks/types.js";
import { BUILTIN_CHECKS } from "./checks/builtin.js";
import { didYouMean } from "../core/suggest.js";

export const CONFIG_FILE = ".kintent.yaml";

const severity = z.enum(["error", "warning", "info", "off"]);
const checkSetting = z.union([
  severity,
  z.strictObject({ severity: severity.optional(), params: z.record(z.string(), z.unknown()).optional() }),
]);

export const writtenConfig = z.strictObject({
  checks: z
    .record(z.string(), checkSetting)
    .optional()
    .describe("Per-check severity (error|warning|info|off) or {severity, params}."),
  customChecks: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be kebab-case"),
        template: z.string(),
        params: z.record(z.string(), z.unknown()).optional(),
        severity: z.enum(["error", "warning", "info"]).optional(),
        description: z.string().optional(),
        remediation: z.string().optional(),
        kinds: z.array(z.string()).optional(),
      }),
    )
    .optional()
    .describe("Checks of your own, from kintent's templates (`kintent checks templates`)."),
  external: z
    .strictObject({
      secrets: z.array(z.string()).optional(),
      configMaps: z.array(z.string()).optional(),
      services: z.array(z.string()).optional(),
    })
    .optional()
    .describe("Objects that exist outside the validated bundle (name or namespace/name; `*` for all)."),
  privateRegistries: z.array(z.string()).optional(),
  registries: z
    .record(z.string().min(1), z.enum(["pull-secret", "node-role", "workload-identity", "anonymous"]))
    .optional()
    .describe(
      "How registries authenticate, keyed by host or host/path-prefix: only pull-secret registries need an imagePullSecret.",
    ),
  traefik: z
    .strictObject({
      allowCrossNamespace: z.boolean().optional(),
      allowExternalNameServices: z.boolean().optional(),
    })
    .optional(),
  policies: z
    .array(z.string())
    .optional()
    .describe("Kyverno policy files or directories, relative to this file."),
  schemas: z.array(z.string()).optional().describe("Directories of extra CRD YAML, relative to this file."),
  strict: z.boolean().optional(),
});

export interface KintentConfig {
  file?: string;
  settings: Record<string, CheckSetting>;
  customChecks: CheckDefinition[];
  context: ValidationContext;
  policies: string[];
  schemas: string[];
  strict: boolean;
}

export const EMPTY_CONFIG: KintentConfig = {
  settings: {},
  customChecks: [],
  context: {},
  policies: [],
  schemas: [],
  strict: false,
};

/** `.kintent.yaml` in `dir` or the nearest parent (stopping at a repository root). */
export function findConfig(dir: string): string | undefined {
  let cur = resolve(dir);
  for (let i = 0; i < 32; i++) {
    const f = join(cur, CONFIG_FILE);
    if (existsSync(f)) return f;
    if (existsSync(join(cur, ".git"))) return undefined;
    const parent = dirname(cur);
    if (parent === cur) return undefined;
    cur = parent;
  }
  return undefined;
}

let schemaJson: Record<string, unknown> | undefined;

export function loadConfig(file: string, shownAs = file): { config?: KintentConfig; errors: Finding[] } {
  const text = readFileSync(file, "utf8");
  const parsed = parseYamlStream(text, shownAs);
  const errors: Finding[] = parsed.errors.map((e) => ({
    checkId: "config",
    messageId: "syntax",
    severity: "error",
    message: e.message,
    loc: e.loc,
  }));
  const doc = parsed.documents[0];
  if (!doc) return errors.length ? { errors } : { config: { ...EMPTY_CONFIG, file }, errors };
  const r = writtenConfig.safeParse(doc.value);
  if (!r.success) {
    schemaJson ??= z.toJSONSchema(writtenConfig) as Record<string, unknown>;
    return {
      errors: [
        ...errors,
        ...issuesToFindings(r.error.issues, { doc, schema: schemaJson, kind: ".kintent.yaml" }).map((f) => ({
          ...f,
          checkId: "config",
        })),
      ],
    };
  }
  const w = r.data;
  const base = dirname(file);
  const known = [...BUILTIN_CHECKS.map((c) => c.id), ...(w.customChecks ?? []).map((c) => c.id)];
  const settings: Record<string, CheckSetting> = {};
  for (const [id, s] of Object.entries(w.checks ?? {})) {
    if (!known.includes(id)) {
      const guess = didYouMean(id, known);
      errors.push({
        checkId: "config",
        messageId: "unknown-check",
        severity: "error",
        message: `unknown check \`${id}\`${guess ? ` — did you mean \`${guess}\`?` : ""} (see \`kintent checks list\`)`,
        path: `/checks/${id}`,
        loc: doc.locate(`/checks/${id}`),
      });
      continue;
    }
    settings[id] =
      typeof s === "string"
        ? { severity: s }
        : { ...(s.severity ? { severity: s.severity } : {}), ...(s.params ? { params: s.params } : {}) };
  }
  const customChecks: CheckDefinition[] = (w.customChecks ?? []).map((c) => ({
    id: c.id,
    category: "reliability",
    severity: c.severity ?? "warning",
    description: c.description ?? `custom check from template ${c.template}`,
    remediation: c.remediation ?? "",
    docs: file,
    scope: { kinds: c.kinds ?? ["Any"] },
    template: c.template,
    ...(c.params ? { params: c.params } : {}),
  }));
  customChecks.forEach((c, i) => {
    const e = checkParamsError(c, c.params ?? {});
    if (e)
      errors.push({
        checkId: "config",
        messageId: "custom-check",
        severity: "error",
        message: e,
        path: `/customChecks/${i}`,
        loc: doc.locate(`/customChecks/${i}`),
      });
  });
  for (const [id, s] of Object.entries(settings)) {
    const def = BUILTIN_CHECKS.find((c) => c.id === id);
    if (def && s.params) {
      const e = checkParamsError(def, { ...(def.params ?? {}), ...s.params });
      if (e)
        errors.push({
          checkId: "config",
          messageId: "check-params",
          severity: "error",
          message: e,
          path: `/checks/${id}`,
          loc: doc.locate(`/checks/${id}`),
        });
    }
  }
  if (errors.length > 0) return { errors };
  const context: ValidationContext = {
    ...(w.external
      ? {
          external: {
            ...(w.external.secrets ? { secrets: w.external.secrets } : {}),
            ...(w.external.configMaps ? { configMaps: w.external.configMaps } : {}),
            ...(w.external.services ? { services: w.external.services } : {}),
          },
        }
      : {}),
    ...(w.privateRegistries ? { privateRegistries: w.privateRegistries } : {}),
    ...(w.registries
      ? {
          registryAuth: Object.fromEntries(
            Object.entries(w.registries).map(([k, v]) => [k.replace(/\/+$/, "").toLowerCase(), v]),
          ),
        }
      : {}),
    ...(w.traefik
      ? {
          traefik: {
            ...(w.traefik.allowCrossNamespace !== undefined
              ? { allowCrossNamespace: w.traefik.allowCrossNamespace }
              : {}),
            ...(w.traefik.allowExternalNameServices !== undefined
              ? { allowExternalNameServices: w.traefik.allowExternalNameServices }
              : {}),
          },
        }
      : {}),
  };
  return {
    config: {
      file,
      settings,
      customChecks,
      context,
      policies: (w.policies ?? []).map((p) => resolve(base, p)),
      schemas: (w.schemas ?? []).map((p) => resolve(base, p)),
      strict: w.strict ?? false,
    },
    errors,
  };
}
