/**
 * SARIF 2.1.0, as GitHub code scanning accepts it: one run, rules from the check definitions,
 * results with physical locations (findings without a file position point at the first input file).
 */
import type { Report } from "./types.js";
import { safeReport } from "./safe.js";
import type { Severity } from "../core/finding.js";
import { compareFindings } from "../core/finding.js";

const level = (s: Severity) => (s === "error" ? "error" : s === "warning" ? "warning" : "note");

const SPECIAL_RULES: Record<string, { name: string; description: string }> = {
  schema: {
    name: "Schema",
    description:
      "The object must match the Kubernetes (or CRD) schema: types, required fields, no unknown fields.",
  },
  yaml: { name: "YAML", description: "The file must be valid YAML." },
  input: { name: "Input", description: "The input must be manifests kintent can read." },
  intent: { name: "Intent", description: "The kintent intent must be valid." },
};

export function formatSarif(input: Report): string {
  const r = safeReport(input);
  const findings = [...r.findings].sort(compareFindings);
  const ruleIds = [...new Set(findings.map((f) => f.checkId))].sort();
  const defs = new Map(r.checks.map((c) => [c.id, c]));
  const rules = ruleIds.map((id) => {
    const d = defs.get(id);
    const special = SPECIAL_RULES[id];
    const policy = id.startsWith("policy:");
    return {
      id,
      name: d
        ? id.replace(/(^|-)([a-z])/g, (_m: string, _d: string, c: string) => c.toUpperCase())
        : (special?.name ?? id),
      shortDescription: {
        text:
          d?.description ??
          special?.description ??
          (policy ? `Policy rule ${id.slice("policy:".length)}` : id),
      },
      ...(d
        ? {
            fullDescription: { text: `${d.description} ${d.remediation}` },
            helpUri: d.docs,
            help: { text: d.remediation },
          }
        : {}),
      defaultConfiguration: { level: level(d?.severity ?? "error") },
      properties: { tags: [d?.category ?? (policy ? "policy" : id)] },
    };
  });
  const fallbackUri = findings.find((f) => f.loc)?.loc?.file ?? "kintent.yaml";
  const results = findings.map((f) => ({
    ruleId: f.checkId,
    ruleIndex: ruleIds.indexOf(f.checkId),
    level: level(f.severity),
    message: {
      text: f.object
        ? `${f.message} [${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ""}${f.object.name}${f.path ? ` ${f.path}` : ""}]`
        : f.message,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: (f.loc?.file ?? fallbackUri).replace(/\\/g, "/") },
          region: { startLine: f.loc?.line ?? 1, startColumn: f.loc?.column ?? 1 },
        },
      },
    ],
    ...(f.fix ? { fixes: [{ description: { text: f.fix.description } }] } : {}),
  }));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "kintent",
            version: r.toolVersion,
            informationUri: "https://github.com/kintent-dev/kintent",
            rules,
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
