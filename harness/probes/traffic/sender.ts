import { Agent } from 'undici';
import { transportErrorClass } from '../error-class.ts';
import { statusClass, type RequestRecord } from './record.ts';

/** Where the probe sends: a URL and optionally a Host header (a route behind one proxy address). */
export interface TrafficTarget {
  url: string;
  host?: string;
}

export interface SenderOptions {
  /** connect, headers and body deadline of one request */
  timeoutMs: number;
  /** accept any TLS certificate (a self-signed proxy certificate) */
  insecure?: boolean;
}

export type Clock = () => number;

/** Epoch milliseconds with sub-millisecond precision, monotonic: Date.now() anchored once, then performance.now(). */
export function monotonicClock(): Clock {
  const epoch = Date.now();
  const base = performance.now();
  return () => epoch + (performance.now() - base);
}

interface Prepared {
  origin: string;
  path: string;
  headers: Record<string, string>;
}

/**
 * Sends GET requests over one keep-alive pool per origin. The pool grows as needed (no connection
 * cap), so a slow answer never holds back the next scheduled request. A connection the server
 * closes (idle timeout, `Connection: close`, keepalive_requests) is dropped from the pool by undici
 * and a new one is opened for the next request, as any HTTP client does.
 */
export class TrafficSender {
  private readonly agent: Agent;
  private readonly prepared: Prepared[];

  constructor(
    targets: readonly TrafficTarget[],
    options: SenderOptions,
    private readonly clock: Clock,
  ) {
    this.prepared = targets.map((t): Prepared => {
      const url = new URL(t.url);
      return { origin: url.origin, path: `${url.pathname}${url.search}`, headers: t.host ? { host: t.host } : {} };
    });
    this.agent = new Agent({
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.insecure ? { connect: { rejectUnauthorized: false } } : {}),
    });
  }

  get targetCount(): number {
    return this.prepared.length;
  }

  /**
   * One request to target `index`; never rejects: a failure is an error class on the record.
   * dispatch() with a bare handler rather than request(): no body stream per request, which is
   * most of the client's own cost at a few thousand requests per second.
   */
  send(index: number, scheduled: number): Promise<RequestRecord> {
    const t = this.prepared[index]!;
    const start = this.clock();
    return new Promise((resolve) => {
      let status = 0;
      this.agent.dispatch(
        { origin: t.origin, path: t.path, method: 'GET', headers: t.headers },
        {
          // undici takes a handler as the new (controller) kind only when it has onRequestStart
          onRequestStart: () => {},
          onResponseStart: (_controller, statusCode) => {
            status = statusCode;
          },
          onResponseData: () => {},
          onResponseEnd: () => {
            const error = statusClass(status);
            resolve({ target: index, scheduled, start, end: this.clock(), status, ...(error ? { error } : {}) });
          },
          onResponseError: (_controller, error) => resolve({ target: index, scheduled, start, end: this.clock(), error: transportErrorClass(error) }),
        },
      );
    });
  }

  /** Fails whatever is still in flight and closes every connection. */
  destroy(): Promise<void> {
    return this.agent.destroy();
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
