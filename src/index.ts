export type {
  Finding,
  Severity,
  SourceLocation,
  ObjectRef,
  Fix,
  Suggestion,
  ValidationStatus,
} from "./core/finding.js";
