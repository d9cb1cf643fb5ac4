/**
 * Agreement of kintent's checks with other validators' fixtures (../shared/corpora/validator-fixtures):
 * Polaris test/checks/<check>/{success,failure}*.yaml and Checkov tests/kubernetes/checks/example_<Check>/
 * *-{PASSED,FAILED}*.yaml. For each mapped pair, a fixture agrees when our check fires on a FAILED/failure file
 * and stays quiet on a PASSED/success file. Mixed or unlabeled files (1FAILED1PASSED, UNKNOWN) are left out.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseManifests } from "../src/validate/load.js";
import { validateObjects } from "../src/validate/index.js";
import type { CheckSetting } from "../src/validate/checks/run.js";

export const FIXTURES = join(import.meta.dirname, "..", "..", "shared", "corpora", "validator-fixtures");

export interface Mapping {
  tool: "polaris" | "checkov";
  /** Polaris check name or Checkov example directory. */
  theirs: string;
  ours: string[];
  /** Only findings whose message matches (for checks that cover several of theirs). */
  message?: RegExp;
  /** Params for the comparison when the check is context-dependent (e.g. production-only). */
  settings?: Record<string, CheckSetting>;
  note?: string;
}

const everywhere: Record<string, CheckSetting> = {
  "pdb-required": { params: { productionOnly: false } },
  "single-replica-production": { params: { min: 2, productionOnly: false } },
};

export const MAPPINGS: Mapping[] = [
  { tool: "polaris", theirs: "automountServiceAccountToken", ours: ["service-account-token"] },
  { tool: "polaris", theirs: "cpuLimitsMissing", ours: ["cpu-limit"] },
  { tool: "polaris", theirs: "cpuRequestsMissing", ours: ["resource-requests"], message: /cpu request/ },
  {
    tool: "polaris",
    theirs: "memoryRequestsMissing",
    ours: ["resource-requests"],
    message: /memory request/,
  },
  { tool: "polaris", theirs: "memoryLimitsMissing", ours: ["memory-limit"] },
  { tool: "polaris", theirs: "dangerousCapabilities", ours: ["dangerous-capabilities"] },
  { tool: "polaris", theirs: "insecureCapabilities", ours: ["drop-all-capabilities"] },
  { tool: "polaris", theirs: "hostIPCSet", ours: ["host-namespaces"] },
  { tool: "polaris", theirs: "hostNetworkSet", ours: ["host-namespaces"] },
  { tool: "polaris", theirs: "hostPIDSet", ours: ["host-namespaces"] },
  { tool: "polaris", theirs: "hostPathSet", ours: ["host-path-volumes"] },
  { tool: "polaris", theirs: "hostPortSet", ours: ["host-ports"] },
  { tool: "polaris", theirs: "livenessProbeMissing", ours: ["liveness-probe"] },
  { tool: "polaris", theirs: "readinessProbeMissing", ours: ["readiness-probe"] },
  { tool: "polaris", theirs: "notReadOnlyRootFilesystem", ours: ["read-only-root-filesystem"] },
  { tool: "polaris", theirs: "pdbDisruptionsIsZero", ours: ["pdb-blocks-evictions"] },
  { tool: "polaris", theirs: "privilegeEscalationAllowed", ours: ["privilege-escalation"] },
  { tool: "polaris", theirs: "procMount", ours: ["proc-mount-sysctls"] },
  { tool: "polaris", theirs: "runAsPrivileged", ours: ["privileged-container"] },
  { tool: "polaris", theirs: "runAsRootAllowed", ours: ["run-as-non-root"] },
  { tool: "polaris", theirs: "tagNotSpecified", ours: ["latest-tag"] },
  {
    tool: "polaris",
    theirs: "missingPodDisruptionBudget",
    ours: ["pdb-required"],
    settings: everywhere,
    note: "ours is production-only by default; compared with productionOnly: false",
  },
  {
    tool: "polaris",
    theirs: "deploymentMissingReplicas",
    ours: ["single-replica-production"],
    settings: everywhere,
    note: "ours is production-only by default; compared with productionOnly: false",
  },
  { tool: "polaris", theirs: "sensitiveContainerEnvVar", ours: ["literal-secret-env"] },
  { tool: "checkov", theirs: "example_AllowPrivilegeEscalation", ours: ["privilege-escalation"] },
  { tool: "checkov", theirs: "example_AllowedCapabilities", ours: ["dangerous-capabilities"] },
  { tool: "checkov", theirs: "example_AllowedCapabilitiesSysAdmin", ours: ["dangerous-capabilities"] },
  { tool: "checkov", theirs: "example_DockerSocketVolume", ours: ["host-path-volumes"] },
  { tool: "checkov", theirs: "example_DropCapabilities", ours: ["drop-all-capabilities"] },
  { tool: "checkov", theirs: "example_HostPort", ours: ["host-ports"] },
  { tool: "checkov", theirs: "example_ImageTagFixed", ours: ["latest-tag"] },
  { tool: "checkov", theirs: "example_LivenessReadiness", ours: ["liveness-probe", "readiness-probe"] },
  { tool: "checkov", theirs: "example_PrivilegedContainers", ours: ["privileged-container"] },
  { tool: "checkov", theirs: "example_ReadOnlyFilesystem", ours: ["read-only-root-filesystem"] },
  {
    tool: "checkov",
    theirs: "example_Requests_Limits",
    ours: ["resource-requests", "cpu-limit", "memory-limit"],
  },
  { tool: "checkov", theirs: "example_RootContainers", ours: ["run-as-non-root"] },
  { tool: "checkov", theirs: "example_Seccomp", ours: ["seccomp-profile"] },
  { tool: "checkov", theirs: "example_ServiceAccountTokens", ours: ["service-account-token"] },
  { tool: "checkov", theirs: "example_ShareHost", ours: ["host-namespaces"] },
];

