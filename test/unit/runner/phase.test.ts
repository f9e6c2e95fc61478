import { expect } from 'chai';
import type { Observation } from '../../../harness/evidence/types.ts';
import { realClock } from '../../../harness/runner/clock.ts';
import { phase, probedSignatures } from '../../../harness/runner/lifecycle.ts';
import { defineScenario } from '../../../harness/runner/scenario.ts';

describe('runner/lifecycle phase', () => {
  const timeline = () => {
    const entries: Observation[] = [];
    return { entries, record: (o: Observation) => entries.push(o) };
  };

  it('records start and end of a phase that completes', async () => {
    const t = timeline();
    expect(await phase({ timeline: t, clock: realClock }, 'setup', async () => {})).to.equal(true);
    expect(t.entries.map((e) => (e.kind === 'step' ? e.state : e.kind))).to.deep.equal(['start', 'end']);
  });

  it('turns a hang into a failed step that names the phase, at its deadline', async () => {
    const t = timeline();
    const started = Date.now();
    const ok = await phase({ timeline: t, clock: realClock }, 'fault', () => new Promise(() => {}), 150);
    expect(ok).to.equal(false);
    expect(Date.now() - started).to.be.below(2_000);
    const last = t.entries.at(-1);
    expect(last).to.include({ kind: 'step', phase: 'fault', state: 'fail' });
    expect((last as { message: string }).message).to.equal('fault hung: no end after 0s');
  });

  it('records the error of a failing phase as one line', async () => {
    const t = timeline();
    await phase({ timeline: t, clock: realClock }, 'setup', async () => {
      throw new Error('apply Gateway ns/kong: 422\nUnprocessable');
    });
    expect(t.entries.at(-1)).to.include({ state: 'fail', message: 'apply Gateway ns/kong: 422 Unprocessable' });
  });

  it('ends a phase at once when the run is interrupted, naming the interrupt', async () => {
    const t = timeline();
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('interrupted by SIGINT')), 50);
    const started = Date.now();
    const ok = await phase({ timeline: t, clock: realClock, signal: stop.signal }, 'setup', () => new Promise(() => {}), 60_000);
    expect(ok).to.equal(false);
    expect(Date.now() - started).to.be.below(5_000);
    expect(t.entries.at(-1)).to.include({ phase: 'setup', state: 'fail', message: 'interrupted by SIGINT' });
  });

  it('does not start a phase once the run was interrupted', async () => {
    const t = timeline();
    const stop = new AbortController();
    stop.abort(new Error('interrupted by SIGTERM'));
    let ran = false;
    expect(await phase({ timeline: t, clock: realClock, signal: stop.signal }, 'fault', async () => void (ran = true))).to.equal(false);
    expect(ran).to.equal(false);
  });
});

describe('runner/lifecycle probedSignatures', () => {
  const step = { describe: 'nothing', run: async () => {} };
  const scenario = defineScenario({
    id: 'x',
    title: 'x',
    sources: [],
    namespace: 'x',
    requires: { modes: ['dbless'], topologies: ['single'] },
    signatures: [
      { id: 'echo-down', kind: 'route', description: 'echo down', route: '/echo' },
      { id: 'late-down', kind: 'route', description: 'late down', route: '/late', madeByFault: true },
      { id: 'late-unpublished', kind: 'condition', description: 'late unpublished', objectKind: 'Ingress', type: 'Published', reason: 'NoAddress', madeByFault: true },
    ],
    expectations: { '*': 'observe' },
    probes: { routes: [{ route: '/echo', path: '/echo' }, { route: '/late', path: '/late' }], ingresses: [{ namespace: 'x', name: 'late' }] },
    window: { observeMs: 1000 },
    manifests: () => [],
    setup: step,
    fault: step,
  });

  it('leaves out what the fault creates: the steady state does not wait for it', () => {
    expect(probedSignatures(scenario).map((s) => s.id)).to.deep.equal(['echo-down']);
  });
});
