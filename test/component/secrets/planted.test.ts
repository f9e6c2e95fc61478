/**
 * Known secrets planted where a run meets them, then every file the run wrote (and what it
 * printed) grepped for each. Two runs: the real CLI on an existing cluster (the fake API) in
 * DB-less mode, where the harness knows no secret values and must redact Admin API entities by
 * field; and the evidence and diagnostics pieces of a run wired as runOne wires them, with the
 * secrets a DB-mode install registers (a Postgres password, an Admin API token) showing up in
 * logs, Events, `kubectl describe` and Admin API answers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { scenarioById } from '../../../scenarios/index.ts';
import { NODE_PORTS } from '../../../harness/cluster/kind-config.ts';
import { BundleWriter, readBundle } from '../../../harness/evidence/bundle.ts';
import { Redactor } from '../../../harness/evidence/redact.ts';
import { connect } from '../../../harness/k8s/client.ts';
import { AdminClient } from '../../../harness/kong/admin.ts';
import { componentNames, KONG_NAMESPACE } from '../../../harness/kong/names.ts';
import { EvidenceStreams } from '../../../harness/probes/streams.ts';
import { collectDiagnostics } from '../../../harness/runner/diagnostics.ts';
import { reportBundle } from '../../../harness/runner/report.ts';
import { StubWorld, until } from '../../support/stub-world.ts';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Where each planted secret shows up: file paths (relative to `dir`) or the console streams. */
function leaks(dir: string, secrets: Record<string, string>, console: Record<string, string> = {}): string[] {
  const found: string[] = [];
  const texts = [...filesUnder(dir).map((f) => [f.slice(dir.length + 1), readFileSync(f, 'latin1')] as const), ...Object.entries(console)];
  for (const [where, text] of texts) {
    for (const [what, secret] of Object.entries(secrets)) if (text.includes(secret)) found.push(`${what} in ${where}`);
  }
  return found;
}

/** An Admin API that answers the diagnostics dump's paths from `entities`; `/status` is healthy. */
async function adminApi(port: number, entities: Record<string, unknown[]>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = path === '/status' ? { server: { connections_active: 1 } } : { data: entities[path] ?? [], next: null };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

const closeServer = (s: Server) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });

/** Kong entities whose credential fields hold the given values, as a real Admin API returns them. */
function entitiesHolding(v: Record<'password' | 'secret' | 'key' | 'credential' | 'tlsKey' | 'tlsKeyAlt' | 'clientSecret', string>): Record<string, unknown[]> {
  return {
    '/plugins': [
      { id: 'p1', name: 'ldap-auth', config: { ldap_host: 'ldap.example', ldap_password: v.password, hide_credentials: true } },
      { id: 'p2', name: 'session', config: { secret: v.secret, cookie_name: 'session' } },
      { id: 'p3', name: 'openid-connect', config: { client_id: ['kong'], client_secret: [v.clientSecret], redis: { password: v.password } } },
    ],
    '/consumers': [{ id: 'c1', username: 'alice', credentials: [{ key: v.key }, { password: v.password }], basicauth_credentials: [v.credential] }],
    '/certificates': [{ id: 'cert1', cert: '-----BEGIN CERTIFICATE-----', key: v.tlsKey, cert_alt: '-----BEGIN CERTIFICATE-----', key_alt: v.tlsKeyAlt }],
  };
}

