import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { Observation, PodConfigEntry } from '../../../harness/evidence/types.ts';
import { podStandings } from '../../../harness/judge/convergence.ts';
import { judge } from '../../../harness/judge/outcome.ts';
import { GatewayPodProbe, type GatewayPod, type KicInstance } from '../../../harness/probes/convergence.ts';
import type { RouteProbe } from '../../../harness/runner/scenario.ts';
import { closedPort, startKongAdminServer, type Answer, type KongAdminServer, type RecordedRequest } from '../../support/kong-admin-server.ts';

// Kong's configuration_hash is the MD5 hex of the body it accepted (kong/db/declarative/init.lua@3.9.3)
const md5 = (body: string) => createHash('md5').update(body).digest('hex');
const NEW = md5('{"_format_version":"3.0","services":[{"name":"echo","routes":[{"paths":["/echo"]}]}]}');
const OLD = md5('{"_format_version":"3.0","services":[]}');

const ROUTES: RouteProbe[] = [
  { route: '/echo', path: '/echo', expectStatus: 200 },
  { route: '/auth', path: '/auth', expectStatus: 401 },
];

/**
 * A gateway pod as Kong answers: `GET /status` as in DB-less mode (configuration_hash, no
 * database; kong/api/routes/health.lua@3.9.3) or, without a hash, as in DB mode; the proxy
 * serves the routes its configuration holds and 404 "no Route matched" for the rest.
 */
interface PodPlay {
  hash: string | undefined;
  routes: Record<string, number>;
}

function kongPod(play: () => PodPlay): (req: RecordedRequest) => Answer {
  return (req) => {
    const { hash, routes } = play();
    if (req.path === '/status') {
      const base = { memory: { workers_lua_vms: [{ http_allocated_gc: '43.89 MiB', pid: 1270 }] }, server: { connections_active: 2, total_requests: 9, connections_handled: 9 } };
      return { status: 200, json: hash === undefined ? { ...base, database: { reachable: true } } : { ...base, configuration_hash: hash } };
    }
    const status = routes[req.path];
    return status === undefined ? { status: 404, json: { message: 'no Route matched with those values' } } : { status, json: {} };
  };
}

const SERVED = { '/echo': 200, '/auth': 401 };

