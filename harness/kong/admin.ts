import { Agent, request } from 'undici';
import { EnvironmentError } from '../errors.ts';
import { timeout } from '../timeouts.ts';

export interface KongEntity {
  id: string;
  name?: string;
  tags?: string[] | null;
  [field: string]: unknown;
}

export interface KongPlugin extends KongEntity {
  name: string;
  enabled?: boolean;
  route?: { id: string } | null;
  service?: { id: string } | null;
  consumer?: { id: string } | null;
}

export interface KongTarget extends KongEntity {
  target: string;
  upstream: { id: string };
}

/**
 * A small client for Kong's Admin API. Lists follow Kong's `next` pagination to the end;
 * every request has a deadline. The token, if any, goes only into a header and never into an
 * error message.
 */
export class AdminClient {
  private readonly dispatcher: Agent;

  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
    private readonly timeoutMs = timeout('adminRequest'),
  ) {
    this.dispatcher = new Agent({ connect: { rejectUnauthorized: false }, keepAliveTimeout: 10_000 });
  }

  /** `GET /status`: Kong's health and, in DB mode, whether the database is reachable. */
  status(): Promise<{ database?: { reachable: boolean }; server?: Record<string, number> }> {
    return this.call('GET', '/status');
  }

  /** Every entity of a collection, across pages. */
  async list<T extends KongEntity>(path: string): Promise<T[]> {
    const out: T[] = [];
    let next: string | null = path.includes('?') ? `${path}&size=1000` : `${path}?size=1000`;
    while (next) {
      const page: { data: T[]; next?: string | null } = await this.call('GET', next);
      out.push(...page.data);
      next = page.next ?? null;
    }
    return out;
  }

  listPlugins(): Promise<KongPlugin[]> {
    return this.list<KongPlugin>('/plugins');
  }

  /** Creates a plugin under `scope` (`''` for global, or `/services/<id>`, `/routes/<id>`). */
  createPlugin(scope: string, body: { name: string; config?: Record<string, unknown>; tags?: string[] }): Promise<KongPlugin> {
    return this.call('POST', `${scope}/plugins`, body);
  }

  async deletePlugin(id: string): Promise<void> {
    await this.call('DELETE', `/plugins/${encodeURIComponent(id)}`);
  }

  listTargets(upstream: string): Promise<KongTarget[]> {
    return this.list<KongTarget>(`/upstreams/${encodeURIComponent(upstream)}/targets`);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers['kong-admin-token'] = this.token;
    let res;
    try {
      res = await request(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new EnvironmentError(`Admin API ${method} ${url.pathname} failed: ${(error as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode >= 400) {
      throw new AdminApiError(method, url.pathname, res.statusCode, text);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

/** A non-2xx answer; Kong's own error body (`{"message": ...}`) is kept for evidence. */
export class AdminApiError extends EnvironmentError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`Admin API ${method} ${path} answered ${status}: ${body.slice(0, 300)}`);
  }
}
