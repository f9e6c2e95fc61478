import { Agent, request } from 'undici';
import type { RouteEntry } from '../evidence/types.ts';
import type { RouteProbe } from '../runner/scenario.ts';
import { timeout } from '../timeouts.ts';
import { errorCode, transportErrorClass } from './error-class.ts';

/**
 * Checks routes through the Kong proxy, one request each, over a keep-alive pool. A connection
 * error or a status other than the expected one reads as unreachable; the error class is kept.
 */
export class RouteChecker {
  private readonly dispatcher = new Agent({ keepAliveTimeout: 4_000, connections: 8 });

  constructor(private readonly proxyUrl: string) {}

  /** `proxyUrl` other than the checker's own: one gateway pod's proxy port, reached directly. */
  async check(probe: RouteProbe, proxyUrl = this.proxyUrl): Promise<RouteEntry> {
    const started = performance.now();
    const at = Date.now();
    try {
      const res = await request(new URL(probe.path, proxyUrl), {
        method: 'GET',
        headers: probe.host ? { host: probe.host } : {},
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(timeout('routeRequest')),
      });
      await res.body.dump();
      const ok = res.statusCode === (probe.expectStatus ?? 200);
      return { kind: 'route', at, route: probe.route, ok, status: res.statusCode, latencyMs: performance.now() - started };
    } catch (error) {
      return { kind: 'route', at, route: probe.route, ok: false, error: errorClass(error), latencyMs: performance.now() - started };
    }
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

/** The shared transport class, or `error:<code or message>` for one the classes do not cover. */
export function errorClass(error: unknown): string {
  const known = transportErrorClass(error);
  return known === 'other' ? `error:${errorCode(error) ?? (error as Error).message}` : known;
}
