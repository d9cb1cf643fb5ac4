/**
 * Runs one fuzz case through the engine the way the CLI does (openProject → buildAll → render; or the
 * validator and every reporter) and returns what is wrong: an exception that is not one of kintent's
 * (an internal error), an error finding without a location, or a message with `undefined`, `[object Object]`
 * or an empty list in it.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KintentError, InvalidInputError } from "../../src/core/errors.js";
import type { Finding } from "../../src/core/finding.js";
import { openProject } from "../../src/project/index.js";
import { objectFiles } from "../../src/render/files.js";
import { toYamlStream } from "../../src/render/yaml.js";
import { parseManifests } from "../../src/validate/load.js";
import { validateObjects } from "../../src/validate/index.js";
import { formatReport, REPORTERS } from "../../src/report/index.js";
import { BUILTIN_CHECKS } from "../../src/validate/checks/builtin.js";
import type { FuzzCase } from "./generate.js";

export interface Problem {
  what: "internal-error" | "not-located" | "bad-message" | "bad-file-name" | "hang";
  detail: string;
}

const BAD_MESSAGE = /\[object Object\]|\(known fields: \)|: ,|, ,|\(\)$/;

/**
 * `byObject`: findings on compiled objects may be located by the object they name (kintent's output has no
 * source file); every other error finding needs file:line:column.
 */
function checkFindings(
  findings: readonly Finding[],
  input: string,
  problems: Problem[],
  byObject = false,
): void {
  for (const f of findings) {
    const located = f.loc
      ? Boolean(f.loc.file) && f.loc.line >= 1 && f.loc.column >= 1
      : byObject && f.object !== undefined && f.object.name !== "";
    if (f.severity === "error" && !located)
      problems.push({ what: "not-located", detail: `${f.checkId}: ${f.message}` });
    if (BAD_MESSAGE.test(f.message) || (/\bundefined\b/.test(f.message) && !input.includes("undefined")))
      problems.push({ what: "bad-message", detail: `${f.checkId}: ${f.message}` });
  }
}

export async function runCase(c: FuzzCase, workDir: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const input = Object.values(c.files).join("\n");
  try {
    if (c.kind === "manifest") {
      const text = c.files["input.yaml"] ?? "";
      const parsed = parseManifests(text, "input.yaml");
      const result = validateObjects(parsed.inputs);
      const findings = [...parsed.errors, ...result.findings];
      checkFindings(findings, input, problems);
      for (const name of REPORTERS)
        formatReport(name, {
          findings,
          summary: { files: 1, objects: result.summary.total, ...result.summary },
          checks: BUILTIN_CHECKS,
          toolVersion: "fuzz",
        });
      return problems;
    }
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    for (const [name, text] of Object.entries(c.files)) {
      mkdirSync(dirname(join(workDir, name)), { recursive: true });
      writeFileSync(join(workDir, name), text);
    }
    const project = await openProject(workDir, { cwd: workDir });
    const all = project.buildAll();
    checkFindings([...all.errors, ...all.warnings], input, problems);
    checkFindings(all.findings, input, problems, true);
    for (const env of all.environments) {
      if (env.errors.length > 0) continue;
      toYamlStream(env.objects);
      for (const name of objectFiles(env.objects).keys())
        if (!/^[a-z0-9_][a-z0-9._-]*$/.test(name)) problems.push({ what: "bad-file-name", detail: name });
    }
  } catch (e) {
    if (e instanceof InvalidInputError) checkFindings(e.findings, input, problems);
    else if (!(e instanceof KintentError))
      problems.push({
        what: "internal-error",
        detail: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 500),
      });
  }
  return problems;
}