describe('secrets planted in a run never reach its outputs', function () {
  this.timeout(30_000);
  let world: StubWorld;
  let out: string;

  beforeEach(async () => {
    world = await StubWorld.start();
    out = await mkdtemp(join(tmpdir(), 'kong-chaos-secrets-'));
  });

  afterEach(async () => {
    await world.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('the CLI on an existing cluster redacts credential fields of the Admin API dump everywhere', async () => {
    const planted = {
      password: 'planted-ldap-pw-5e1b07',
      secret: 'planted-session-secret-9c4d21',
      key: 'planted-keyauth-key-31f8aa',
      credential: 'planted-basicauth-cred-77e0c3',
      tlsKey: 'planted-tls-key-PRIVATE-0b6e',
      tlsKeyAlt: 'planted-tls-key-alt-PRIVATE-d41f',
      clientSecret: 'planted-oidc-client-secret-2a9e',
    };
    // --kubeconfig runs reach the Admin API at the first node's InternalIP on its NodePort
    const admin = await adminApi(NODE_PORTS.admin, entitiesHolding(planted)).catch((error: Error) => {
      throw new Error(`this test needs 127.0.0.1:${NODE_PORTS.admin} free for the fake Admin API: ${error.message}`);
    });
    try {
      world.api.upsert({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } });
      const run = world.spawnCli(
        ['run', 'gateway-listener-stuck', '--kic', '3.4.4', '--traffic-rate', '0', '--kubeconfig', world.kubeconfig, '--out', out],
        // nothing answers on the proxy NodePort: the run is inconclusive after 1 s and collects diagnostics
        { KONG_CHAOS_TIMEOUT_STEADY_STATE: '1000' },
      );
      expect(await run.exited, run.stderr).to.equal(1);
      const dump = readFileSync(join(readdirSync(out).map((d) => join(out, d)).find((d) => statSync(d).isDirectory())!, 'diagnostics', 'admin-api.json'), 'utf8');
      expect(dump, 'the dump has the entities, minus their secrets').to.include('ldap.example').and.include('"username": "alice"');
      expect(leaks(out, planted, { stdout: run.stdout, stderr: run.stderr })).to.deep.equal([]);
    } finally {
      await closeServer(admin);
    }
  });

  it('secrets a run registers are redacted from logs, Events, describe output, the Admin API dump and the report', async () => {
    const planted = { postgresPassword: 'planted-pg-password-c0ffee42', adminToken: 'planted-admin-token-b16b00b5' };
    const runDir = join(out, 'run');
    // as runOne: the install registers the Postgres password; an Admin API token would be registered alike
    const redactor = new Redactor().add(planted.postgresPassword, planted.adminToken);
    const scenario = scenarioById('gateway-listener-stuck');
    const bundle = new BundleWriter(runDir, { kind: 'run', at: Date.now(), runId: 'planted', scenario: scenario.id, target: { k8s: '1.33', kic: '3.4.4', gateway: '3.9', mode: 'postgres', topology: 'split', featureGates: [] }, harness: 'test' }, redactor);

    const names = componentNames('split');
    const now = () => new Date().toISOString();
    for (const [component, pod] of [['controller', 'kong-controller-abc'], ['gateway', 'kong-gateway-abc']] as const) {
      const n = names[component];
      const labels = Object.fromEntries(n.selector.split(',').map((kv) => kv.split('=') as [string, string]));
      world.api.upsert({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace: KONG_NAMESPACE, labels }, status: { containerStatuses: [{ name: n.container, state: { running: {} } }] } });
      await world.api.appendLog(KONG_NAMESPACE, pod, n.container, [
        `${now()} error connecting to postgres://kong:${planted.postgresPassword}@db:5432/kong`,
        `${now()} {"level":"error","msg":"admin API call failed","kong-admin-token":"${planted.adminToken}"}`,
      ]);
    }
    const event = (name: string, message: string) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: KONG_NAMESPACE },
      involvedObject: { kind: 'Pod', name: 'kong-gateway-abc', namespace: KONG_NAMESPACE },
      reason: 'Failed',
      type: 'Warning',
      message,
      count: 1,
      lastTimestamp: now(),
    });
    world.api.upsert(event('pg', `Error: KONG_PG_PASSWORD=${planted.postgresPassword} rejected`));
    await world.describeOutput(`Name: kong-gateway-abc\n  Environment:\n    KONG_PG_PASSWORD:  ${planted.postgresPassword}\n    KONG_ADMIN_TOKEN:  ${planted.adminToken}\n`);
    await world.eventsOutput({ items: [event('pg', `password ${planted.postgresPassword}`), event('tok', `token ${planted.adminToken}`)] });
    // values in fields that are not credential fields by name: only the registered value gives them away
    const admin = await adminApi(0, { '/services': [{ id: 's1', name: 'db', url: `postgres://kong:${planted.postgresPassword}@db` }], '/routes': [{ id: 'r1', name: 'echo', headers: { 'kong-admin-token': [planted.adminToken] } }] });
    const adminClient = new AdminClient(`http://127.0.0.1:${(admin.address() as AddressInfo).port}`);
    try {
      const kube = connect({ kubeconfigPath: world.kubeconfig });
      const streams = new EvidenceStreams(kube, (o) => bundle.append(o), KONG_NAMESPACE, names);
      streams.start([KONG_NAMESPACE]);
      // the secrets reached the timeline (redacted): both containers' lines and the Event
      await until(() => bundle.entries.filter((e) => e.kind === 'log').length >= 4 && bundle.entries.some((e) => e.kind === 'event'), 'logs and the Event on the timeline', 10_000);
      await streams.close();

      const cluster = { name: 'existing', kubeconfigPath: world.kubeconfig, proxyUrl: 'http://127.0.0.1:1', adminUrl: adminClient.toString(), owned: false };
      const problems = await collectDiagnostics({ dir: runDir, cluster, namespaces: [KONG_NAMESPACE], admin: adminClient, redactor });
      expect(problems).to.deep.equal([]);
      reportBundle(runDir, readBundle(runDir), scenario);
      bundle.close();
    } finally {
      await adminClient.close();
      await closeServer(admin);
    }
    const files = filesUnder(runDir).map((f) => f.slice(runDir.length + 1)).sort();
    expect(files).to.include.members(['evidence.jsonl', 'report.html', 'diagnostics/describe-kong.txt', 'diagnostics/events-kong.json', 'diagnostics/admin-api.json']);
    expect(readFileSync(join(runDir, 'evidence.jsonl'), 'utf8'), 'log lines kept, secret cut out').to.include('postgres://kong:[redacted]@db');
    expect(leaks(runDir, planted)).to.deep.equal([]);
  });
});
