/** The Kyverno-compatible policy engine: load policies, evaluate them offline, run Kyverno CLI tests. */
export { loadPolicies, listYamlFiles, readYamlFile } from "./load.js";
export type { LoadError, LoadPoliciesResult } from "./load.js";
export {
  evaluatePolicies,
  evaluateResource,
  preparePolicies,
  resourceRef,
  toRuleResults,
} from "./evaluate.js";
export type {
  EvaluateOptions,
  PolicyEvaluationReport,
  PolicyResource,
  PolicyResponse,
  PreparedPolicies,
} from "./evaluate.js";
export { toFindings, toJsonPointer } from "./findings.js";
export { classifyPolicy } from "./policy-kind.js";
export type { PolicyClass } from "./policy-kind.js";
export { normalizeResource } from "./normalize.js";
export { toValuesSpec } from "./values.js";
export type { ValuesSpec } from "./values.js";
export type {
  LoadedPolicy,
  PolicyKind,
  ResourceRef,
  RuleResult,
  RuleStatus,
  UnsupportedRule,
} from "./types.js";
export type { RequestInfo } from "./engine/match.js";
export { findTestFiles, loadTest, DEFAULT_TEST_FILE } from "./kyverno-test/load.js";
export { runTest } from "./kyverno-test/run.js";
export type { Expectation, ExpectationStatus, LoadedTest, TestReport, TestRow } from "./kyverno-test/run.js";
export { formatCategoryTable, ratio, summarize, categoryOf } from "./kyverno-test/conformance.js";
export type { ConformanceSummary, Counts, UnmetExpectation } from "./kyverno-test/conformance.js";
export { formatTestTable, formatSummaryLine } from "./kyverno-test/table.js";
