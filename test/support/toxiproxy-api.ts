/**
 * A local HTTP server speaking the part of Toxiproxy's REST API (v2) that the harness's client
 * uses, with Toxiproxy's answers: proxies carry their toxics, an update keeps the fields it does
 * not name, a toxic name is unique per proxy (409), unknown names are 404 with Toxiproxy's error
 * body, a deleted toxic is 204. No traffic is proxied. Tests seed proxies and read every request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ToxicState {
  name: string;
  type: string;
  stream: string;
  toxicity: number;
  attributes: Record<string, unknown>;
}

export interface ProxyState {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicState[];
}

export interface ToxiproxyRequest {
  method: string;
  path: string;
  /** the JSON body, if any */
  body: unknown;
}

export class FakeToxiproxyApi {
  readonly requests: ToxiproxyRequest[] = [];
  private readonly proxies = new Map<string, ProxyState>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeToxiproxyApi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = new FakeToxiproxyApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => void api.handle(req, res));
    return api;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Creates a proxy as `POST /proxies` would have, without recording a request. */
  seed(proxy: Omit<ProxyState, 'toxics'> & { toxics?: ToxicState[] }): void {
    this.proxies.set(proxy.name, { ...proxy, toxics: [...(proxy.toxics ?? [])] });
  }

  proxy(name: string): ProxyState | undefined {
    const found = this.proxies.get(name);
    return found === undefined ? undefined : structuredClone(found);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: ToxiproxyRequest = { method: req.method ?? 'GET', path: new URL(req.url ?? '/', this.url).pathname, body: text === '' ? undefined : JSON.parse(text) };
    this.requests.push(request);
    this.route(request, res);
  }

  private route(req: ToxiproxyRequest, res: ServerResponse): void {
    const match = /^\/proxies\/([^/]+)(?:\/toxics(?:\/([^/]+))?)?$/.exec(req.path);
    if (match === null) return fail(res, 404, 'not found');
    const proxy = this.proxies.get(decodeURIComponent(match[1]!));
    if (proxy === undefined) return fail(res, 404, 'proxy not found');
    const toxicsPath = req.path.includes('/toxics');
    const toxicName = match[2] === undefined ? undefined : decodeURIComponent(match[2]);

    if (!toxicsPath) {
      if (req.method === 'GET') return send(res, 200, proxy);
      if (req.method === 'POST') {
        const body = (req.body ?? {}) as Partial<ProxyState>;
        // Toxiproxy starts from the proxy's current fields, so omitted ones stay as they were
        if (body.listen !== undefined) proxy.listen = body.listen;
        if (body.upstream !== undefined) proxy.upstream = body.upstream;
        if (body.enabled !== undefined) proxy.enabled = body.enabled;
        return send(res, 200, proxy);
      }
      return fail(res, 405, 'method not allowed');
    }

    if (toxicName === undefined) {
      if (req.method === 'GET') return send(res, 200, proxy.toxics);
      if (req.method === 'POST') {
        const body = (req.body ?? {}) as Partial<ToxicState>;
        const toxic: ToxicState = {
          name: body.name || `${body.type}_${body.stream ?? 'downstream'}`,
          type: body.type ?? '',
          stream: body.stream ?? 'downstream',
          toxicity: body.toxicity ?? 1,
          attributes: body.attributes ?? {},
        };
        if (proxy.toxics.some((t) => t.name === toxic.name)) return fail(res, 409, 'toxic already exists');
        proxy.toxics.push(toxic);
        return send(res, 200, toxic);
      }
      return fail(res, 405, 'method not allowed');
    }

    const index = proxy.toxics.findIndex((t) => t.name === toxicName);
    if (index === -1) return fail(res, 404, 'toxic not found');
    if (req.method === 'GET') return send(res, 200, proxy.toxics[index]);
    if (req.method === 'DELETE') {
      proxy.toxics.splice(index, 1);
      res.writeHead(204).end();
      return;
    }
    fail(res, 405, 'method not allowed');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, error: string): void {
  send(res, status, { error, status });
}
