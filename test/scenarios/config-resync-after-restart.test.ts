import { expect } from 'chai';
import { resolveTarget } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import scenario, { PATHS, restartsOf, standingOfRestarted } from '../../scenarios/config-resync-after-restart.ts';
import { callsIn, expectJudged, podConfig, runFake, type FakeRunOptions, type Sighting, type WorldView } from '../support/fake-context.ts';

const TARGET = { mode: 'dbless', topology: 'split' };
const OLD_PODS = ['kong-gateway-6d8f9c7b5d-4kq2x', 'kong-gateway-6d8f9c7b5d-m8n3z'];
const NEW_PODS = ['kong-gateway-6d8f9c7b5d-p7w2r', 'kong-gateway-6d8f9c7b5d-t9x4v'];
const KIC_POD = 'kong-controller-5b7c9d8f6-w2k4n';

// Kong's configuration_hash: the MD5 hex of the body it last accepted (kong/db/declarative/init.lua@3.9.3)
const FULL = '4a8a08f09d37b73795649038408b5f33';
const PARTIAL = '8277e0910d750195b448797616e091ad';
/** the routes a partial push holds: the first half of the Ingresses */
const IN_PARTIAL = new Set(PATHS.slice(0, 25));

type Held = 'full' | 'partial' | 'none';

function answers(held: Held): Record<string, { status: number; ok: boolean }> {
  return Object.fromEntries(PATHS.map((p) => [p, held === 'full' || (held === 'partial' && IN_PARTIAL.has(p)) ? { status: 200, ok: true } : { status: 404, ok: false }]));
}

interface Restart {
  /** how the fault restarts the pods: deleted and replaced (the default), or their nodes restarted */
  by?: 'deletePods' | 'restartWorkerNodes';
  /** false: the pods stay as they were (not replaced, containers not restarted) */
  takes?: boolean;
  /** what each restarted pod holds once Ready, in pod order */
  holds?: [Held, Held];
  /** ms after the fault until the restarted pods turn Ready (a pod that holds nothing never does) */
  readyAfterMs?: number;
  /** the convergence probe cannot reach the restarted pods */
  unreadable?: boolean;
}

