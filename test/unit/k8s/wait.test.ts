import { expect } from 'chai';
import type { KubeObject } from '../../../harness/k8s/client.ts';
import { Pending, WaitTimeoutError, hasCondition, rolloutStatus, waitFor } from '../../../harness/k8s/wait.ts';

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

/**
 * A Deployment as the API returns it mid-rollout: kong/kong's chart Deployment with the default
 * RollingUpdate strategy (25% surge, 25% unavailable), its status written by the deployment
 * controller, which leaves out counts that are zero.
 */
function kongDeployment(
  spec: { replicas: number; minReadySeconds?: number },
  generation: number,
  status: { observedGeneration: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; unavailableReplicas?: number },
  conditions: { type: string; status: string; reason: string }[],
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kong-kong', namespace: 'kong', generation, annotations: { 'deployment.kubernetes.io/revision': String(generation) } },
    spec: {
      replicas: spec.replicas,
      ...(spec.minReadySeconds ? { minReadySeconds: spec.minReadySeconds } : {}),
      selector: { matchLabels: { 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/component': 'app', 'app.kubernetes.io/instance': 'kong' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      progressDeadlineSeconds: 600,
    },
    status: {
      ...status,
      conditions: conditions.map((c) => ({ ...c, lastUpdateTime: '2026-11-23T10:01:12Z', lastTransitionTime: '2026-11-23T10:01:12Z', message: `${c.reason}` })),
    },
  };
}

const AVAILABLE = { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' };
const UNAVAILABLE = { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' };
const PROGRESSING = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' };
const ROLLED_OUT = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' };
const DEADLINE = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' };

function reason(status: ReturnType<typeof rolloutStatus>): string {
  return status instanceof Pending ? status.reason : status;
}

describe('k8s/wait rolloutStatus (kubectl rollout status rules)', () => {
  it('is complete when every desired replica is updated, no old one is left and all are available', () => {
    expect(rolloutStatus(kongDeployment({ replicas: 2 }, 3, { observedGeneration: 3, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }, [AVAILABLE, ROLLED_OUT]))).to.equal('complete');
  });

  it('waits while the controller has not seen the new generation, though the old status looks done', () => {
    const d = kongDeployment({ replicas: 2 }, 4, { observedGeneration: 3, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }, [AVAILABLE, ROLLED_OUT]);
    expect(reason(rolloutStatus(d))).to.equal('new generation not observed yet');
  });

  it('waits while the surge pod is the only updated one', () => {
    const d = kongDeployment({ replicas: 2 }, 4, { observedGeneration: 4, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 }, [AVAILABLE, PROGRESSING]);
    expect(reason(rolloutStatus(d))).to.equal('1 out of 2 new replicas updated');
  });

  it('waits while an old replica still runs next to all the new ones (all Ready, Available=True)', () => {
    const d = kongDeployment({ replicas: 2 }, 4, { observedGeneration: 4, replicas: 3, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 }, [AVAILABLE, PROGRESSING]);
    expect(reason(rolloutStatus(d))).to.equal('1 old replicas pending termination');
  });

  it('waits while an old replica serves in place of a new one not yet Ready', () => {
    const d = kongDeployment({ replicas: 2 }, 4, { observedGeneration: 4, replicas: 3, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 }, [AVAILABLE, PROGRESSING]);
    expect(reason(rolloutStatus(d))).to.equal('1 old replicas pending termination');
  });

  it('waits while an updated replica is Ready but not yet available (minReadySeconds), though Available=True', () => {
    const d = kongDeployment({ replicas: 4, minReadySeconds: 10 }, 4, { observedGeneration: 4, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 3, unavailableReplicas: 1 }, [AVAILABLE, PROGRESSING]);
    expect(reason(rolloutStatus(d))).to.equal('3 of 4 updated replicas available');
  });

  it('waits while the old replicas are gone but a new one is not up', () => {
    const d = kongDeployment({ replicas: 2 }, 4, { observedGeneration: 4, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 1 }, [UNAVAILABLE, PROGRESSING]);
    expect(reason(rolloutStatus(d))).to.equal('1 of 2 updated replicas available');
  });

  it('names an exceeded progress deadline in what it waits for', () => {
    const d = kongDeployment({ replicas: 2 }, 4, { observedGeneration: 4, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1 }, [AVAILABLE, DEADLINE]);
    expect(reason(rolloutStatus(d))).to.equal('1 out of 2 new replicas updated (progress deadline exceeded)');
  });

  it('is complete for a Deployment scaled to zero, whose status omits the zero counts', () => {
    expect(rolloutStatus(kongDeployment({ replicas: 0 }, 5, { observedGeneration: 5 }, [AVAILABLE, ROLLED_OUT]))).to.equal('complete');
  });
});
