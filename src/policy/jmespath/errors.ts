/** Raised when a field is missing from an object (Kyverno's go-jmespath fork: `Unknown key "x" in path`). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(readonly key: string) {
    super(`Unknown key "${key}" in path`);
  }
}

/** Any other JMESPath failure: a syntax error, an unknown function, a bad argument. */
export class JmesPathError extends Error {
  override name = "JmesPathError";
}

/** The expression does not parse. */
export class JmesPathSyntaxError extends JmesPathError {
  override name = "JmesPathSyntaxError";
}
