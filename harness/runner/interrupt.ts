import type { Progress } from './progress.ts';

/**
 * Ctrl-C / SIGTERM: the first aborts the run so that teardown happens; a second leaves at once
 * and names what was not cleaned up. Returns the function that removes the handlers.
 */
export function onInterrupt(stop: AbortController, progress: Progress, pending: () => string[]): () => void {
  let interrupts = 0;
  const handler = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      progress.warn(`${signal}: stopping and tearing down (press Ctrl-C again to leave at once)`);
      stop.abort(new Error(`interrupted by ${signal}`));
      return;
    }
    const left = pending();
    progress.warn(`leaving now; not cleaned up: ${left.length ? left.join('; ') : 'nothing'} (kong-chaos cleanup finds leftovers by their run label)`);
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
