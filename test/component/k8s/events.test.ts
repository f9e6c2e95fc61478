import { expect } from 'chai';
import { connect, type Kube } from '../../../harness/k8s/client.ts';
import type { KubeEvent } from '../../../harness/k8s/event-shape.ts';
import { watchEvents } from '../../../harness/k8s/events.ts';
import type { StreamReport } from '../../../harness/k8s/stream.ts';
import { waitFor } from '../../../harness/k8s/wait.ts';
import { FakeKubeApi } from '../../support/fake-kube-api.ts';

function event(name: string, reason: string, count: number, lastTimestamp: string) {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'kong' },
    type: 'Warning',
    reason,
    message: `${reason} happened`,
    involvedObject: { kind: 'Pod', name: 'kong-abc', namespace: 'kong' },
    count,
    lastTimestamp,
  };
}

describe('k8s/events watch against a fake API server', () => {
  let api: FakeKubeApi;
  let kube: Kube;
  let controller: AbortController;
  let delivered: KubeEvent[];
  let reports: StreamReport[];
  let watching: Promise<void>;

  const until = (what: string, check: () => boolean) => waitFor(what, async () => check(), { timeoutMs: 5000, intervalMs: 10 });
  const states = () => reports.map((r) => r.state);
  const seen = () => delivered.map((e) => `${e.reason}#${e.count}`);

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    kube = connect({ kubeconfigPath: await api.writeKubeconfig() });
    controller = new AbortController();
    delivered = [];
    reports = [];
  });
  afterEach(async () => {
    controller.abort();
    await watching;
    await api.close();
  });

  function start(): void {
    watching = watchEvents(kube, 'kong', (e) => delivered.push(e), {
      signal: controller.signal,
      onStream: (r) => reports.push(r),
      retryDelayMs: 10,
    });
  }

  it('delivers listed events in time order, then watched ones, as plain objects', async () => {
    api.upsert(event('b', 'Later', 1, '2025-03-01T10:05:00Z'));
    api.upsert(event('a', 'Earlier', 1, '2025-03-01T10:01:00Z'));
    start();
    await until('the watch to open', () => states().includes('open'));
    api.upsert(event('c', 'Watched', 1, '2025-03-01T10:06:00Z'));
    await until('the watched event', () => delivered.length === 3);
    expect(seen()).to.deep.equal(['Earlier#1', 'Later#1', 'Watched#1']);
    expect(delivered[2]).to.deep.equal({
      at: Date.UTC(2025, 2, 1, 10, 6),
      type: 'Warning',
      reason: 'Watched',
      message: 'Watched happened',
      object: { kind: 'Pod', name: 'kong-abc', namespace: 'kong' },
      count: 1,
    });
    const watch = api.requests.find((r) => r.query.get('watch') === 'true');
    expect(watch?.path).to.equal('/api/v1/namespaces/kong/events');
    expect(watch?.query.get('resourceVersion')).to.equal('102');
  });

  it('reconnects after the server closes the watch, re-lists, and delivers nothing twice', async () => {
    api.upsert(event('a', 'BackOff', 1, '2025-03-01T10:01:00Z'));
    start();
    await until('the watch to open', () => states().includes('open'));
    api.upsert(event('b', 'Unhealthy', 1, '2025-03-01T10:02:00Z'));
    await until('the watched event', () => delivered.length === 2);

    api.closeWatches();
    // Happens while the watch is down: only the re-list can catch it.
    api.upsert(event('a', 'BackOff', 2, '2025-03-01T10:03:00Z'));
    await until('the watch to reopen', () => states().includes('reopened'));
    api.upsert(event('c', 'Killing', 1, '2025-03-01T10:04:00Z'));
    await until('the event after the reconnect', () => delivered.length === 4);

    expect(seen()).to.deep.equal(['BackOff#1', 'Unhealthy#1', 'BackOff#2', 'Killing#1']);
    expect(states()).to.deep.equal(['open', 'dropped', 'reopened']);
    expect(reports[1]?.message).to.equal('event watch in kong dropped: closed by the API server');
    const lists = api.requests.filter((r) => r.path === '/api/v1/namespaces/kong/events' && r.query.get('watch') !== 'true');
    expect(lists).to.have.length(2);
  });

  it('recovers from a 410 Gone answered as HTTP status by listing again', async () => {
    api.upsert(event('a', 'BackOff', 1, '2025-03-01T10:01:00Z'));
    start();
    await until('the watch to open', () => states().includes('open'));
    api.goneOnNextWatch('http');
    api.closeWatches();
    await until('the watch to reopen', () => states().includes('reopened'));
    api.upsert(event('b', 'Unhealthy', 1, '2025-03-01T10:02:00Z'));
    await until('the event after the reconnect', () => delivered.length === 2);

    expect(seen()).to.deep.equal(['BackOff#1', 'Unhealthy#1']);
    expect(states()).to.deep.equal(['open', 'dropped', 'reopened']);
    expect(reports[2]?.message).to.equal('event watch in kong reopened after 2 attempts');
    const watches = api.requests.filter((r) => r.query.get('watch') === 'true');
    const lists = api.requests.filter((r) => r.path.endsWith('/events') && r.query.get('watch') !== 'true');
    expect(watches).to.have.length(3);
    expect(lists).to.have.length(3);
  });

  it('recovers from a 410 Gone sent as an ERROR event and reports it', async () => {
    start();
    await until('the watch to open', () => states().includes('open'));
    api.goneOnNextWatch('event');
    api.closeWatches();
    await until('the second reopen', () => states().filter((s) => s === 'reopened').length === 2);
    api.upsert(event('a', 'BackOff', 1, '2025-03-01T10:01:00Z'));
    await until('the event', () => delivered.length === 1);

    expect(states()).to.deep.equal(['open', 'dropped', 'reopened', 'dropped', 'reopened']);
    expect(reports[3]?.message).to.equal('event watch in kong dropped: watch error 410 Expired: too old resource version');
  });

  it('reports closed when stopped and lets go of the watch', async () => {
    start();
    await until('the watch to open', () => states().includes('open'));
    controller.abort();
    await watching;
    expect(states()).to.deep.equal(['open', 'closed']);
    await until('the server to see the watch go', () => api.openWatches === 0);
  });

  it('reports one drop while the API server is unreachable, then closed when stopped', async () => {
    start();
    await until('the watch to open', () => states().includes('open'));
    await api.close();
    await until('the drop', () => states().includes('dropped'));
    await new Promise((resolve) => setTimeout(resolve, 100)); // several failed attempts
    controller.abort();
    await watching;
    expect(states()).to.deep.equal(['open', 'dropped', 'closed']);
  });
});
