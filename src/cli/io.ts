/** The effects a CLI command may use. Commands return exit codes; they never call process.exit. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 clean, 1 error findings, 2 usage/config/tool failure. */
export const ExitCode = { Ok: 0, Findings: 1, Failure: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
