import { expect } from 'chai';
import type { KubeObject } from '../../../harness/k8s/client.ts';
import { followable } from '../../../harness/probes/streams.ts';

const pod = (status: unknown): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kong-kong-1' }, status });
const running = { running: { startedAt: '2026-11-23T10:00:00Z' } };
const waiting = { waiting: { reason: 'PodInitializing' } };

describe('probes/streams followable containers', () => {
  it('follows the wait-for-db init container while it loops, before the proxy starts', () => {
    const starting = pod({ initContainerStatuses: [{ name: 'clear-stale-pid', state: { terminated: {} } }, { name: 'wait-for-db', state: running }], containerStatuses: [{ name: 'proxy', state: waiting }, { name: 'ingress-controller', state: waiting }] });
    expect(followable(starting, ['proxy', 'wait-for-db'])).to.deep.equal(['wait-for-db']);
  });

  it('follows only the named containers that run, once the pod is up', () => {
    const up = pod({ initContainerStatuses: [{ name: 'wait-for-db', state: { terminated: {} } }], containerStatuses: [{ name: 'proxy', state: running }, { name: 'ingress-controller', state: running }] });
    expect(followable(up, ['proxy', 'wait-for-db'])).to.deep.equal(['proxy']);
    expect(followable(up, ['ingress-controller'])).to.deep.equal(['ingress-controller']);
    expect(followable(pod(undefined), ['proxy'])).to.deep.equal([]);
  });
});
