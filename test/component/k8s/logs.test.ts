import { expect } from 'chai';
import { connect, type Kube } from '../../../harness/k8s/client.ts';
import { streamLogs } from '../../../harness/k8s/logs.ts';
import type { StreamReport } from '../../../harness/k8s/stream.ts';
import { waitFor } from '../../../harness/k8s/wait.ts';
import { FakeKubeApi } from '../../support/fake-kube-api.ts';

const container = { namespace: 'kong', pod: 'kong-abc', container: 'proxy' };

describe('k8s/logs stream against a fake API server', () => {
  let api: FakeKubeApi;
  let kube: Kube;
  let controller: AbortController;
  let lines: [string, number][];
  let reports: StreamReport[];
  let streaming: Promise<void>;

  const until = (what: string, check: () => boolean) => waitFor(what, async () => check(), { timeoutMs: 5000, intervalMs: 10 });
  const texts = () => lines.map(([text]) => text);
  const states = () => reports.map((r) => r.state);
  const logRequests = () => api.requests.filter((r) => r.path === '/api/v1/namespaces/kong/pods/kong-abc/log');
  const append = (...l: string[]) => api.appendLog(container.namespace, container.pod, container.container, l);

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    kube = connect({ kubeconfigPath: await api.writeKubeconfig() });
    controller = new AbortController();
    lines = [];
    reports = [];
  });
  afterEach(async () => {
    controller.abort();
    await streaming;
    await api.close();
  });

  function start(): void {
    streaming = streamLogs(kube, container, (line, at) => lines.push([line, at]), {
      signal: controller.signal,
      onStream: (r) => reports.push(r),
      retryDelayMs: 10,
    });
  }

  it('follows with timestamps and reassembles lines the server sent in pieces', async () => {
    await append('2025-03-01T10:00:00.100000001Z first line of the backlog', '2025-03-01T10:00:00.2Z ünïcödé ✓ line');
    start();
    await until('the backlog', () => lines.length === 2);
    await append('2025-03-01T10:00:01.5Z [error] upstream timed out', '2025-03-01T10:00:01.6Z ');
    await until('the followed lines', () => lines.length === 4);

    expect(lines).to.deep.equal([
      ['first line of the backlog', Date.UTC(2025, 2, 1, 10, 0, 0, 100)],
      ['ünïcödé ✓ line', Date.UTC(2025, 2, 1, 10, 0, 0, 200)],
      ['[error] upstream timed out', Date.UTC(2025, 2, 1, 10, 0, 1, 500)],
      ['', Date.UTC(2025, 2, 1, 10, 0, 1, 600)],
    ]);
    const query = logRequests()[0]?.query;
    expect(query?.get('container')).to.equal('proxy');
    expect(query?.get('follow')).to.equal('true');
    expect(query?.get('timestamps')).to.equal('true');
    expect(query?.has('sinceTime')).to.equal(false);
    expect(states()).to.deep.equal(['open']);
  });

  it('reopens a dropped stream from the last timestamp and skips what it already delivered', async () => {
    await append('2025-03-01T10:00:00.5Z before', '2025-03-01T10:00:01.1Z same second a', '2025-03-01T10:00:01.1Z same second b');
    start();
    await until('the backlog', () => lines.length === 3);
    // Half a line, then the connection breaks: that half must not surface as a line.
    await api.writeRawToLogStreams(container.namespace, container.pod, container.container, '2025-03-01T10:00:01.9Z half a li');
    api.dropLogStreams();
    await until('the stream to reopen', () => states().includes('reopened'));
    await append('2025-03-01T10:00:02Z after the drop');
    await until('the line after the drop', () => lines.length === 4);

    expect(texts()).to.deep.equal(['before', 'same second a', 'same second b', 'after the drop']);
    expect(states()).to.deep.equal(['open', 'dropped', 'reopened']);
    expect(reports[1]?.message).to.match(/^log stream kong\/kong-abc\/proxy dropped: /);
    expect(logRequests()[1]?.query.get('sinceTime')).to.equal('2025-03-01T10:00:01.1Z');
  });

  it('on a clean end, flushes a last line without newline, reopens and skips the replayed second', async () => {
    await append('2025-03-01T10:00:03.1Z a', '2025-03-01T10:00:03.2Z b');
    start();
    await until('the backlog', () => lines.length === 2);
    await api.writeRawToLogStreams(container.namespace, container.pod, container.container, '2025-03-01T10:00:03.3Z last words');
    await api.endLogStreams();
    await until('the stream to reopen', () => states().includes('reopened'));
    await append('2025-03-01T10:00:04Z next');
    await until('the next line', () => lines.length === 4);

    expect(texts()).to.deep.equal(['a', 'b', 'last words', 'next']);
    expect(reports[1]?.message).to.equal('log stream kong/kong-abc/proxy dropped: ended by the server');
    expect(logRequests()[1]?.query.get('sinceTime')).to.equal('2025-03-01T10:00:03.3Z');
  });

  it('a line written while the stream was down arrives once, after the reconnect', async () => {
    await append('2025-03-01T10:00:00.5Z one');
    start();
    await until('the backlog', () => lines.length === 1);
    api.dropLogStreams();
    await append('2025-03-01T10:00:00.7Z two, written during the gap');
    await until('the gap line', () => lines.length === 2);
    await append('2025-03-01T10:00:00.9Z three');
    await until('the next line', () => lines.length === 3);
    expect(texts()).to.deep.equal(['one', 'two, written during the gap', 'three']);
  });

  it('keeps retrying a container that is not there yet, then reports closed when stopped', async () => {
    start();
    await until('the failure to open', () => states().includes('dropped'));
    expect(reports[0]?.message).to.match(/^log stream kong\/kong-abc\/proxy could not open: 404: Not Found$/);
    await until('a retry', () => logRequests().length >= 2);
    controller.abort();
    await streaming;
    expect(states()).to.deep.equal(['dropped', 'closed']);
  });

  it('stops cleanly mid-stream', async () => {
    await append('2025-03-01T10:00:00.5Z one');
    start();
    await until('the backlog', () => lines.length === 1);
    controller.abort();
    await streaming;
    expect(states()).to.deep.equal(['open', 'closed']);
    await until('the server to see the stream go', () => api.openLogStreams === 0);
    await append('2025-03-01T10:00:00.6Z after stop');
    expect(texts()).to.deep.equal(['one']);
  });
});
