import { expect } from 'chai';
import { EnvironmentError } from '../../../harness/errors.ts';
import { AdminApiError, AdminClient } from '../../../harness/kong/admin.ts';
import { closedPort, startKongAdminServer, type Answer, type KongAdminServer, type RecordedRequest } from '../../support/kong-admin-server.ts';

const TOKEN = 'kc-admin-token-7f3a9b';
const UNIQUE_VIOLATION = {
  code: 5,
  name: 'unique constraint violation',
  message: 'UNIQUE violation detected on \'{consumer=null,service=null,route=null,name="correlation-id"}\'',
  fields: { name: 'correlation-id', consumer: null, route: null, service: null },
};

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

describe('kong/admin AdminClient against a local Admin API', () => {
  let server: KongAdminServer | undefined;
  let client: AdminClient | undefined;
  const serve = async (handler: (req: RecordedRequest) => Answer, token?: string, timeoutMs?: number) => {
    server = await startKongAdminServer(handler);
    client = new AdminClient(server.url, token, timeoutMs);
    return { server, client };
  };
  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  it('follows Kong\'s next links across three pages and returns every entity in order', async () => {
    const pages: Record<string, { data: unknown[]; next: string | null }> = {
      '': { data: [{ id: 'p1', name: 'cors' }, { id: 'p2', name: 'acl' }], next: '/plugins?offset=b2Zmc2V0MQ&size=1000' },
      b2Zmc2V0MQ: { data: [{ id: 'p3', name: 'key-auth' }], next: '/plugins?offset=b2Zmc2V0Mg&size=1000' },
      b2Zmc2V0Mg: { data: [{ id: 'p4', name: 'correlation-id' }], next: null },
    };
    const { server, client } = await serve((req) => {
      const page = req.path === '/plugins' ? pages[req.query.get('offset') ?? ''] : undefined;
      return page ? { status: 200, json: page } : { status: 404, json: { message: 'Not found' } };
    });

    const plugins = await client.listPlugins();

    expect(plugins.map((p) => p.id)).to.deep.equal(['p1', 'p2', 'p3', 'p4']);
    expect(server.requests.map((r) => [r.method, r.path, r.query.get('offset'), r.query.get('size')])).to.deep.equal([
      ['GET', '/plugins', null, '1000'],
      ['GET', '/plugins', 'b2Zmc2V0MQ', '1000'],
      ['GET', '/plugins', 'b2Zmc2V0Mg', '1000'],
    ]);
  });

  it('stops on a page without a next field', async () => {
    const { server, client } = await serve(() => ({ status: 200, json: { data: [{ id: 't1', target: '10.0.0.1:8080', upstream: { id: 'u' } }] } }));
    const targets = await client.listTargets('echo.chaos-plugins.8080.svc');
    expect(targets.map((t) => t.target)).to.deep.equal(['10.0.0.1:8080']);
    expect(server.requests).to.have.length(1);
    expect(server.requests[0]!.path).to.equal('/upstreams/echo.chaos-plugins.8080.svc/targets');
  });

  it('adds size to a list path that already has a query', async () => {
    const { server, client } = await serve(() => ({ status: 200, json: { data: [], next: null } }));
    await client.list('/plugins?tags=managed-by-ingress-controller');
    expect(server.requests[0]!.query.get('tags')).to.equal('managed-by-ingress-controller');
    expect(server.requests[0]!.query.get('size')).to.equal('1000');
  });

  it('createPlugin POSTs the body as JSON to <scope>/plugins and returns what Kong created', async () => {
    const { server, client } = await serve((req) =>
      req.method === 'POST' ? { status: 201, json: { id: 'a1b2c3', created_at: 1732350000, ...(JSON.parse(req.body) as object), enabled: true } } : { status: 405 },
    );
    const body = { name: 'response-transformer', config: { add: { headers: ['x-chaos:1'] } }, tags: ['kong-chaos'] };

    const created = await client.createPlugin('/services/svc-1', body);

    expect(created.id).to.equal('a1b2c3');
    expect(created.enabled).to.equal(true);
    const [req] = server.requests;
    expect(req!.method).to.equal('POST');
    expect(req!.path).to.equal('/services/svc-1/plugins');
    expect(req!.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(req!.body)).to.deep.equal(body);
  });

  it('createPlugin with an empty scope creates a global plugin at /plugins', async () => {
    const { server, client } = await serve(() => ({ status: 201, json: { id: 'g1', name: 'correlation-id' } }));
    await client.createPlugin('', { name: 'correlation-id' });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['POST /plugins']);
  });

  it('deletePlugin sends DELETE /plugins/<id> and accepts Kong\'s empty 204', async () => {
    const { server, client } = await serve(() => ({ status: 204 }));
    await client.deletePlugin('9f1c/../x');
    expect(server.requests.map((r) => [r.method, r.url, r.body])).to.deep.equal([['DELETE', '/plugins/9f1c%2F..%2Fx', '']]);
  });

  it('turns a 409 unique constraint violation into an AdminApiError with the status and Kong\'s body', async () => {
    const { client } = await serve(() => ({ status: 409, json: UNIQUE_VIOLATION }));

    const error = await rejection(client.createPlugin('', { name: 'correlation-id' }));

    expect(error).to.be.instanceOf(AdminApiError).and.instanceOf(EnvironmentError);
    const e = error as AdminApiError;
    expect(e.status).to.equal(409);
    expect(e.method).to.equal('POST');
    expect(e.path).to.equal('/plugins');
    expect(JSON.parse(e.body)).to.deep.equal(UNIQUE_VIOLATION);
    expect(e.message).to.match(/^Admin API POST \/plugins answered 409: /).and.include('UNIQUE violation detected');
  });

  it('a 404 on delete is an AdminApiError too, not a silent success', async () => {
    const { client } = await serve(() => ({ status: 404, json: { message: 'Not found' } }));
    const error = await rejection(client.deletePlugin('gone'));
    expect(error).to.be.instanceOf(AdminApiError).with.property('status', 404);
  });

  it('sends the token as the kong-admin-token header on every request', async () => {
    const { server, client } = await serve((req) =>
      req.path === '/status' ? { status: 200, json: { database: { reachable: true } } } : { status: 200, json: { data: [], next: null } },
      TOKEN,
    );
    expect(await client.status()).to.deep.equal({ database: { reachable: true } });
    await client.listPlugins();
    expect(server.requests.map((r) => r.headers['kong-admin-token'])).to.deep.equal([TOKEN, TOKEN]);
    expect(server.requests.map((r) => r.headers['accept'])).to.deep.equal(['application/json', 'application/json']);
  });

  it('sends no token header when it has no token', async () => {
    const { server, client } = await serve(() => ({ status: 200, json: {} }));
    await client.status();
    expect(server.requests[0]!.headers).not.to.have.property('kong-admin-token');
  });

  it('never puts the token into an error message: not on a 401, not on a timeout, not on a refused connection', async () => {
    const { client } = await serve((req) => (req.path === '/hang' ? 'hang' : { status: 401, json: { message: 'Invalid credentials. Token or User credentials required' } }), TOKEN, 200);
    const unauthorized = await rejection(client.status());
    expect(unauthorized).to.be.instanceOf(AdminApiError).with.property('status', 401);
    const timedOut = await rejection(client.list('/hang'));
    const refusedClient = new AdminClient(`http://127.0.0.1:${await closedPort()}`, TOKEN, 1000);
    const refused = await rejection(refusedClient.status()).finally(() => refusedClient.close());
    for (const e of [unauthorized, timedOut, refused]) {
      expect(e.message).not.to.include(TOKEN);
      expect(String(e.stack)).not.to.include(TOKEN);
    }
    expect(refused).to.be.instanceOf(EnvironmentError);
  });

  it('gives up on a server that never answers after its timeout, with an EnvironmentError naming the request', async () => {
    const { server, client } = await serve(() => 'hang', undefined, 250);
    const started = Date.now();
    const error = await rejection(client.status());
    const elapsed = Date.now() - started;
    expect(error).to.be.instanceOf(EnvironmentError).and.not.instanceOf(AdminApiError);
    expect(error.message).to.match(/^Admin API GET \/status failed: /);
    expect(elapsed).to.be.within(200, 3000);
    expect(server.requests).to.have.length(1);
  });
});
