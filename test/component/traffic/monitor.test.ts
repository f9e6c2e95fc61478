import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import type { Observation, TrafficEntry } from '../../../harness/evidence/types.ts';
import { TrafficMonitor } from '../../../harness/probes/traffic/monitor.ts';
import { startBackend, type Backend } from '../../support/backend.ts';

describe('traffic monitor (real backend on loopback)', function () {
  this.timeout(20_000);
  let backend: Backend;
  before(async () => {
    backend = await startBackend();
  });
  after(() => backend.close());

  it('records one traffic entry per window and the whole run at the end, with the outage inside', async () => {
    const entries: Observation[] = [];
    const monitor = new TrafficMonitor([{ url: `${backend.url}/echo` }], 200, (o) => entries.push(o), 400);
    monitor.start();
    await sleep(900);
    const { down, up } = await backend.outage(500);
    await sleep(900);
    await monitor.close();

    const traffic = entries.filter((o): o is TrafficEntry => o.kind === 'traffic');
    const [whole] = traffic.splice(-1, 1);
    expect(traffic.length, 'windows').to.be.within(4, 8);
    for (let i = 1; i < traffic.length; i += 1) expect(traffic[i]!.from, 'windows are contiguous').to.equal(traffic[i - 1]!.to);
    expect(traffic.reduce((n, t) => n + t.sent, 0), 'every request in exactly one window').to.equal(whole!.sent);
    expect(whole!.outages, 'one outage over the whole run').to.have.length(1);
    const outage = whole!.outages[0]!;
    expect(outage.durationMs).to.be.within(up - down - 60, up - down + 10);
    const failingWindows = traffic.filter((t) => t.ok < t.sent);
    expect(failingWindows.length, 'the outage shows in the windows it fell in').to.be.within(1, 3);
    expect(whole!.target).to.equal(`${backend.url}/echo`);
    // each window says how the probe held up, so the judge can tell its overload from an outage
    for (const t of [...traffic, whole!]) expect(t.probe, 'probe load').to.include.keys(['saturated', 'scheduleLagMs', 'eventLoopDelayMs', 'unsent', 'windows']);
    expect(whole!.probe!.scheduleLagMs.p50, 'lag over the whole run').to.be.a('number');
  });
});
