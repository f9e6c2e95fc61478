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

/** Why a file the user named cannot be read, in words instead of an errno dump (`ENOENT: no such file or directory, open '…'`). */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : code === 'EACCES' ? 'permission denied' : oneLine(error);
}

/** User input inside a message, quoted and escaped, so a newline or control byte cannot break the one line. */
export function quote(text: string): string {
  return JSON.stringify(text);
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn a into b. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * ` (Did you mean X?)` for a misspelt name, in the words and with the limits commander uses for
 * commands and options (at most 3 edits, and fewer than 60 % of the name), so a scenario id gets
 * the same help a misspelt option does; '' when nothing is that close.
 */
export function didYouMean(wanted: string, known: readonly string[]): string {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(wanted, name);
    const similarity = (Math.max(wanted.length, name.length) - distance) / Math.max(wanted.length, name.length);
    if (distance <= 3 && similarity > 0.4 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best ? ` (Did you mean ${best.name}?)` : '';
}