function system({ by = 'deletePods', takes = true, holds = ['full', 'full'], readyAfterMs = 12_000, unreadable = false }: Restart = {}): Pick<FakeRunOptions, 'world' | 'pods'> {
  return {
    pods: { gateway: OLD_PODS },
    world: ({ since }: WorldView) => {
      const after = takes ? since(by) : undefined;
      const restarted = after !== undefined;
      const names = restarted && by === 'deletePods' ? NEW_PODS : OLD_PODS;
      const held = (i: number): Held => (restarted ? holds[i]! : 'full');
      const ready = (i: number) => !restarted || (after >= readyAfterMs && held(i) !== 'none');
      const pods = names.map((pod, i): Sighting => {
        if (!ready(i)) return podConfig(pod, undefined, {}, false);
        if (restarted && unreadable) return { kind: 'pod-config', pod, ready: true, routes: [], error: 'GET /status: ECONNREFUSED' };
        return podConfig(pod, held(i) === 'full' ? FULL : PARTIAL, answers(held(i)));
      });
      // through the Service: a route answers when some Ready pod holds it
      const serving = names.map((_, i) => i).filter(ready).map(held);
      const viaService = PATHS.map((path): Sighting => {
        const ok = serving.some((h) => answers(h)[path]!.ok);
        return { kind: 'route', route: path, ok, status: ok ? 200 : serving.length ? 404 : 503, latencyMs: 3 };
      });
      const restarts = names.map((pod): Sighting => ({
        kind: 'condition',
        object: { kind: 'Pod', name: pod, namespace: 'kong' },
        scope: 'container/proxy',
        type: 'LastTermination',
        status: restarted && by === 'restartWorkerNodes' ? 'True' : 'False',
        reason: restarted && by === 'restartWorkerNodes' ? 'Unknown' : 'None',
        message: `restarts=${restarted && by === 'restartWorkerNodes' ? 1 : 0}, ready=${!restarted}`,
      }));
      return [...viaService, ...pods, ...restarts, { kind: 'kic-push', pod: KIC_POD, hash: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' }];
    },
  };
}

describe('scenario config-resync-after-restart', () => {
  it('installs two gateway replicas and turns on the KIC diagnostics server the probe reads', () => {
    const target = resolveTarget(loadVersions(), scenario.requires, { kic: '3.5.13', ...TARGET }, scenario.id);
    expect(scenario.install(target, undefined)).to.deep.equal({ gatewayReplicas: 2, values: { kong: { controller: { ingressController: { env: { dump_config: 'true' } } } } } });
    expect(scenario.variants['all-nodes']!.shape).to.equal('multi-node');
  });

  it('applies 50 Ingresses of one path each, so that a partial push is visible route by route', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });
    const ingresses = run.calls.filter((c) => c.op === 'apply').flatMap((c) => (c.op === 'apply' ? c.objects : [])).filter((o) => o.kind === 'Ingress');
    expect(ingresses).to.have.length(50);
    expect(new Set(ingresses.map((o) => o.metadata.name)).size).to.equal(50);
  });

  it('is not-reproduced when both replacements take the full configuration', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system() });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
    expect(callsIn(run, 'fault')).to.deep.equal(['deletePods gateway']);
    expect(run.progress).to.include(`deleted gateway pods ${OLD_PODS.join(', ')}`);
  });

  it('is reproduced when one replacement takes a partial configuration: its hash and half the routes differ from its peer', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', ...TARGET, ...system({ holds: ['full', 'partial'] }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => `${s.signature} ${s.subject}`)).to.deep.equal([`gateway-pod-stale pod/${NEW_PODS[1]}`]);
    expect(run.judgement.reason).to.contain(`${NEW_PODS[1]} holds configuration 8277e0910d75 while 1 of 2 pods hold configuration 4a8a08f09d37`);
    expect(run.judgement.reason).to.contain(`answers /resync-26 with 404 while ${NEW_PODS[0]} serves it`);
  });

  it('is reproduced when one replacement is never configured and stays out of the Service', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', ...TARGET, ...system({ holds: ['full', 'none'] }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.judgement.symptoms.map((s) => `${s.signature} ${s.subject}`)).to.deep.equal([`gateway-pod-unconfigured pod/${NEW_PODS[1]}`]);
    expect(run.judgement.reason).to.contain(`${NEW_PODS[1]} is not Ready while ${NEW_PODS[0]} serves`);
  });

  it('is inconclusive when the deleted pods are not replaced: the fault did not take', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system({ takes: false }) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.equal('fault failed: the fault did not take: no replacement gateway pod within 120 s');
  });

  it('is inconclusive when the convergence probe cannot read the Ready replacements', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', ...TARGET, ...system({ unreadable: true }) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.equal('fault failed: the convergence probe could not read the replacement gateway pods: GET /status: ECONNREFUSED');
  });

  it('lets the window judge replacements that never turn Ready: that is the failure, not a failed fault', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', ...TARGET, ...system({ holds: ['none', 'none'] }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
    expect(run.progress).to.include('2 replacement gateway pod(s), none Ready after 120 s: the window judges them');
    expect(run.judgement.symptoms.map((s) => s.signature)).to.have.length(50).and.to.include('route-missing-resync-01');
  });

  describe('variant all-nodes', () => {
    const variant = { ...TARGET, variant: 'all-nodes' };

    it('restarts the worker nodes and waits for the gateway pods restarted on them', async () => {
      const run = await runFake(scenario, { kic: '3.5.13', ...variant, ...system({ by: 'restartWorkerNodes' }) });

      expectJudged(run, { outcome: 'not-reproduced', verdict: 'observed' });
      expect(callsIn(run, 'fault')).to.deep.equal(['restartWorkerNodes']);
      expect(run.progress).to.include('2 restarted gateway pod(s) back and read');
    });

    it('is reproduced when every pod takes the same partial configuration: the pods agree, the routes say it (#7205)', async () => {
      const run = await runFake(scenario, { kic: '3.4.3', ...variant, ...system({ by: 'restartWorkerNodes', holds: ['partial', 'partial'] }) });

      expectJudged(run, { outcome: 'reproduced', verdict: 'observed' });
      const signatures = run.judgement.symptoms.map((s) => s.signature);
      expect(signatures).to.have.length(25);
      expect(signatures).to.include('route-missing-resync-26').and.not.include('route-missing-resync-25');
    });

    it('is inconclusive when the gateway containers did not restart with their nodes', async () => {
      const run = await runFake(scenario, { kic: '3.5.13', ...variant, ...system({ by: 'restartWorkerNodes', takes: false }) });

      expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
      expect(run.judgement.reason).to.equal('fault failed: the fault did not take: no restarted gateway pod within 120 s');
    });
  });

  describe('reading a probe round', () => {
    const round = (pods: Sighting[]) => pods.map((p) => ({ ...p, at: 1 }) as never);

    it('counts restarts of gateway pods only, from the containers probe', () => {
      const [pod] = NEW_PODS;
      const observations = round([
        podConfig(pod!, FULL, answers('full')),
        { kind: 'condition', object: { kind: 'Pod', name: pod!, namespace: 'kong' }, scope: 'container/proxy', type: 'LastTermination', status: 'True', reason: 'Unknown', message: 'restarts=2, ready=true, last exit code 255' },
        { kind: 'condition', object: { kind: 'Pod', name: KIC_POD, namespace: 'kong' }, scope: 'container/ingress-controller', type: 'LastTermination', status: 'True', reason: 'Error', message: 'restarts=1, ready=true' },
      ]);
      expect([...restartsOf(observations)]).to.deep.equal([[pod, 2]]);
    });

    it('is back once a restarted pod is Ready and read; unreadable only while no Ready one could be read', () => {
      const restarted = (pod: string) => NEW_PODS.includes(pod);
      const stillOld = round([podConfig(OLD_PODS[0]!, FULL, answers('full'))]);
      expect(standingOfRestarted(stillOld, restarted)).to.deep.equal({ seen: 0, back: false });
      const starting = round([podConfig(NEW_PODS[0]!, undefined, {}, false), { kind: 'pod-config', pod: NEW_PODS[1]!, ready: true, routes: [], error: 'GET /status: timeout' }]);
      expect(standingOfRestarted(starting, restarted)).to.deep.equal({ seen: 2, back: false, unreadable: 'GET /status: timeout' });
      const back = round([podConfig(NEW_PODS[0]!, FULL, answers('full')), { kind: 'pod-config', pod: NEW_PODS[1]!, ready: true, routes: [], error: 'GET /status: timeout' }]);
      expect(standingOfRestarted(back, restarted)).to.deep.equal({ seen: 2, back: true });
    });
  });
});
