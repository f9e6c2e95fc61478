import { expect } from 'chai';
import { lastTermination } from '../../../harness/probes/container-state.ts';

const POD = { kind: 'Pod', name: 'kong-kong-6b8d9c7f5-q2w4e', namespace: 'kong' };

describe('probes/container-state', () => {
  it('reads a container the kubelet restarted after a non-zero exit as LastTermination=Error, while it runs again', () => {
    // core/v1 ContainerStatus of a crash-looping container between two crashes
    const status = {
      name: 'ingress-controller',
      ready: false,
      restartCount: 3,
      state: { running: { startedAt: '2026-11-23T10:07:12Z' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-11-23T10:04:50Z', finishedAt: '2026-11-23T10:06:52Z' } },
    };
    expect(lastTermination(5, POD, status)).to.deep.equal({
      kind: 'condition',
      at: 5,
      object: POD,
      scope: 'container/ingress-controller',
      type: 'LastTermination',
      status: 'True',
      reason: 'Error',
      message: 'restarts=3, ready=false, last exit code 1',
    });
  });

  it('keeps the kubelet reason of other ends, and reads None for a container that never ended', () => {
    expect(lastTermination(0, POD, { name: 'proxy', restartCount: 1, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }).reason).to.equal('OOMKilled');
    const fresh = lastTermination(0, POD, { name: 'ingress-controller', ready: true, restartCount: 0, lastState: {} });
    expect([fresh.status, fresh.reason, fresh.message]).to.deep.equal(['False', 'None', 'restarts=0, ready=true']);
  });
});
