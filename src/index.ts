export type {
  Finding,
  Severity,
  SourceLocation,
  ObjectRef,
  Fix,
  Suggestion,
  ValidationStatus,
} from "./validate/finding.js";
