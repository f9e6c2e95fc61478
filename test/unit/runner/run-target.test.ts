import { expect } from 'chai';
import { toRunTarget } from '../../../harness/runner/run.ts';
import { targetFor } from '../../../harness/runner/plan.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { scenarioById } from '../../../scenarios/index.ts';

describe('the target a bundle records', () => {
  it('names the Gateway API version with the rest, so a replay of a 1.6 run says so', () => {
    const scenario = scenarioById('gateway-listener-stuck');
    const target = targetFor(scenario, loadVersions(), { gatewayApi: '1.6', kic: '3.5' });
    expect(toRunTarget(target)).to.include({ gatewayApi: '1.6.1', kic: '3.5.13', topology: 'split' });
  });
});
