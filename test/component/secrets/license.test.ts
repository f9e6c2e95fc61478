/**
 * A Kong Gateway Enterprise license planted in the environment, then every output grepped for
 * it: `plan` (text and JSON), and a real `run` of a licensed target on an existing cluster (the
 * fake API) whose gateway logs, Events and `kubectl describe` repeat the license, as a careless
 * entrypoint or a debug log would. The license must reach the cluster only in its Secret.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { componentNames, KONG_NAMESPACE, LICENSE_SECRET } from '../../../harness/kong/names.ts';
import { StubWorld } from '../../support/stub-world.ts';

// shaped like a real license: JSON with a payload and a signature; the marker makes a leak easy to name
const LICENSE = JSON.stringify({ license: { payload: { customer: 'Planted Co', license_key: 'planted-license-key-6f3a9c', product_subscription: 'Kong Enterprise Edition' }, signature: 'planted-signature-0d5e77b1', version: '1' } });
const PIECES = { whole: LICENSE, key: 'planted-license-key-6f3a9c', signature: 'planted-signature-0d5e77b1', escaped: JSON.stringify(LICENSE).slice(1, -1) };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Where the license (whole, JSON-escaped, or its key or signature) shows up. */
function leaks(texts: Record<string, string>): string[] {
  return Object.entries(texts).flatMap(([where, text]) => Object.entries(PIECES).filter(([, piece]) => text.includes(piece)).map(([what]) => `${what} in ${where}`));
}

