import { expect } from 'chai';
import { toKubeEvent } from '../../../harness/k8s/event-shape.ts';

describe('k8s/events toKubeEvent', () => {
  const base = {
    metadata: { uid: 'u1', name: 'kong.1', creationTimestamp: '2025-03-01T10:00:00Z' },
    type: 'Warning',
    reason: 'KongConfigurationApplyFailed',
    message: 'failed to apply',
    involvedObject: { kind: 'Pod', name: 'kong-abc', namespace: 'kong' },
  };

  it('takes the time of the latest occurrence, lastTimestamp first', () => {
    const event = toKubeEvent({ ...base, count: 3, lastTimestamp: '2025-03-01T10:05:00Z', eventTime: '2025-03-01T10:01:00.000000Z' });
    expect(event).to.deep.equal({
      at: Date.UTC(2025, 2, 1, 10, 5),
      type: 'Warning',
      reason: 'KongConfigurationApplyFailed',
      message: 'failed to apply',
      object: { kind: 'Pod', name: 'kong-abc', namespace: 'kong' },
      count: 3,
    });
  });

  it('falls back to series, eventTime, then creationTimestamp, and accepts Dates', () => {
    expect(toKubeEvent({ ...base, series: { count: 4, lastObservedTime: '2025-03-01T10:07:00Z' } })).to.include({ at: Date.UTC(2025, 2, 1, 10, 7), count: 4 });
    expect(toKubeEvent({ ...base, eventTime: new Date(Date.UTC(2025, 2, 1, 10, 1)) }).at).to.equal(Date.UTC(2025, 2, 1, 10, 1));
    expect(toKubeEvent({ ...base, lastTimestamp: null }).at).to.equal(Date.UTC(2025, 2, 1, 10, 0));
    expect(toKubeEvent(base).count).to.equal(1);
  });
});
