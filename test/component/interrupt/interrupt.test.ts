/**
 * The real CLI, interrupted at every phase of a run: the teardown it must do is read back from
 * what the stub tools recorded. gateway-listener-stuck in DB-less split mode needs no
 * containers, so kind, helm, kubectl and docker stubs plus a fake Kubernetes API are the world.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify as stringifyYaml } from 'yaml';
import { execa } from 'execa';
import { KONG_NAMESPACE } from '../../../harness/kong/names.ts';
import type { StubCall } from '../../support/stub-tools.ts';
import { alive, CLI, runDirIn, until, withStubWorld, type CliRun } from '../../support/stub-world.ts';

const RUN = ['run', 'gateway-listener-stuck', '--kic', '3.4.4', '--traffic-rate', '0'];
const isKindDelete = (c: StubCall) => c.tool === 'kind' && c.args[0] === 'delete' && c.args[1] === 'cluster';
const isKindCreate = (c: StubCall) => c.tool === 'kind' && c.args[0] === 'create';
/** how long a run may take to leave after Ctrl-C; every stub answers at once, so this is generous */
const PROMPT_MS = 8_000;
/** how long a whole run against the stubs may take, start to exit: only a bound against hanging */
const RUN_MS = 90_000;

describe('run: interrupted at every phase', function () {
  this.timeout(150_000);
  const t = withStubWorld('kong-chaos-interrupt-');

  function start(extra: string[] = [], env: Record<string, string> = {}): CliRun {
    t.run = t.world.spawnCli([...RUN, '--out', t.out, ...extra], env);
    return t.run;
  }

  async function exitWithin(r: CliRun, ms: number): Promise<number | null> {
    const timer = new Promise<'late'>((done) => setTimeout(() => done('late'), ms).unref());
    const code = await Promise.race([r.exited, timer]);
    if (code === 'late') throw new Error(`the CLI did not exit within ${ms} ms; stderr:\n${r.stderr}`);
    return code;
  }

  /** The cluster the run created, by the name it gave `kind create cluster`. */
  async function createdCluster(): Promise<string> {
    const create = (await t.world.stubs.calls()).find(isKindCreate);
    const name = create?.args[create.args.indexOf('--name') + 1];
    expect(name, 'kind create cluster --name').to.match(/^kc-\d{8}t\d{4}-[0-9a-f]{4}$/);
    return name!;
  }

  /** The teardown every interrupted run owes: its cluster deleted once, after the interrupt. */
  async function expectClusterDeletedOnceAfter(callsAtInterrupt: number): Promise<void> {
    const name = await createdCluster();
    const calls = await t.world.stubs.calls();
    const deletes = calls.filter(isKindDelete);
    expect(deletes.map((c) => c.args.join(' ')), 'kind delete cluster calls').to.have.lengthOf(1);
    expect(deletes[0]!.args.slice(2, 4)).to.deep.equal(['--name', name]);
    expect(calls.findIndex(isKindDelete), 'kind delete cluster came after the interrupt').to.be.at.least(callsAtInterrupt);
  }

  async function expectHungStubsGone(tool: string): Promise<void> {
    const hung = (await t.world.stubs.hung()).filter((h) => h.tool === tool);
    expect(hung, `a hung ${tool} call`).to.not.be.empty;
    // the child was signalled before the CLI exited; give the kernel a moment to reap it
    await until(() => hung.every((h) => !alive(h.pid)), `hung ${tool} pids ${hung.map((h) => h.pid).join(', ')} to be gone`, 3_000).catch(() => undefined);
    for (const h of hung) expect(alive(h.pid), `${tool} ${h.args.join(' ')} (pid ${h.pid}) still running`).to.equal(false);
  }

  /** The run directory keeps evidence `kong-chaos replay` reads, and no kubeconfig (the cluster's admin credentials). */
  async function expectEvidenceKept(): Promise<string> {
    const dir = await runDirIn(t.out);
    expect(existsSync(join(dir, 'evidence.jsonl')), 'evidence.jsonl').to.equal(true);
    expect(existsSync(join(dir, 'kubeconfig')), 'kubeconfig left in the run directory').to.equal(false);
    // an inconclusive run's verdict is `error`, which replay exits 1 for, as run does
    const { stdout, exitCode } = await execa(process.execPath, [CLI, 'replay', dir, '--json'], { reject: false });
    expect(exitCode).to.equal(1);
    const replayed = JSON.parse(stdout) as { scenario: string; outcome: string; verdict: string };
    expect(replayed.scenario).to.equal('gateway-listener-stuck');
    expect(replayed.outcome, 'an interrupted run proves nothing either way').to.equal('inconclusive');
    return dir;
  }

  async function interrupt(r: CliRun, signal: NodeJS.Signals = 'SIGINT'): Promise<number> {
    const callsAtInterrupt = (await t.world.stubs.calls()).length;
    r.child.kill(signal);
    return callsAtInterrupt;
  }

  it('provision: kind create hangs; Ctrl-C kills it and deletes the half-made cluster', async () => {
    t.world.stubs.behave('kind', { hang: true, whenFirstArg: 'create' });
    const r = start();
    await t.world.waitForCall(isKindCreate, 'kind create cluster');
    await until(async () => (await t.world.stubs.hung()).length > 0, 'kind create to hang');
    const at = await interrupt(r);
    expect(await exitWithin(r, PROMPT_MS)).to.equal(130);
    await expectClusterDeletedOnceAfter(at);
    await expectHungStubsGone('kind');
    await expectEvidenceKept();
    expect(r.stderr).to.match(/SIGINT: stopping and tearing down/);
  });

  it('install: helm hangs; Ctrl-C kills it and deletes the cluster', async () => {
    t.world.stubs.behave('helm', { hang: true, whenFirstArg: 'upgrade' });
    const r = start();
    await until(async () => (await t.world.stubs.hung()).some((h) => h.tool === 'helm'), 'helm upgrade to hang');
    const at = await interrupt(r);
    expect(await exitWithin(r, PROMPT_MS)).to.equal(130);
    await expectClusterDeletedOnceAfter(at);
    await expectHungStubsGone('helm');
    await expectEvidenceKept();
  });

  it('SIGTERM during install is handled like Ctrl-C', async () => {
    t.world.stubs.behave('helm', { hang: true, whenFirstArg: 'upgrade' });
    const r = start();
    await until(async () => (await t.world.stubs.hung()).some((h) => h.tool === 'helm'), 'helm upgrade to hang');
    const at = await interrupt(r, 'SIGTERM');
    expect(await exitWithin(r, PROMPT_MS)).to.equal(130);
    expect(r.stderr).to.match(/SIGTERM: stopping and tearing down/);
    await expectClusterDeletedOnceAfter(at);
    await expectHungStubsGone('helm');
    await expectEvidenceKept();
  });

  it('setup: applying the Gateway hangs on the API server; Ctrl-C stops waiting and deletes the cluster', async () => {
    const gatewayApply = (path: string, method: string) => method === 'PATCH' && path.endsWith('/gateways/kong');
    t.world.api.responseDelayMs = (req) => (gatewayApply(req.path, req.method) ? 120_000 : 0);
    // The abort does not reach a Kubernetes API call in flight (phase() in lifecycle.ts does not
    // race the signal): the hung apply ends only at its own deadline, shortened here to 3 s.
    const r = start([], { KONG_CHAOS_TIMEOUT_KUBE_REQUEST: '3000' });
    await r.waitForStderr(/▶ setup/);
    await until(() => t.world.api.requests.some((req) => gatewayApply(req.path, req.method)), 'the Gateway apply to reach the API server');
    const at = await interrupt(r);
    expect(await exitWithin(r, PROMPT_MS)).to.equal(130);
    await expectClusterDeletedOnceAfter(at);
    await expectEvidenceKept();
  });

  it('steady-state: nothing answers on the proxy; Ctrl-C ends the wait and deletes the cluster', async () => {
    const r = start([], { KONG_CHAOS_TIMEOUT_STEADY_STATE: '30000' });
    await r.waitForStderr(/▶ steady-state/);
    const at = await interrupt(r);
    expect(await exitWithin(r, PROMPT_MS)).to.equal(130);
    await expectClusterDeletedOnceAfter(at);
    const dir = await expectEvidenceKept();
    const steps = readFileSync(join(dir, 'evidence.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind?: string; phase?: string; state?: string });
    expect(steps.some((e) => e.kind === 'step' && e.phase === 'steady-state' && e.state === 'fail'), 'steady-state recorded as failed').to.equal(true);
    expect(steps.some((e) => e.kind === 'step' && e.phase === 'fault'), 'no fault after the interrupt').to.equal(false);
  });

  it('diagnostics: kind export logs hangs; Ctrl-C cuts it short and still deletes the cluster', async () => {
    t.world.stubs.behave('kind', { hang: true, whenFirstArg: 'export' });
    // steady state never comes: after 1 s the run is inconclusive and collects diagnostics
    const r = start([], { KONG_CHAOS_TIMEOUT_STEADY_STATE: '1000' });
    await until(async () => (await t.world.stubs.hung()).some((h) => h.args[0] === 'export'), 'kind export logs to hang');
    const at = await interrupt(r);
    expect(await exitWithin(r, PROMPT_MS)).to.equal(130);
    await expectClusterDeletedOnceAfter(at);
    await expectHungStubsGone('kind');
    await expectEvidenceKept();
  });

  it('a second Ctrl-C during a hanging teardown leaves at once and names what is left', async () => {
    t.world.stubs.behave('kind', { hang: true, whenFirstArg: 'delete' });
    const r = start([], { KONG_CHAOS_TIMEOUT_STEADY_STATE: '30000' });
    await r.waitForStderr(/▶ steady-state/);
    await interrupt(r);
    await until(async () => (await t.world.stubs.hung()).some((h) => h.args[0] === 'delete'), 'kind delete cluster to hang');
    const second = Date.now();
    await interrupt(r);
    expect(await exitWithin(r, 3_000)).to.equal(130);
    expect(Date.now() - second, 'ms from the second Ctrl-C to exit').to.be.below(3_000);
    const name = await createdCluster();
    expect(r.stderr).to.match(new RegExp(`leaving now; not cleaned up: .*delete cluster ${name}`));
    expect((await t.world.stubs.calls()).filter(isKindDelete)).to.have.lengthOf(1);
  });

  it('helm failing is an inconclusive run (verdict error, exit 1), and teardown still runs', async () => {
    t.world.stubs.behave('helm', { exitCode: 1, stderr: 'Error: INSTALLATION FAILED: context deadline exceeded', whenFirstArg: 'upgrade' });
    const r = start();
    expect(await exitWithin(r, RUN_MS)).to.equal(1);
    await expectClusterDeletedOnceAfter(0);
    const dir = await expectEvidenceKept();
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { verdict: string; outcome: string; reason: string };
    expect(result.verdict).to.equal('error');
    expect(result.outcome).to.equal('inconclusive');
    expect(result.reason).to.match(/install/);
    expect(r.stderr).to.match(/✖ install failed .*INSTALLATION FAILED/);
  });

  it('an install that fails while the Kong image cannot be pulled says so in the verdict', async () => {
    t.world.api.upsert({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kong-gateway-7c9f-abcde', namespace: KONG_NAMESPACE },
      status: { phase: 'Pending', containerStatuses: [{ name: 'proxy', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "kong:3.9.1"' } } }] },
    });
    t.world.stubs.behave('helm', { exitCode: 1, stderr: 'Error: context deadline exceeded', whenFirstArg: 'upgrade' });
    const r = start();
    expect(await exitWithin(r, RUN_MS)).to.equal(1);
    const result = JSON.parse(readFileSync(join(await runDirIn(t.out), 'result.json'), 'utf8')) as { outcome: string; reason: string };
    expect(result.outcome).to.equal('inconclusive');
    expect(result.reason).to.match(/^install failed: .*context deadline exceeded; image pull failed in the cluster: kong-gateway-7c9f-abcde\/proxy: ImagePullBackOff \(Back-off pulling image "kong:3\.9\.1"\)$/);
  });

  it('--keep-cluster: an interrupted run leaves the cluster and its kubeconfig, and says where', async () => {
    const r = start(['--keep-cluster'], { KONG_CHAOS_TIMEOUT_STEADY_STATE: '30000' });
    await r.waitForStderr(/▶ steady-state/);
    await interrupt(r);
    expect(await exitWithin(r, PROMPT_MS)).to.equal(130);
    const name = await createdCluster();
    expect((await t.world.stubs.calls()).filter(isKindDelete), 'kind delete cluster calls').to.be.empty;
    const kubeconfig = join(await runDirIn(t.out), 'kubeconfig');
    expect(existsSync(kubeconfig), 'kubeconfig kept').to.equal(true);
    expect(r.stderr).to.include(`kept cluster ${name}; kubeconfig ${kubeconfig}`);
  });

  describe('on a cluster that outlives the run', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } };
    const namespaceGone = (name: string) => t.world.api.getStored('v1', 'Namespace', undefined, name) === undefined;

    /** A kubeconfig whose current context points nowhere and whose context `lab` is the fake cluster. */
    async function twoContextKubeconfig(): Promise<string> {
      const path = join(t.world.scratch, 'two-contexts');
      await writeFile(path, stringifyYaml({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'lab', cluster: { server: t.world.api.url, 'insecure-skip-tls-verify': true } },
          { name: 'elsewhere', cluster: { server: 'http://127.0.0.1:9', 'insecure-skip-tls-verify': true } },
        ],
        users: [{ name: 'me', user: {} }],
        contexts: [
          { name: 'lab', context: { cluster: 'lab', user: 'me' } },
          { name: 'elsewhere', context: { cluster: 'elsewhere', user: 'me' } },
        ],
        'current-context': 'elsewhere',
      }));
      return path;
    }

    it('--kubeconfig F --context C: after Ctrl-C, teardown still uninstalls Kong on C and removes the namespaces', async () => {
      t.world.api.upsert(node);
      const kubeconfig = await twoContextKubeconfig();
      const r = start(['--kubeconfig', kubeconfig, '--context', 'lab'], { KONG_CHAOS_TIMEOUT_STEADY_STATE: '30000' });
      await r.waitForStderr(/▶ steady-state/);
      const at = await interrupt(r);
      expect(await exitWithin(r, PROMPT_MS)).to.equal(130);
      const calls = await t.world.stubs.calls();
      const uninstalls = calls.slice(at).filter((c) => c.tool === 'helm' && c.args[0] === 'uninstall');
      expect(uninstalls, 'helm uninstall after the interrupt').to.not.be.empty;
      expect(r.stderr, 'teardown reports the hand-back done').to.match(/done: remove Kong and the scenario objects from the reused cluster/);
      expect(r.stderr).to.not.match(/could not remove Kong/);
      for (const c of calls.filter((c) => (c.tool === 'helm' || c.tool === 'kubectl') && c.args[0] !== 'version')) {
        const context = c.tool === 'helm' ? '--kube-context' : '--context';
        expect(c.args[c.args.indexOf('--kubeconfig') + 1], `${c.tool} ${c.args.join(' ')}`).to.equal(kubeconfig);
        expect(c.args[c.args.indexOf(context) + 1], `${c.tool} ${c.args.join(' ')}`).to.equal('lab');
      }
      for (const u of uninstalls) expect(u.args).to.include('--ignore-not-found');
      expect(namespaceGone(KONG_NAMESPACE), 'namespace kong removed').to.equal(true);
      expect(namespaceGone('chaos-gateway'), 'the scenario namespace removed').to.equal(true);
      expect(existsSync(kubeconfig), "the user's own kubeconfig is never removed").to.equal(true);
    });

    /** A kind cluster an earlier kong-chaos run made and left, as kind and docker report it. */
    async function reusableKindCluster(): Promise<string> {
      const name = 'kc-20261201t0900-ab12';
      const clusters = join(t.world.scratch, 'clusters');
      await writeFile(clusters, `${name}\n`);
      await t.world.hookOutlivingClusters(clusters, false, `${name}-control-plane`);
      return name;
    }

    it('missing-crds on a cluster that had Kong before: the KIC CRDs are removed first, and the run says so', async () => {
      t.world.api.upsert(node);
      const crd = (name: string) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name } });
      for (const name of ['kongplugins.configuration.konghq.com', 'kongingresses.configuration.konghq.com', 'gateways.gateway.networking.k8s.io']) t.world.api.upsert(crd(name));
      const name = await reusableKindCluster();
      const r = t.world.spawnCli(['run', 'missing-crds', '--mode', 'dbless', '--topology', 'split', '--traffic-rate', '0', '--reuse-cluster', name, '--out', t.out], { KONG_CHAOS_TIMEOUT_STEADY_STATE: '1000' });
      t.run = r;
      expect(await exitWithin(r, RUN_MS), r.stderr).to.equal(1);
      const stored = (name: string) => t.world.api.getStored('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name);
      expect(stored('kongplugins.configuration.konghq.com'), 'kongplugins CRD').to.equal(undefined);
      expect(stored('kongingresses.configuration.konghq.com'), 'kongingresses CRD').to.equal(undefined);
      expect(stored('gateways.gateway.networking.k8s.io'), 'a CRD of another group stays').to.not.equal(undefined);
      expect(r.stderr).to.match(new RegExp(`removed 2 KIC CRDs \\(\\*\\.configuration\\.konghq\\.com\\) an earlier install left on ${name}: this case must not find them`));
      const install = (await t.world.stubs.calls()).find((c) => c.tool === 'helm' && c.args[0] === 'upgrade');
      expect(install?.args).to.include('--skip-crds');
    });

    it('--reuse-cluster: the run directory keeps no kubeconfig, and the images are loaded into the cluster', async () => {
      const name = await reusableKindCluster();
      // nothing answers on the proxy: inconclusive after 1 s, diagnostics, then teardown
      const r = start(['--reuse-cluster', name], { KONG_CHAOS_TIMEOUT_STEADY_STATE: '1000' });
      expect(await exitWithin(r, RUN_MS), r.stderr).to.equal(1);
      const dir = await runDirIn(t.out);
      const files = (function walk(d: string): string[] {
        return readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
      })(dir);
      expect(files.filter((f) => /^kind: Config$|"kind": ?"Config"/m.test(readFileSync(f, 'utf8'))), 'kubeconfigs in the run directory').to.deep.equal([]);
      expect((await t.world.stubs.calls()).filter(isKindDelete), 'a reused cluster is never deleted').to.be.empty;
      const load = (await t.world.stubs.calls()).find((c) => c.tool === 'kind' && c.args[0] === 'load');
      expect(load?.args).to.deep.equal(['load', 'docker-image', 'kong/kubernetes-ingress-controller:3.4.4', `kong:${JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).target.gateway}`, '--name', name]);
      expect(r.stderr).to.match(new RegExp(`loaded kong/kubernetes-ingress-controller:3.4.4, kong:[\\d.]+ into ${name} in \\d+m?s`));
      expect(namespaceGone(KONG_NAMESPACE), 'namespace kong removed').to.equal(true);
    });
  });
});

