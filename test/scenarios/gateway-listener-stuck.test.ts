import { expect } from 'chai';
import scenario from '../../scenarios/gateway-listener-stuck.ts';
import { callsIn, expectJudged, gatewayCondition, routeAnswer, runFake, type Sighting, type World } from '../support/fake-context.ts';

const GATEWAY = { namespace: 'chaos-gateway', name: 'kong' };
const GATEWAY_API_OBJECTS = 'GatewayClass/kong Gateway/chaos-gateway/kong HTTPRoute/chaos-gateway/echo';
/** #7015: delete the gateway pods and, at once, delete and re-create the three Gateway API objects */
const FAULT = ['deletePods gateway', `remove ${GATEWAY_API_OBJECTS}`, `apply ${GATEWAY_API_OBJECTS}`];

/** The Gateway as #7015 shows it either way: Gateway-level conditions stay True, only the listener changes. */
function gatewayRound(listener: 'accepted' | 'unsupported-protocol'): Sighting[] {
  const stuck = listener === 'unsupported-protocol';
  return [
    gatewayCondition(GATEWAY, { type: 'Accepted', status: 'True', reason: 'Accepted' }),
    gatewayCondition(GATEWAY, { type: 'Programmed', status: 'True', reason: 'Programmed' }),
    stuck
      ? gatewayCondition(GATEWAY, {
          listener: 'http',
          type: 'Accepted',
          status: 'False',
          reason: 'UnsupportedProtocol',
          message: 'no Kong listen with the requested protocol is configured',
        })
      : gatewayCondition(GATEWAY, { listener: 'http', type: 'Accepted', status: 'True', reason: 'Accepted' }),
    stuck
      ? gatewayCondition(GATEWAY, { listener: 'http', type: 'Programmed', status: 'False', reason: 'Invalid' })
      : gatewayCondition(GATEWAY, { listener: 'http', type: 'Programmed', status: 'True', reason: 'Programmed' }),
    // with no accepted listener the HTTPRoute is not attached: Kong answers "no Route matched"
    routeAnswer('/echo', stuck ? 404 : 200),
  ];
}

/** Healthy until the gateway pods are deleted, then stuck for `stuckMs` (Infinity: for good). */
const gatewayRestart = (stuckMs: number): World => ({ since }) => {
  const sinceRestart = since('deletePods');
  return gatewayRound(sinceRestart !== undefined && sinceRestart < stuckMs ? 'unsupported-protocol' : 'accepted');
};

describe('scenario gateway-listener-stuck', () => {
  it('reproduces on KIC 3.4.3: the listener stays UnsupportedProtocol and /echo stays down', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', world: gatewayRestart(Infinity) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal(FAULT);
    expect(run.judgement.symptoms.map((s) => [s.signature, s.subject])).to.deep.equal([
      ['listener-unsupported-protocol', 'Gateway/kong/listener/http'],
      ['route-unreachable', '/echo'],
    ]);
  });

  it('sets up the echo backend and the Gateway API objects on the split topology', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', world: gatewayRestart(Infinity) });

    expect(run.target.topology).to.equal('split');
    expect(callsIn(run, 'setup')).to.deep.equal([`apply Namespace/chaos-gateway Deployment/chaos-gateway/echo Service/chaos-gateway/echo ${GATEWAY_API_OBJECTS}`]);
  });

  it('recovers on KIC 3.4.4 when the listener is Accepted again within 20 s', async () => {
    const run = await runFake(scenario, { kic: '3.4.4', world: gatewayRestart(20_000) });

    expectJudged(run, { outcome: 'recovered', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal(FAULT);
    const faultAt = run.judgement.window!.faultAt;
    expect(run.judgement.symptoms.map((s) => s.clearedAt! - faultAt)).to.deep.equal([20_000, 20_000]);
  });

  it('is not reproduced on KIC 3.5.13 when the listener stays Accepted through the restart', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', world: gatewayRestart(0) });

    expectJudged(run, { outcome: 'not-reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal(FAULT);
  });

  it('is a regression when KIC 3.4.4, which has the fix, stays stuck', async () => {
    const run = await runFake(scenario, { kic: '3.4.4', world: gatewayRestart(Infinity) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'regression' });
    expect(callsIn(run, 'fault')).to.deep.equal(FAULT);
  });

  it('is inconclusive, and injects no fault, when the listener is never Accepted before the fault', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', world: () => gatewayRound('unsupported-protocol') });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/^steady-state failed: steady state not reached: .*UnsupportedProtocol/);
    expect(run.calls.map((c) => `${c.phase} ${c.op}`)).to.deep.equal(['setup apply']);
    expect(run.entries.some((e) => e.kind === 'fault')).to.equal(false);
  });

  it('is inconclusive with the API server reason when the setup apply fails', async () => {
    const refusal = new Error('no matches for kind "Gateway" in version "gateway.networking.k8s.io/v1"');
    const run = await runFake(scenario, { kic: '3.4.3', world: gatewayRestart(Infinity), fail: { apply: refusal } });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.equal(`setup failed: ${refusal.message}`);
    expect(run.calls.map((c) => `${c.phase} ${c.op}`)).to.deep.equal(['setup apply']);
    expect(run.entries.filter((e) => e.kind === 'route' || e.kind === 'condition')).to.deep.equal([]);
  });
});
