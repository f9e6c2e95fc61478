import { Agent, request } from 'undici';
import type { KicPushEntry, Observation, PodConfigEntry } from '../evidence/types.ts';
import type { RouteProbe } from '../runner/scenario.ts';
import { timeout } from '../timeouts.ts';
import { errorClass, RouteChecker } from './route.ts';

/**
 * The ports read inside each pod. Kong's status listener: `status.http.containerPort` 8100, on
 * by default (charts/kong/values.yaml@kong-3.4.1, and @kong-3.2.0 that ingress-0.24.0 pins); it
 * serves the same `/status` as the Admin API (kong/status/init.lua@3.9.3 attaches
 * kong/api/routes/health.lua), and a hybrid data plane, which has no Admin API, has it too.
 * The proxy: 8000 (harness/kong/values.ts); its TLS listener: `proxy.tls.containerPort` 8443, on by
 * default (charts/kong/values.yaml@kong-3.4.1 and @kong-3.2.0). KIC's diagnostics server: `DiagnosticsPort` 10256 on
 * every address (internal/manager/consts/consts.go and internal/diagnostics/server.go@v3.4.20
 * and @v3.5.13), started only by `--dump-config` (internal/manager/run.go `setupDiagnostics`).
 */
export const STATUS_PORT = 8100;
export const PROXY_PORT = 8000;
export const PROXY_TLS_PORT = 8443;
export const KIC_DIAGNOSTICS_PORT = 10256;

/** One gateway pod and, when it is Ready, local URLs that reach its status listener and proxy. */
export interface GatewayPod {
  pod: string;
  ready: boolean;
  urls?: { status: string; proxy: string };
}

/** One KIC instance and a local URL that reaches its diagnostics server. */
export interface KicInstance {
  pod: string;
  diagnosticsUrl: string;
}

/** Finds the pods of this moment and how to reach each; the real one port-forwards (runner/context.ts). */
export interface PodLocator {
  locate(): Promise<{ gateways: GatewayPod[]; controllers: KicInstance[] }>;
}

/**
 * Reads every gateway pod directly, one round at a time: Kong's `configuration_hash` from
 * `GET /status` and the scenario's routes through the pod's own proxy port; and, with `kic`,
 * what each KIC last pushed successfully. Every entry of a round carries the same `at`, so the
 * judge can compare the pods of a round (judge/convergence.ts).
 */
export class GatewayPodProbe {
  private readonly dispatcher = new Agent({ keepAliveTimeout: 4_000, connections: 4 });
  private readonly routes = new RouteChecker('http://127.0.0.1');

  constructor(
    private readonly locator: PodLocator,
    private readonly probes: readonly RouteProbe[],
    private readonly kic: boolean,
  ) {}

  async round(): Promise<Observation[]> {
    const { gateways, controllers } = await this.locator.locate();
    const at = Date.now();
    return Promise.all([...gateways.map((g) => this.readGateway(g, at)), ...(this.kic ? controllers.map((c) => this.readKic(c, at)) : [])]);
  }

  async close(): Promise<void> {
    await Promise.all([this.dispatcher.close(), this.routes.close()]);
  }

  private async readGateway({ pod, ready, urls }: GatewayPod, at: number): Promise<PodConfigEntry> {
    // a pod that is not Ready takes no traffic and is left out of the comparison
    if (!ready || !urls) return { kind: 'pod-config', at, pod, ready: false, routes: [] };
    let configHash: string | undefined;
    try {
      configHash = await this.configurationHash(urls.status);
    } catch (error) {
      return { kind: 'pod-config', at, pod, ready, routes: [], error: `GET /status: ${errorClass(error)}` };
    }
    const answers = await Promise.all(this.probes.map((p) => this.routes.check(p, urls.proxy)));
    const routes = answers.map((a) => ({ route: a.route, ok: a.ok, ...(a.status !== undefined ? { status: a.status } : {}), ...(a.error !== undefined ? { error: a.error } : {}) }));
    return { kind: 'pod-config', at, pod, ready, ...(configHash !== undefined ? { configHash } : {}), routes };
  }

  /** `configuration_hash` is there only in DB-less mode and on a data plane (kong/api/routes/health.lua@3.9.1 and @3.9.3). */
  private async configurationHash(statusUrl: string): Promise<string | undefined> {
    const body = (await this.getJson(new URL('/status', statusUrl))) as { configuration_hash?: unknown } | undefined;
    return typeof body?.configuration_hash === 'string' ? body.configuration_hash : undefined;
  }

  /**
   * `GET /debug/config/successful`: 204 until a push succeeded, else `{"hash": …, "config": …}`
   * (internal/diagnostics/http_handler.go and api_types.go@v3.4.20 and @v3.5.13). The config is
   * dropped unread: it may hold credentials (`--dump-sensitive-config`). The hash is KIC's raw
   * SHA-256 bytes as a Go string (`Hash: string(newConfigSHA)`, internal/dataplane/kong_client.go
   * @v3.5.13), which encoding/json coerces to UTF-8; its hex is kept as a printable fingerprint.
   */
  private async readKic({ pod, diagnosticsUrl }: KicInstance, at: number): Promise<KicPushEntry> {
    try {
      const body = (await this.getJson(new URL('/debug/config/successful', diagnosticsUrl))) as { hash?: unknown } | undefined;
      const hash = typeof body?.hash === 'string' && body.hash !== '' ? Buffer.from(body.hash, 'utf8').toString('hex') : undefined;
      return { kind: 'kic-push', at, pod, ...(hash !== undefined ? { hash } : {}) };
    } catch (error) {
      return { kind: 'kic-push', at, pod, error: `GET /debug/config/successful: ${errorClass(error)}` };
    }
  }

  private async getJson(url: URL): Promise<unknown> {
    const res = await request(url, { method: 'GET', headers: { accept: 'application/json' }, dispatcher: this.dispatcher, signal: AbortSignal.timeout(timeout('routeRequest')) });
    const text = await res.body.text();
    if (res.statusCode === 204) return undefined;
    if (res.statusCode >= 300) throw new HttpStatusError(res.statusCode);
    return JSON.parse(text) as unknown;
  }
}

class HttpStatusError extends Error {
  readonly code: string;
  constructor(status: number) {
    super(`answered ${status}`);
    this.code = `http-${status}`;
  }
}