describe('a planted Kong Gateway Enterprise license reaches no output', function () {
  this.timeout(30_000);
  let world: StubWorld;
  let out: string;

  beforeEach(async () => {
    world = await StubWorld.start();
    out = await mkdtemp(join(tmpdir(), 'kong-chaos-license-'));
  });

  afterEach(async () => {
    await world.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('plan names the license Secret, never the license', async () => {
    for (const args of [[], ['--json'], ['--topology', 'split', '--json']]) {
      const plan = world.spawnCli(['plan', 'gateway-listener-stuck', '--gateway', '3.14', ...args], { KONG_LICENSE_DATA: LICENSE });
      expect(await plan.exited, plan.stderr).to.equal(0);
      expect(plan.stdout).to.include(LICENSE_SECRET).and.include('kong/kong-gateway');
      expect(leaks({ stdout: plan.stdout, stderr: plan.stderr })).to.deep.equal([]);
    }
  });

  it('run puts it into the Secret only, and redacts it from logs, Events, describe output, values, evidence, JUnit and the report', async () => {
    world.api.upsert({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } });
    const names = componentNames('split');
    const labels = Object.fromEntries(names.gateway.selector.split(',').map((kv) => kv.split('=') as [string, string]));
    world.api.upsert({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kong-gateway-abc', namespace: KONG_NAMESPACE, labels }, status: { containerStatuses: [{ name: names.gateway.container, state: { running: {} } }] } });
    await world.api.appendLog(KONG_NAMESPACE, 'kong-gateway-abc', names.gateway.container, [
      `${new Date().toISOString()} [warn] license data: ${LICENSE}`,
      `${new Date().toISOString()} {"level":"debug","msg":"env","KONG_LICENSE_DATA":${JSON.stringify(LICENSE)}}`,
    ]);
    const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'lic', namespace: KONG_NAMESPACE }, involvedObject: { kind: 'Pod', name: 'kong-gateway-abc', namespace: KONG_NAMESPACE }, reason: 'Failed', type: 'Warning', message: `bad license ${LICENSE}`, count: 1, lastTimestamp: new Date().toISOString() };
    world.api.upsert(event);
    await world.eventsOutput({ items: [event] });
    await world.describeOutput(`Name: kong-gateway-abc\n  Environment:\n    KONG_LICENSE_DATA:  ${LICENSE}\n`);

    const run = world.spawnCli(
      ['run', 'gateway-listener-stuck', '--gateway', '3.14', '--traffic-rate', '0', '--diagnostics', '--kubeconfig', world.kubeconfig, '--out', out],
      { KONG_LICENSE_DATA: LICENSE, KONG_CHAOS_TIMEOUT_STEADY_STATE: '1000' },
    );
    expect(await run.exited, run.stderr).to.be.oneOf([0, 1]);

    // the license reached the cluster, in the Secret the chart reads
    const secret = world.api.getStored('v1', 'Secret', KONG_NAMESPACE, LICENSE_SECRET) as { stringData?: Record<string, string>; data?: Record<string, string> } | undefined;
    const stored = secret?.stringData?.['license'] ?? Buffer.from(secret?.data?.['license'] ?? '', 'base64').toString();
    expect(stored, 'the license Secret').to.equal(LICENSE);
    // helm got the Secret's name in a values file, never the license in values or argv
    const helmCalls = (await world.stubs.calls()).filter((c) => c.tool === 'helm').map((c) => c.args.join(' '));
    expect(helmCalls.some((c) => c.includes('upgrade')), helmCalls.join('\n')).to.equal(true);

    const files = filesUnder(out);
    const values = files.filter((f) => f.endsWith('.values.json'));
    expect(values, 'values files').to.have.length.above(0);
    expect(values.map((f) => readFileSync(f, 'utf8')).join('\n')).to.include(`"license_secret": "${LICENSE_SECRET}"`);
    expect(files.map((f) => f.slice(out.length + 1))).to.include.members(['junit.xml', 'summary.json']);
    const evidence = files.find((f) => f.endsWith('evidence.jsonl'))!;
    expect(readFileSync(evidence, 'utf8'), 'the planted Event made it to the timeline, license cut out').to.include('bad license [redacted]');
    const describe = files.find((f) => f.endsWith('describe-kong.txt'))!;
    expect(readFileSync(describe, 'utf8'), 'diagnostics kept the describe output, license cut out').to.include('KONG_LICENSE_DATA:  [redacted]');
    const texts = Object.fromEntries([...files.map((f) => [f.slice(out.length + 1), readFileSync(f, 'latin1')]), ['stdout', run.stdout], ['stderr', run.stderr], ['helm argv', helmCalls.join('\n')]]);
    expect(leaks(texts)).to.deep.equal([]);
  });

  it('a scenario that runs kong/kong-gateway unlicensed on purpose installs no license, though KONG_LICENSE_DATA holds one', async () => {
    world.api.upsert({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } });
    const plan = world.spawnCli(['plan', 'unlicensed-gateway', '--json'], { KONG_LICENSE_DATA: LICENSE });
    expect(await plan.exited, plan.stderr).to.equal(0);
    expect(plan.stdout).to.include('kong/kong-gateway').and.not.include(LICENSE_SECRET);

    const run = world.spawnCli(['run', 'unlicensed-gateway', '--traffic-rate', '0', '--kubeconfig', world.kubeconfig, '--out', out], { KONG_LICENSE_DATA: LICENSE });
    // the install is over once the scenario's setup starts; its 240 s window is not this test's business
    await run.waitForStderr(/▶ setup/, 25_000);
    run.child.kill('SIGINT');
    await run.exited;

    expect(world.api.getStored('v1', 'Secret', KONG_NAMESPACE, LICENSE_SECRET), 'the license Secret').to.equal(undefined);
    const files = filesUnder(out);
    const values = files.filter((f) => f.endsWith('.values.json')).map((f) => readFileSync(f, 'utf8'));
    expect(values, 'values files').to.have.length.above(0);
    expect(values.join('\n')).to.include('"repository": "kong/kong-gateway"').and.not.include('license_secret');
    const helmCalls = (await world.stubs.calls()).filter((c) => c.tool === 'helm').map((c) => c.args.join(' '));
    const texts = Object.fromEntries([...files.map((f) => [f.slice(out.length + 1), readFileSync(f, 'latin1')]), ['stdout', run.stdout], ['stderr', run.stderr], ['helm argv', helmCalls.join('\n')]]);
    expect(leaks(texts)).to.deep.equal([]);
  });
});
