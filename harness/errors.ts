/**
 * Errors the CLI turns into a one-line message and an exit code instead of a stack trace.
 * Anything else that escapes is a bug in the harness and is shown with its stack.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly exitCode = 2;
}

/** The machine or cluster cannot do what was asked: Docker missing, a tool failing, a cluster unreachable. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
  readonly exitCode = 3;
}

export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim();
}

/** User input inside a message, quoted and escaped, so a newline or control byte cannot break the one line. */
export function quote(text: string): string {
  return JSON.stringify(text);
}
