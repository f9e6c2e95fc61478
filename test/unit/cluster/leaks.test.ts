import { expect } from 'chai';
import { findLeaks, parseAge, runStartedAt } from '../../../harness/cluster/leaks.ts';
import { clusterName, newRunId } from '../../../harness/cluster/names.ts';
import { UserError } from '../../../harness/errors.ts';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 10, 23, 12, 0);

describe('cluster/leaks', () => {
  it('reads a run start back from the run id', () => {
    const started = new Date(Date.UTC(2026, 10, 23, 9, 12, 40));
    expect(runStartedAt(newRunId(started))).to.equal(Date.UTC(2026, 10, 23, 9, 12));
    expect(runStartedAt('not-a-run')).to.equal(undefined);
  });

  it('parses ages and refuses anything else with a UserError', () => {
    expect(parseAge('90s')).to.equal(90_000);
    expect(parseAge('2h')).to.equal(2 * HOUR);
    expect(parseAge('1d')).to.equal(24 * HOUR);
    for (const bad of ['2', 'h', '-1h', '1.5h', '2 hours']) expect(() => parseAge(bad), bad).to.throw(UserError);
  });

  it('finds old clusters, containers and networks of kong-chaos runs and nothing else', () => {
    const old = newRunId(new Date(now - 3 * HOUR));
    const fresh = newRunId(new Date(now - 10 * 60_000));
    const leaks = findLeaks(
      {
        clusters: [clusterName(old), clusterName(fresh), 'kind', 'my-dev-cluster', 'kc-not-a-run-id'],
        containers: [
          { id: '1', name: 'pg-old', labels: { 'kong-chaos.run': old }, createdAt: new Date(now - 3 * HOUR) },
          { id: '2', name: 'pg-fresh', labels: { 'kong-chaos.run': fresh }, createdAt: new Date(now - 60_000) },
          { id: '3', name: 'someone-elses', labels: { app: 'x' }, createdAt: new Date(now - 9 * HOUR) },
        ],
        networks: [{ id: 'n', name: 'kind', labels: {}, createdAt: new Date(now - 99 * HOUR) }],
      },
      now,
      2 * HOUR,
    );
    expect(leaks.map((l) => [l.kind, l.name, l.runId])).to.deep.equal([
      ['cluster', clusterName(old), old],
      ['container', 'pg-old', old],
    ]);
  });
});
