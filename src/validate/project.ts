/**
 * The project's validation settings for an output path (build, propose, the CMP): `.kintent.yaml` found from the
 * intent directory up, its check settings and custom checks, and its policies (engine loaded only when there
 * are some). Errors in the configuration are returned as findings; the caller treats them as usage errors.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import type { Finding } from "../core/finding.js";
import type { ValidateOptions } from "./index.js";
import { findConfig, loadConfig } from "./config.js";

export interface ProjectValidation {
  options: Omit<ValidateOptions, "context">;
  /** The configuration file used, if any. */
  file?: string;
  errors: Finding[];
}

export async function projectValidation(
  startDir: string,
  cwd: string,
  explicitFile?: string,
): Promise<ProjectValidation> {
  if (explicitFile && !existsSync(explicitFile)) {
    return {
      options: {},
      errors: [
        {
          checkId: "config",
          messageId: "config-path",
          severity: "error",
          message: `--config: no such file: ${relative(cwd, explicitFile) || explicitFile}`,
        },
      ],
    };
  }
  const file = explicitFile ?? findConfig(startDir);
  if (!file) return { options: {}, errors: [] };
  const loaded = loadConfig(file, relative(cwd, file) || file);
  if (!loaded.config) return { options: {}, file, errors: loaded.errors };
  const c = loaded.config;
  const options: Omit<ValidateOptions, "context"> = {
    settings: c.settings,
    extraChecks: c.customChecks,
    strict: c.strict,
  };
  if (c.policies.length > 0) {
    const missing = c.policies.filter((p) => !existsSync(p));
    if (missing.length > 0) {
      return {
        options,
        file,
        errors: missing.map((p) => ({
          checkId: "config",
          messageId: "policy-path",
          severity: "error",
          message: `policy path ${relative(cwd, p) || p} (from ${relative(cwd, file) || file}) does not exist`,
        })),
      };
    }
    const { policyGate } = await import("../policy/gate.js");
    const pg = policyGate(c.policies);
    if (!pg.gate) {
      return {
        options,
        file,
        errors: pg.errors.map((e) => ({
          checkId: "config",
          messageId: "policy-load",
          severity: "error",
          message: `${relative(cwd, e.file) || e.file}: ${e.message}`,
        })),
      };
    }
    options.policies = pg.gate.evaluate;
  }
  return { options, file, errors: [] };
}
