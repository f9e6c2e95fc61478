import { setTimeout as sleep } from 'node:timers/promises';
import { timeout } from '../timeouts.ts';
import { describe } from './api-error.ts';

export type StreamState = 'open' | 'dropped' | 'reopened' | 'closed';

/** A change in a long-lived stream's health, worth a line on the evidence timeline. */
export interface StreamReport {
  state: StreamState;
  message: string;
}

export interface StreamOptions {
  /** Aborting it ends the stream; the call then resolves after reporting 'closed'. */
  signal: AbortSignal;
  onStream?: (report: StreamReport) => void;
  /** Pause before reconnecting; doubles per consecutive attempt that fails to open, up to 30s. */
  retryDelayMs?: number;
}

/** One connection: resolves with why it ended, calls `opened` once the server has accepted it. */
export type Connect = (opened: () => void, signal: AbortSignal) => Promise<string>;

const maxRetryDelayMs = 30_000;

/**
 * Keeps a stream connected until the signal aborts. Only transitions are reported: a stream
 * that keeps failing to reopen is one 'dropped', then one 'reopened' saying how many tries it took.
 */
export async function keepStreaming(what: string, connect: Connect, options: StreamOptions): Promise<void> {
  const { signal, onStream = () => {}, retryDelayMs = 1000 } = options;
  let everOpened = false;
  let dropped = false;
  let failures = 0;
  while (!signal.aborted) {
    let opened = false;
    const onOpened = (): void => {
      opened = true;
      if (everOpened) onStream({ state: 'reopened', message: `${what} reopened${failures > 0 ? ` after ${failures + 1} attempts` : ''}` });
      else onStream({ state: 'open', message: `${what} open` });
      everOpened = true;
      dropped = false;
      failures = 0;
    };
    let reason: string;
    try {
      reason = await connect(onOpened, signal);
    } catch (error) {
      reason = describe(error);
    }
    if (signal.aborted) break;
    if (!dropped) onStream({ state: 'dropped', message: `${what} ${everOpened ? 'dropped' : 'could not open'}: ${reason}` });
    dropped = true;
    if (!opened) failures += 1;
    // Even after a clean drop, pause: a stream that opens and dies at once must not spin.
    await sleep(Math.min(retryDelayMs * 2 ** failures, maxRetryDelayMs), undefined, { signal }).catch(() => undefined);
  }
  onStream({ state: 'closed', message: `${what} closed` });
}

/**
 * Runs one client-node streaming request (Watch, Log) to its end. Those calls have no
 * deadline for the server to answer, so one is added here; an AbortController that arrives
 * after the stream was given up on is aborted at once.
 */
export function runStream(
  start: (end: (reason: string) => void) => Promise<AbortController>,
  opened: () => void,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve) => {
    let controller: AbortController | undefined;
    let ended = false;
    const limitMs = timeout('kubeRequest');
    const end = (reason: string): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      controller?.abort();
      resolve(reason);
    };
    const stop = (): void => end('stopped');
    const timer = setTimeout(() => end(`no answer within ${limitMs / 1000}s`), limitMs);
    signal.addEventListener('abort', stop, { once: true });
    if (signal.aborted) return stop();
    start(end).then(
      (started) => {
        controller = started;
        if (ended) started.abort();
        else {
          clearTimeout(timer);
          opened();
        }
      },
      (error: unknown) => end(describe(error)),
    );
  });
}
