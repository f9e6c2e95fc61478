/**
 * A minimal Kubernetes API server on 127.0.0.1 for component tests of harness/k8s: discovery,
 * server-side apply, get/list/delete, watch as newline-delimited JSON, pod logs, and pod
 * port-forward over a websocket (v4.channel.k8s.io) to a real local TCP port. Tests steer
 * the failure cases (dropped watches, 410 Gone, broken log streams) and read every request back.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown> & { name: string; namespace?: string }; [k: string]: unknown };

/** A resource type the fake serves: tests may add kinds beyond the built-in ones (`start({ kinds })`). */
export interface Kind {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const builtinKinds: Kind[] = [
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  { apiVersion: 'v1', kind: 'Event', plural: 'events', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { apiVersion: 'configuration.konghq.com/v1', kind: 'KongPlugin', plural: 'kongplugins', namespaced: true },
];

interface Watcher {
  kind: Kind;
  namespace: string | undefined;
  res: ServerResponse;
}

interface LogFollower {
  key: string;
  res: ServerResponse;
  /** writes to one response stay in order */
  queue: Promise<void>;
}

export type GoneMode = 'http' | 'event';

/** How the API server answers a write it refuses, e.g. a validating admission webhook's denial. */
export interface Refusal {
  code: 400 | 403 | 409 | 422;
  message: string;
  /** absent for a webhook's denial unless the webhook set one, as the API server does */
  reason?: string;
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  /** bytes per chunk when writing logs, small so that lines arrive split */
  logChunkBytes = 7;
  /** delay before answering a request for one object (get, apply, delete), fixed or per request */
  responseDelayMs: number | ((request: RecordedRequest) => number) = 0;
  /** the most requests for one object that were being answered at the same moment */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly refusals = new Map<string, Refusal>();
  private readonly store = new Map<string, Obj>();
  private readonly watchers = new Set<Watcher>();
  private readonly logs = new Map<string, string[]>();
  private readonly followers = new Set<LogFollower>();
  private readonly goneQueue: GoneMode[] = [];
  private readonly forwards = new Map<string, number>();
  private readonly upgraded = new Set<Socket>();
  private readonly closing = new AbortController();
  /** the kubeconfigs' temp dirs, removed by close() */
  private readonly scratch: string[] = [];
  private revision = 100;
  private uids = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly kinds: readonly Kind[],
  ) {}

  static async start(options: { kinds?: readonly Kind[] } = {}): Promise<FakeKubeApi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = new FakeKubeApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, [...builtinKinds, ...(options.kinds ?? [])]);
    server.on('request', (req, res) => void api.handle(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Socket) => api.portForward(req, socket));
    return api;
  }

  async close(): Promise<void> {
    this.closing.abort();
    for (const watcher of this.watchers) watcher.res.destroy();
    for (const follower of this.followers) follower.res.destroy();
    for (const socket of this.upgraded) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(this.scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }

  /** Writes a kubeconfig whose current context points here without auth; returns its path, valid until close(). */
  async writeKubeconfig(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'fake-kube-'));
    this.scratch.push(dir);
    const path = join(dir, 'kubeconfig');
    await writeFile(path, kubeconfigFor(this.url));
    return path;
  }

  /** Creates or replaces an object as the cluster would (uid, resourceVersion), telling open watches. */
  upsert(input: Obj): Obj {
    const key = keyOf(input.apiVersion, input.kind, input.metadata.namespace, input.metadata.name);
    const existing = this.store.get(key);
    const object: Obj = {
      ...input,
      metadata: {
        creationTimestamp: new Date().toISOString(),
        ...input.metadata,
        uid: existing?.metadata['uid'] ?? input.metadata['uid'] ?? `uid-${++this.uids}`,
        resourceVersion: String(++this.revision),
      },
    };
    this.store.set(key, object);
    this.notify(existing === undefined ? 'ADDED' : 'MODIFIED', object);
    return object;
  }

  getStored(apiVersion: string, kind: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.store.get(keyOf(apiVersion, kind, namespace, name));
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  /** Ends every open watch cleanly, as an API server does when a watch times out. */
  closeWatches(): void {
    for (const watcher of this.watchers) watcher.res.end();
    this.watchers.clear();
  }

  /** Applies of objects with this name, of any kind, are refused with `refusal` from now on. */
  refuseApply(name: string, refusal: Refusal): void {
    this.refusals.set(name, refusal);
  }

  /** The next watch request is refused as expired: with HTTP 410, or with a 200 carrying an ERROR event (what real servers do). */
  goneOnNextWatch(mode: GoneMode): void {
    this.goneQueue.push(mode);
  }

  /** Appends "<RFC3339Nano> text" lines to a container's log and sends them to followers in small chunks. */
  appendLog(namespace: string, pod: string, container: string, lines: string[]): Promise<void> {
    const key = logKey(namespace, pod, container);
    const stored = this.logs.get(key) ?? [];
    stored.push(...lines);
    this.logs.set(key, stored);
    const text = lines.map((line) => `${line}\n`).join('');
    return Promise.all([...this.followers].filter((f) => f.key === key).map((f) => this.enqueue(f, text))).then(() => undefined);
  }

  /** Breaks open log streams mid-flight (socket destroyed: no clean end), as a restarting API server would. */
  dropLogStreams(): void {
    for (const follower of this.followers) follower.res.socket?.destroy();
    this.followers.clear();
  }

  /** Ends open log streams cleanly once what was queued is written, as when the container exits. */
  async endLogStreams(): Promise<void> {
    const followers = [...this.followers];
    this.followers.clear();
    await Promise.all(followers.map((f) => f.queue.then(() => new Promise<void>((resolve) => f.res.end(resolve)))));
  }

  /** Writes `text` to follow streams as if it were mid-line when the connection broke: no newline. */
  writeRawToLogStreams(namespace: string, pod: string, container: string, text: string): Promise<void> {
    const key = logKey(namespace, pod, container);
    return Promise.all([...this.followers].filter((f) => f.key === key).map((f) => this.enqueue(f, text))).then(() => undefined);
  }

  get openLogStreams(): number {
    return this.followers.size;
  }

  /** Port-forwards to `podPort` of the pod reach 127.0.0.1:`localPort`, standing in for the pod. */
  forwardPod(namespace: string, pod: string, podPort: number, localPort: number): void {
    this.forwards.set(`${namespace}/${pod}:${podPort}`, localPort);
  }

  /** The websocket side of `kubectl port-forward`, protocol v4: channel 0 data, channel 1 errors. */
  private portForward(req: IncomingMessage, socket: Socket): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: '' });
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const podPort = Number(url.searchParams.get('ports'));
    const target = match === null ? undefined : this.forwards.get(`${match[1]}/${match[2]}:${podPort}`);
    const key = req.headers['sec-websocket-key'];
    if (target === undefined || typeof key !== 'string') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n`,
    );
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    const pod = connectTcp(target, '127.0.0.1');
    const port = Buffer.alloc(2);
    port.writeUInt16LE(podPort);
    pod.once('connect', () => {
      // Each channel opens with the port number, as the kubelet does.
      socket.write(wsFrame(0x2, Buffer.concat([Buffer.from([0]), port])));
      socket.write(wsFrame(0x2, Buffer.concat([Buffer.from([1]), port])));
    });
    pod.on('data', (data: Buffer) => socket.write(wsFrame(0x2, Buffer.concat([Buffer.from([0]), data]))));
    pod.once('close', () => socket.end(wsFrame(0x8, Buffer.alloc(0))));
    pod.on('error', () => socket.destroy());
    socket.on('error', () => pod.destroy());
    socket.once('close', () => pod.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      for (let frame = readWsFrame(buffered); frame !== undefined; frame = readWsFrame(buffered)) {
        buffered = buffered.subarray(frame.size);
        if (frame.opcode === 0x8) pod.end();
        else if (frame.opcode === 0x2 && frame.payload[0] === 0) pod.write(frame.payload.subarray(1));
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(record);
    const target = parsePath(record.path, this.kinds);
    const oneObject = target?.name !== undefined && target.subresource === undefined;
    if (oneObject) this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      const delay = typeof this.responseDelayMs === 'function' ? this.responseDelayMs(record) : this.responseDelayMs;
      // a delayed answer must not keep the test process alive once the fake is closed
      if (oneObject && delay > 0) await sleep(delay, undefined, { signal: this.closing.signal });
      this.route(record, res);
    } catch (error) {
      sendStatus(res, 500, 'InternalError', String(error));
    } finally {
      if (oneObject) this.inFlight -= 1;
    }
  }

  private route(req: RecordedRequest, res: ServerResponse): void {
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(req.path);
    if (discovery !== null) return this.discover(discovery[1] ?? discovery[2] ?? '', res);
    const target = parsePath(req.path, this.kinds);
    if (target === undefined) return sendStatus(res, 404, 'NotFound', `no route for ${req.path}`);
    const { kind, namespace, name, subresource } = target;
    if (subresource === 'log' && kind.kind === 'Pod' && name !== undefined && namespace !== undefined) {
      return this.serveLog(namespace, name, req.query, res);
    }
    if (subresource !== undefined) return sendStatus(res, 404, 'NotFound', `no subresource ${subresource}`);
    if (name === undefined) {
      if (req.method !== 'GET') return sendStatus(res, 405, 'MethodNotAllowed', req.method);
      return req.query.get('watch') === 'true' ? this.watch(kind, namespace, res) : this.list(kind, namespace, req.query, res);
    }
    const key = keyOf(kind.apiVersion, kind.kind, namespace, name);
    switch (req.method) {
      case 'GET': {
        const object = this.store.get(key);
        return object === undefined ? notFound(res, kind, name) : sendJson(res, 200, object);
      }
      case 'DELETE': {
        const object = this.store.get(key);
        if (object === undefined) return notFound(res, kind, name);
        this.store.delete(key);
        this.notify('DELETED', object);
        return sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name, kind: kind.plural } });
      }
      case 'PATCH':
        return this.apply(req, kind, namespace, name, res);
      default:
        return sendStatus(res, 405, 'MethodNotAllowed', req.method);
    }
  }

  private discover(groupVersion: string, res: ServerResponse): void {
    const resources = this.kinds
      .filter((k) => k.apiVersion === groupVersion)
      .map((k) => ({ name: k.plural, singularName: k.kind.toLowerCase(), namespaced: k.namespaced, kind: k.kind, verbs: ['get', 'list', 'watch', 'patch', 'delete'] }));
    if (resources.length === 0) return sendStatus(res, 404, 'NotFound', `no group version ${groupVersion}`);
    sendJson(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources });
  }

  private apply(req: RecordedRequest, kind: Kind, namespace: string | undefined, name: string, res: ServerResponse): void {
    if (req.headers['content-type'] !== 'application/apply-patch+yaml') {
      return sendStatus(res, 415, 'UnsupportedMediaType', `unsupported patch type ${req.headers['content-type']}`);
    }
    if (!req.query.get('fieldManager')) return sendStatus(res, 422, 'Invalid', 'fieldManager is required for apply patch');
    const body = parseYaml(req.body) as Obj;
    if (body.metadata?.name !== name) return sendStatus(res, 400, 'BadRequest', 'the name of the object does not match the URL');
    const refusal = this.refusals.get(name);
    if (refusal !== undefined) {
      return sendJson(res, refusal.code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: refusal.message, ...(refusal.reason ? { reason: refusal.reason } : {}), code: refusal.code });
    }
    const existed = this.store.has(keyOf(kind.apiVersion, kind.kind, namespace, name));
    const stored = this.upsert({ ...body, apiVersion: kind.apiVersion, kind: kind.kind, metadata: { ...body.metadata, ...(namespace ? { namespace } : {}) } });
    sendJson(res, existed ? 200 : 201, stored);
  }

  private list(kind: Kind, namespace: string | undefined, query: URLSearchParams, res: ServerResponse): void {
    const selector = parseSelector(query.get('labelSelector'));
    const items = [...this.store.values()]
      .filter((o) => o.apiVersion === kind.apiVersion && o.kind === kind.kind)
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .filter((o) => selector.every(([k, v]) => (o.metadata['labels'] as Record<string, string> | undefined)?.[k] === v))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
      .map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    sendJson(res, 200, { apiVersion: kind.apiVersion, kind: `${kind.kind}List`, metadata: { resourceVersion: String(this.revision) }, items });
  }

  private watch(kind: Kind, namespace: string | undefined, res: ServerResponse): void {
    const gone = this.goneQueue.shift();
    if (gone === 'http') return sendStatus(res, 410, 'Expired', 'too old resource version');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (gone === 'event') {
      const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version' };
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    const watcher: Watcher = { kind, namespace, res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }

  private notify(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Obj): void {
    for (const watcher of this.watchers) {
      if (watcher.kind.apiVersion !== object.apiVersion || watcher.kind.kind !== object.kind) continue;
      if (watcher.namespace !== undefined && watcher.namespace !== object.metadata.namespace) continue;
      watcher.res.write(`${JSON.stringify({ type, object })}\n`);
    }
  }

  private serveLog(namespace: string, pod: string, query: URLSearchParams, res: ServerResponse): void {
    const key = logKey(namespace, pod, query.get('container') ?? '');
    const stored = this.logs.get(key);
    if (stored === undefined) return sendStatus(res, 404, 'NotFound', `container ${key} not found`);
    // Like the kubelet, sinceTime is honoured to the second, so lines of that second come again.
    const since = query.get('sinceTime');
    const from = since === null ? -Infinity : Math.floor(Date.parse(since) / 1000) * 1000;
    const backlog = stored.filter((line) => Date.parse(line.slice(0, line.indexOf(' '))) >= from);
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const follower: LogFollower = { key, res, queue: Promise.resolve() };
    const text = backlog.map((line) => `${line}\n`).join('');
    if (query.get('follow') !== 'true') {
      void this.enqueue(follower, text).then(() => res.end());
      return;
    }
    this.followers.add(follower);
    res.on('close', () => this.followers.delete(follower));
    void this.enqueue(follower, text);
  }

  private enqueue(follower: LogFollower, text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    follower.queue = follower.queue.then(async () => {
      for (let at = 0; at < bytes.length; at += this.logChunkBytes) {
        if (follower.res.destroyed) return;
        follower.res.write(bytes.subarray(at, at + this.logChunkBytes));
        // A pause per chunk so they reach the client as separate reads.
        await sleep(1);
      }
    });
    return follower.queue;
  }
}

export function kubeconfigFor(server: string, context = 'fake'): string {
  return stringifyYaml({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http unless TLS verification is (pointlessly) switched off.
    clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake', user: {} }],
    contexts: [{ name: context, context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
    'current-context': context,
  });
}

/** An unmasked, unfragmented server frame. */
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) header = Buffer.from([0x80 | opcode, length]);
  else if (length <= 0xffff) {
    header = Buffer.from([0x80 | opcode, 126, 0, 0]);
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** Reads one (masked, client) frame from the start of `data`, if it is all there. */
function readWsFrame(data: Buffer): { opcode: number; payload: Buffer; size: number } | undefined {
  if (data.length < 2) return undefined;
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  let length = data[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const mask = masked ? data.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (data.length < offset + length) return undefined;
  const payload = Buffer.from(data.subarray(offset, offset + length));
  if (mask !== undefined) for (let i = 0; i < payload.length; i += 1) payload[i]! ^= mask[i % 4]!;
  return { opcode, payload, size: offset + length };
}

function parsePath(path: string, kinds: readonly Kind[]): { kind: Kind; namespace?: string; name?: string; subresource?: string } | undefined {
  const match = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/(.*)$/.exec(path);
  if (match === null) return undefined;
  const apiVersion = match[1] ?? match[2] ?? '';
  const parts = (match[3] ?? '').split('/').map(decodeURIComponent);
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    namespace = parts[1];
    parts.splice(0, 2);
  }
  const [plural, name, subresource] = parts;
  const kind = kinds.find((k) => k.apiVersion === apiVersion && k.plural === plural);
  if (kind === undefined) return undefined;
  return { kind, ...(namespace === undefined ? {} : { namespace }), ...(name ? { name } : {}), ...(subresource ? { subresource } : {}) };
}

function parseSelector(selector: string | null): [string, string][] {
  if (!selector) return [];
  return selector.split(',').map((term) => {
    const [k = '', v = ''] = term.split('=');
    return [k.trim(), v.trim()];
  });
}

function keyOf(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion}|${kind}|${namespace ?? ''}|${name}`;
}

function logKey(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });
}

function notFound(res: ServerResponse, kind: Kind, name: string): void {
  sendStatus(res, 404, 'NotFound', `${kind.plural} "${name}" not found`);
}
