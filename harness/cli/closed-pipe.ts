/**
 * `kong-chaos plan … | head -1`: the reader closes the pipe once it has what it wants, and the
 * next write fails with EPIPE, which Node raises as an unhandled 'error' event (a stack trace,
 * exit 1). Nobody is left to read, so later writes are dropped and the command ends as it would
 * have: its exit code stays its own, and a run still tears down what it created.
 */
export function dropWritesAfterClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stream.write = (() => true) as typeof stream.write;
  });
}
