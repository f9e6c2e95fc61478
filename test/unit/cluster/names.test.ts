import { expect } from 'chai';
import { clusterName, newRunId, runIdOfCluster } from '../../../harness/cluster/names.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('cluster/names', () => {
  it('a run id starts with the UTC minute it was made, in lower case', () => {
    const id = newRunId(new Date('2026-11-23T09:12:34.567Z'));
    expect(id).to.match(/^20261123t0912-[0-9a-f]{4}$/);
  });

  it('run ids sort by time', () => {
    const early = newRunId(new Date('2026-01-02T03:04:00Z'));
    const late = newRunId(new Date('2026-01-02T03:05:00Z'));
    expect([late, early].sort()).to.deep.equal([early, late]);
  });

  it('two run ids made in the same minute differ', () => {
    const now = new Date('2026-11-23T09:12:00Z');
    const ids = new Set(Array.from({ length: 50 }, () => newRunId(now)));
    expect(ids.size).to.be.greaterThan(40);
  });

  it('a cluster name is a lower-case DNS label of at most 63 characters', () => {
    for (const date of [new Date('2026-11-23T09:12:34Z'), new Date('1999-12-31T23:59:59Z'), new Date()]) {
      const name = clusterName(newRunId(date));
      expect(name).to.match(DNS_LABEL);
      expect(name.length).to.be.at.most(63);
      expect(name.startsWith('kc-')).to.equal(true);
    }
  });

  it('runIdOfCluster gives back the run id of a cluster name it made', () => {
    for (let i = 0; i < 10; i++) {
      const id = newRunId(new Date(Date.UTC(2026, i, i + 1, i, i * 5)));
      expect(runIdOfCluster(clusterName(id))).to.equal(id);
    }
  });

  it('runIdOfCluster does not claim clusters kong-chaos did not make', () => {
    for (const name of ['kind', 'kc-', 'kc-prod', 'kc-20261123t0912-a1b2-extra', 'xkc-20261123t0912-a1b2', 'kc-20261123T0912-a1b2', 'kc-20261123t0912-A1B2']) {
      expect(runIdOfCluster(name), name).to.equal(undefined);
    }
  });
});