describe('probes/convergence GatewayPodProbe against local servers playing gateway pods', () => {
  const servers: KongAdminServer[] = [];
  let probe: GatewayPodProbe | undefined;
  const start = async (handler: (req: RecordedRequest) => Answer) => {
    const server = await startKongAdminServer(handler);
    servers.push(server);
    return server;
  };
  const reach = (pod: string, server: KongAdminServer): GatewayPod => ({ pod, ready: true, urls: { status: server.url, proxy: server.url } });
  afterEach(async () => {
    await probe?.close();
    probe = undefined;
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('reads each pod\'s own hash and routes, sees the pod with the other hash diverge, then converge', async () => {
    let caughtUp = false;
    const a = await start(kongPod(() => ({ hash: NEW, routes: SERVED })));
    const b = await start(kongPod(() => (caughtUp ? { hash: NEW, routes: SERVED } : { hash: OLD, routes: {} })));
    probe = new GatewayPodProbe({ locate: async () => ({ gateways: [reach('kong-a', a), reach('kong-b', b)], controllers: [] }) }, ROUTES, false);

    const rounds: Observation[][] = [];
    for (let i = 0; i < 6; i += 1) {
      if (i === 3) caughtUp = true;
      rounds.push(await probe.round());
      await new Promise((r) => setTimeout(r, 60));
    }

    const first = rounds[0] as PodConfigEntry[];
    expect(first.map((e) => [e.pod, e.configHash, e.routes.map((r) => `${r.route} ${r.status}`)])).to.deep.equal([
      ['kong-a', NEW, ['/echo 200', '/auth 401']],
      ['kong-b', OLD, ['/echo 404', '/auth 404']],
    ]);
    expect(new Set(first.map((e) => e.at)).size, 'one round shares one time').to.equal(1);
    expect(b.requests.slice(0, 3).map((r) => r.path)).to.have.members(['/status', '/echo', '/auth']);
    expect(podStandings(rounds.flat()).map((round) => round.map((p) => p.state).join(' '))).to.deep.equal([
      'agrees diverged',
      'agrees diverged',
      'agrees diverged',
      'agrees agrees',
      'agrees agrees',
      'agrees agrees',
    ]);

    // judged as a run: both agree at the steady state, kong-b behind after the fault until it caught up
    const at = (i: number) => rounds[i]![0]!.at;
    const healthy = (pod: string): PodConfigEntry => ({ kind: 'pod-config', at: at(0) - 50, pod, ready: true, configHash: NEW, routes: first[0]!.routes });
    const steady = [healthy('kong-a'), healthy('kong-b')];
    const observations: Observation[] = [
      { kind: 'step', at: at(0) - 60, phase: 'steady-state', state: 'end' },
      ...steady,
      { kind: 'step', at: at(0) - 40, phase: 'fault', state: 'start' },
      { kind: 'step', at: at(0) - 30, phase: 'fault', state: 'end' },
      ...rounds.flat(),
      { kind: 'step', at: at(5) + 1, phase: 'observe', state: 'end' },
    ];
    const j = judge([{ id: 'pods-diverged', kind: 'convergence', description: 'gateway pods diverge', persistMs: 50 }], observations);
    expect(j.outcome, j.reason).to.equal('recovered');
    expect(j.symptoms.map((s) => s.subject)).to.deep.equal(['pod/kong-b']);
    expect(j.symptoms[0]!.clearedAt).to.equal(at(3));
  });

  it('compares what DB-mode pods serve, since their /status carries no hash', async () => {
    const a = await start(kongPod(() => ({ hash: undefined, routes: SERVED })));
    const b = await start(kongPod(() => ({ hash: undefined, routes: { '/auth': 401 } })));
    probe = new GatewayPodProbe({ locate: async () => ({ gateways: [reach('kong-a', a), reach('kong-b', b)], controllers: [] }) }, ROUTES, false);

    const round = (await probe.round()) as PodConfigEntry[];
    expect(round.map((e) => e.configHash)).to.deep.equal([undefined, undefined]);
    expect(podStandings(round)[0]!.map((p) => p.why)).to.deep.equal(['kong-a answers like the other pods', 'kong-b answers /echo with 404 while kong-a serves it']);
  });

  it('sends nothing to a pod that is not Ready, and records a pod it cannot reach as unread', async () => {
    const a = await start(kongPod(() => ({ hash: NEW, routes: SERVED })));
    const gone = `http://127.0.0.1:${await closedPort()}`;
    probe = new GatewayPodProbe(
      { locate: async () => ({ gateways: [reach('kong-a', a), { pod: 'kong-new', ready: false }, { pod: 'kong-lost', ready: true, urls: { status: gone, proxy: gone } }], controllers: [] }) },
      ROUTES,
      false,
    );

    const round = (await probe.round()) as PodConfigEntry[];
    expect(round[1]).to.deep.include({ pod: 'kong-new', ready: false, routes: [] });
    expect(round[2]).to.deep.include({ pod: 'kong-lost', ready: true, routes: [], error: 'GET /status: connect-refused' });
    expect(podStandings(round)[0]!.map((p) => p.state)).to.deep.equal(['agrees', 'not-serving', 'unread']);
  });

  it('reads what KIC last pushed from its diagnostics server: nothing before the first push, then a printable fingerprint, never the config', async () => {
    let pushed = false;
    // KIC's hash is its raw SHA-256 as a Go string, which encoding/json coerces to UTF-8 (kong_client.go@v3.5.13)
    const raw = createHash('sha256').update('{"services":[]}').digest();
    const asGoJson = raw.toString('utf8');
    const kic = await start((req) => {
      if (req.path !== '/debug/config/successful') return { status: 404, text: '404 page not found\n' };
      if (!pushed) return { status: 204 };
      return { status: 200, json: { hash: asGoJson, config: { _format_version: '3.0', consumers: [{ username: 'gate-consumer', keyauth_credentials: [{ key: 'planted-secret-key' }] }] } } };
    });
    const gateway = await start(kongPod(() => ({ hash: NEW, routes: SERVED })));
    const controllers: KicInstance[] = [{ pod: 'kong-controller-0', diagnosticsUrl: kic.url }];
    probe = new GatewayPodProbe({ locate: async () => ({ gateways: [reach('kong-a', gateway)], controllers }) }, ROUTES, true);

    const before = (await probe.round()).find((o) => o.kind === 'kic-push');
    pushed = true;
    const after = (await probe.round()).find((o) => o.kind === 'kic-push');

    expect(before).to.deep.include({ kind: 'kic-push', pod: 'kong-controller-0' }).and.not.have.property('hash');
    expect(after).to.deep.include({ kind: 'kic-push', pod: 'kong-controller-0', hash: Buffer.from(asGoJson, 'utf8').toString('hex') });
    expect(JSON.stringify(after)).not.to.contain('planted-secret-key');
    expect(kic.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['GET /debug/config/successful', 'GET /debug/config/successful']);
  });

  it('does not read KIC unless asked: its diagnostics server runs only with --dump-config', async () => {
    const kic = await start(() => ({ status: 204 }));
    const gateway = await start(kongPod(() => ({ hash: NEW, routes: SERVED })));
    probe = new GatewayPodProbe({ locate: async () => ({ gateways: [reach('kong-a', gateway)], controllers: [{ pod: 'kong-controller-0', diagnosticsUrl: kic.url }] }) }, ROUTES, false);

    expect((await probe.round()).map((o) => o.kind)).to.deep.equal(['pod-config']);
    expect(kic.requests).to.deep.equal([]);
  });
});

