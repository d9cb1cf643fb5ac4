/**
 * The failure analyzers, in the order `kintent diagnose --list` and docs/analyzers.md show them. Adding one is
 * one definition (id, title, description, remediation, kinds, analyze) in one of these files, plus its table
 * test (a case that must fire and one that must stay quiet) in test/cluster/analyzers.test.ts.
 */
import type { AnalyzerDefinition } from "../diagnosis.js";
import { CONTROLLER_ANALYZERS } from "./controllers.js";
import { NETWORK_ANALYZERS } from "./network.js";
import { POD_ANALYZERS } from "./pods.js";

export const ANALYZERS: readonly AnalyzerDefinition[] = [
  ...POD_ANALYZERS,
  ...NETWORK_ANALYZERS,
  ...CONTROLLER_ANALYZERS,
];

export function analyzerNamed(id: string): AnalyzerDefinition | undefined {
  return ANALYZERS.find((a) => a.id === id);
}
