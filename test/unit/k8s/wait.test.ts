import { expect } from 'chai';
import type { KubeObject } from '../../../harness/k8s/client.ts';
import { Pending, WaitTimeoutError, hasCondition, waitFor } from '../../../harness/k8s/wait.ts';

describe('k8s/wait waitFor', () => {
  it('returns the first truthy probe result', async () => {
    let calls = 0;
    const value = await waitFor('the third call', async () => (++calls >= 3 ? { calls } : undefined), { timeoutMs: 2000, intervalMs: 5 });
    expect(value).to.deep.equal({ calls: 3 });
  });

  it('keeps polling through a probe that throws', async () => {
    let calls = 0;
    const value = await waitFor(
      'a flaky probe',
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('connection reset');
        return 'ok';
      },
      { timeoutMs: 2000, intervalMs: 5 },
    );
    expect(value).to.equal('ok');
  });

  it('times out naming the description and the last probe result', async () => {
    const started = Date.now();
    const error = await waitFor('deployment kong/kong-controller to be available', async () => new Pending('0/1 ready'), {
      timeoutMs: 120,
      intervalMs: 20,
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(WaitTimeoutError);
    expect((error as Error).message).to.equal('timed out after 0.1s waiting for deployment kong/kong-controller to be available: 0/1 ready');
    expect(Date.now() - started).to.be.within(100, 1000);
  });

  it('times out naming the last error when the probe kept failing', async () => {
    const error = await waitFor('the API', async () => {
      throw new Error('connect ECONNREFUSED\n127.0.0.1:6443');
    }, { timeoutMs: 50, intervalMs: 10 }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/waiting for the API: connect ECONNREFUSED 127\.0\.0\.1:6443$/);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await waitFor('never', async () => false, { timeoutMs: 5000, intervalMs: 10, signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).to.equal('AbortError');
  });
});

describe('k8s/wait hasCondition', () => {
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kong' },
    status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'False' }] },
  };

  it('matches type and status', () => {
    expect(hasCondition(deployment, 'Available')).to.equal(true);
    expect(hasCondition(deployment, 'Progressing', 'False')).to.equal(true);
    expect(hasCondition(deployment, 'Progressing')).to.equal(false);
    expect(hasCondition(deployment, 'ReplicaFailure')).to.equal(false);
  });

  it('is false without status or object', () => {
    expect(hasCondition({ ...deployment, status: undefined }, 'Available')).to.equal(false);
    expect(hasCondition(undefined, 'Available')).to.equal(false);
  });
});
