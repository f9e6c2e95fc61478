import { Agent, request } from 'undici';
import type { RouteEntry } from '../evidence/types.ts';
import type { RouteProbe } from '../runner/scenario.ts';
import { timeout } from '../timeouts.ts';
import { errorCode, transportErrorClass } from './error-class.ts';

const POOL = { keepAliveTimeout: 4_000, connections: 8 } as const;

/**
 * Checks routes through the Kong proxy, one request each, over a keep-alive pool. A connection
 * error or a status other than the expected one reads as unreachable; the error class is kept.
 * An HTTPS probe sends its `host` as the TLS server name (undici takes SNI from the Host header)
 * and verifies the certificate against the CAs the run trusts, and nothing else: a served
 * certificate that is not the one made for the host (Kong's default, when it lost the SNI) is
 * a failure, not a pass.
 */
export class RouteChecker {
  private readonly dispatcher = new Agent(POOL);
  private readonly trusted: string[] = [];
  private tlsDispatcher: Agent | undefined;

  constructor(private readonly proxyUrl: string) {}

  /** Trusts the CA `pem` for HTTPS probes from now on. */
  async trust(pem: string): Promise<void> {
    this.trusted.push(pem);
    // a TLS pool keeps the CA list it was made with
    const old = this.tlsDispatcher;
    this.tlsDispatcher = undefined;
    await old?.close();
  }

  /** `proxyUrl` other than the checker's own: one gateway pod's proxy port, reached directly. */
  async check(probe: RouteProbe, proxyUrl = this.proxyUrl): Promise<RouteEntry> {
    const started = performance.now();
    const at = Date.now();
    try {
      const res = await request(new URL(probe.path, proxyUrl), {
        method: 'GET',
        headers: probe.host ? { host: probe.host } : {},
        dispatcher: probe.tls ? this.tls() : this.dispatcher,
        signal: AbortSignal.timeout(timeout('routeRequest')),
      });
      await res.body.dump();
      const ok = res.statusCode === (probe.expectStatus ?? 200);
      return { kind: 'route', at, route: probe.route, ok, status: res.statusCode, latencyMs: performance.now() - started };
    } catch (error) {
      return { kind: 'route', at, route: probe.route, ok: false, error: errorClass(error), latencyMs: performance.now() - started };
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.dispatcher.close(), this.tlsDispatcher?.close()]);
  }

  private tls(): Agent {
    return (this.tlsDispatcher ??= new Agent({ ...POOL, connect: { ca: [...this.trusted] } }));
  }
}

/** The shared transport class, or `error:<code or message>` for one the classes do not cover. */
export function errorClass(error: unknown): string {
  const known = transportErrorClass(error);
  return known === 'other' ? `error:${errorCode(error) ?? (error as Error).message}` : known;
}
