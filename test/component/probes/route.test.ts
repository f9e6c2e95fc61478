import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { expect } from 'chai';
import { errorClass, RouteChecker } from '../../../harness/probes/route.ts';
import { certificate, type KeyPair } from '../../../harness/tools/openssl.ts';
import { closedPort, startKongAdminServer, type Answer, type KongAdminServer, type RecordedRequest } from '../../support/kong-admin-server.ts';

const TIMEOUT_ENV = 'KONG_CHAOS_TIMEOUT_ROUTE_REQUEST';

describe('probes/route RouteChecker against local servers', () => {
  let server: KongAdminServer | undefined;
  let checker: RouteChecker | undefined;
  const proxy = async (handler: (req: RecordedRequest) => Answer) => {
    server = await startKongAdminServer(handler);
    checker = new RouteChecker(server.url);
    return { server, checker };
  };
  afterEach(async () => {
    await checker?.close();
    await server?.close();
    checker = undefined;
    server = undefined;
  });

  it('reads a 200 as ok, with the status and a latency', async () => {
    const { server, checker } = await proxy(() => ({ status: 200, text: 'echo' }));
    const before = Date.now();
    const entry = await checker.check({ route: '/echo', path: '/echo' });
    expect(entry).to.include({ kind: 'route', route: '/echo', ok: true, status: 200 });
    expect(entry).not.to.have.property('error');
    expect(entry.at).to.be.within(before, Date.now());
    expect(entry.latencyMs).to.be.a('number').and.at.least(0).and.below(5000);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal(['GET /echo']);
  });

  it('reads a 503 as not ok and keeps the status', async () => {
    const { checker } = await proxy(() => ({ status: 503, json: { message: 'failure to get a peer from the ring-balancer' } }));
    const entry = await checker.check({ route: '/echo', path: '/echo' });
    expect(entry).to.include({ route: '/echo', ok: false, status: 503 });
    expect(entry).not.to.have.property('error');
  });

  it('reads Kong\'s 404 "no Route matched" as not ok for a route expected to answer 200', async () => {
    const { checker } = await proxy(() => ({ status: 404, json: { message: 'no Route matched with those values' } }));
    expect(await checker.check({ route: '/echo', path: '/echo' })).to.include({ ok: false, status: 404 });
  });

  it('honours expectStatus: the expected status is ok and anything else, even 200, is not', async () => {
    const { checker } = await proxy((req) => (req.path === '/gone' ? { status: 404 } : { status: 200 }));
    expect(await checker.check({ route: 'gone', path: '/gone', expectStatus: 404 })).to.include({ ok: true, status: 404 });
    expect(await checker.check({ route: 'still', path: '/still', expectStatus: 404 })).to.include({ ok: false, status: 200 });
  });

  it('sends the probe\'s Host header, and the proxy\'s own host when the probe has none', async () => {
    const { server, checker } = await proxy(() => ({ status: 200 }));
    await checker.check({ route: 'echo-host', path: '/echo?x=1', host: 'echo.chaos.example' });
    await checker.check({ route: 'plain', path: '/plain' });
    expect(server.requests[0]!.headers.host).to.equal('echo.chaos.example');
    expect(server.requests[0]!.url).to.equal('/echo?x=1');
    expect(server.requests[1]!.headers.host).to.equal(new URL(server.url).host);
  });

  it('classifies a closed port as connect-refused', async () => {
    const port = await closedPort();
    checker = new RouteChecker(`http://127.0.0.1:${port}`);
    const entry = await checker.check({ route: '/echo', path: '/echo' });
    expect(entry).to.include({ route: '/echo', ok: false, error: 'connect-refused' });
    expect(entry).not.to.have.property('status');
  });

  it('classifies a server that drops the connection as reset', async () => {
    const { checker } = await proxy(() => 'destroy');
    const entry = await checker.check({ route: '/echo', path: '/echo' });
    expect(entry).to.include({ ok: false, error: 'reset' });
    expect(entry).not.to.have.property('status');
  });

  describe('with a short route timeout', () => {
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env[TIMEOUT_ENV];
      process.env[TIMEOUT_ENV] = '300';
    });
    afterEach(() => {
      if (saved === undefined) delete process.env[TIMEOUT_ENV];
      else process.env[TIMEOUT_ENV] = saved;
    });

    it('classifies a server that never answers as timeout, after the configured deadline', async () => {
      const { checker } = await proxy(() => 'hang');
      const entry = await checker.check({ route: '/echo', path: '/echo' });
      expect(entry).to.include({ ok: false, error: 'timeout' });
      expect(entry.latencyMs).to.be.within(250, 3000);
    });
  });
});

/**
 * An HTTPS proxy as Kong serves one: the certificate of the SNI it holds for the server name the
 * client sends, else a default certificate of its own (Kong's, when no SNI matches).
 */
describe('probes/route RouteChecker over HTTPS (real openssl, loopback)', function () {
  this.timeout(30_000);
  const HOST = 'sni.chaos.test';
  let ca: KeyPair;
  let server: Server;
  let url: string;
  let checker: RouteChecker | undefined;

  before(async () => {
    ca = await certificate({ commonName: 'kong-chaos-tls-ca', usage: 'ca' });
    const leaf = await certificate({ commonName: HOST, dnsNames: [HOST], usage: 'server', issuer: ca });
    const fallback = await certificate({ commonName: 'localhost', dnsNames: ['localhost'], usage: 'server' });
    const forHost = createSecureContext({ cert: leaf.cert, key: leaf.key });
    server = createServer({ cert: fallback.cert, key: fallback.key, SNICallback: (name, cb) => cb(null, name === HOST ? forHost : undefined) }, (req, res) => {
      res.writeHead(req.headers.host === HOST ? 200 : 404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  afterEach(async () => {
    await checker?.close();
    checker = undefined;
  });

  it('sends the host as the server name and verifies the served certificate against the trusted CA', async () => {
    checker = new RouteChecker(url);
    await checker.trust(ca.cert);
    expect(await checker.check({ route: 'tls', path: '/tls-echo', host: HOST, tls: true })).to.include({ ok: true, status: 200 });
  });

  it('fails a certificate it cannot verify: before the CA is trusted, and Kong\'s default certificate for a host it holds no SNI for', async () => {
    checker = new RouteChecker(url);
    const untrusted = await checker.check({ route: 'tls', path: '/tls-echo', host: HOST, tls: true });
    expect(untrusted).to.include({ ok: false, error: 'tls' });
    await checker.trust(ca.cert);
    const otherHost = await checker.check({ route: 'tls', path: '/tls-echo', host: 'other.chaos.test', tls: true });
    expect(otherHost).to.include({ ok: false, error: 'tls' });
    expect(otherHost).not.to.have.property('status');
  });
});

describe('probes/route errorClass', () => {
  const cases: [unknown, string][] = [
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'connect-refused'],
    [new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), 'connect-refused'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'reset'],
    [Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), 'reset'],
    [Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timeout'],
    [Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), 'timeout'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    [Object.assign(new Error('getaddrinfo ENOTFOUND kong'), { code: 'ENOTFOUND' }), 'dns'],
    [Object.assign(new Error('weird'), { code: 'EPROTO' }), 'error:EPROTO'],
    [new Error('no code at all'), 'error:no code at all'],
  ];
  for (const [error, expected] of cases) {
    it(`classifies ${(error as Error).name} ${(error as { code?: unknown }).code ?? (error as Error).message} as ${expected}`, () => {
      expect(errorClass(error)).to.equal(expected);
    });
  }
});