export interface FileResult {
  file: string;
  expected: "fire" | "quiet";
  fired: boolean;
  agrees: boolean;
}

export interface MappingResult {
  mapping: Mapping;
  files: FileResult[];
  agree: number;
  total: number;
}

function labelOf(tool: Mapping["tool"], name: string): "fire" | "quiet" | undefined {
  if (tool === "polaris")
    return name.startsWith("failure") ? "fire" : name.startsWith("success") ? "quiet" : undefined;
  const failed = /FAILED/.test(name);
  const passed = /PASS/.test(name);
  if (failed && passed) return undefined;
  return failed ? "fire" : passed ? "quiet" : undefined;
}

export function evaluateMapping(mapping: Mapping): MappingResult {
  const dir =
    mapping.tool === "polaris"
      ? join(FIXTURES, "polaris", "test", "checks", mapping.theirs)
      : join(FIXTURES, "checkov", "tests", "kubernetes", "checks", mapping.theirs);
  const files: FileResult[] = [];
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(ya?ml|json)$/.test(name)) continue;
      const expected = labelOf(mapping.tool, name);
      if (!expected) continue;
      const { inputs } = parseManifests(readFileSync(join(dir, name), "utf8"), name);
      const r = validateObjects(inputs, {
        skipSchemas: true,
        ...(mapping.settings ? { settings: mapping.settings } : {}),
      });
      const fired = r.findings.some(
        (f) => mapping.ours.includes(f.checkId) && (!mapping.message || mapping.message.test(f.message)),
      );
      files.push({
        file: `${mapping.theirs}/${name}`,
        expected,
        fired,
        agrees: (expected === "fire") === fired,
      });
    }
  }
  return { mapping, files, agree: files.filter((f) => f.agrees).length, total: files.length };
}

export function evaluateAll(): MappingResult[] {
  return MAPPINGS.map(evaluateMapping);
}
