import { expect } from 'chai';
import scenario, { SETTLE_MS, WINDOW_EVIDENCE_MS } from '../../scenarios/gateway-listener-stuck.ts';
import { callsIn, expectJudged, gatewayCondition, logLine, routeAnswer, runFake, type Call, type Sighting, type World } from '../support/fake-context.ts';
import { holds, kicJson } from '../support/scenarios-control.ts';

const GATEWAY = { namespace: 'chaos-gateway', name: 'kong' };
const POLICY = 'kong-chaos-admin-partition';
const RECREATED = 'GatewayClass/kong Gateway/chaos-gateway/kong';
const GATEWAY_API_OBJECTS = `${RECREATED} HTTPRoute/chaos-gateway/echo`;
/** #7015 with its timing held: the window opened by the policy, the pods deleted, the Gateway re-created inside it */
const FAULT = [`apply NetworkPolicy/kong/${POLICY}`, 'deletePods gateway', `remove ${RECREATED}`, `apply ${RECREATED}`, `remove NetworkPolicy/kong/${POLICY}`];
/** a replaced gateway pod's Admin API answers this soon; KIC's discovery takes not-ready endpoints too */
const POD_BACK_MS = 8_000;

/** The Gateway as #7015 shows it either way: Gateway-level conditions stay True, only the listener changes. */
function gatewayRound(listener: 'accepted' | 'unsupported-protocol' | 'none'): Sighting[] {
  const stuck = listener === 'unsupported-protocol';
  return [
    gatewayCondition(GATEWAY, { type: 'Accepted', status: 'True', reason: 'Accepted' }),
    gatewayCondition(GATEWAY, { type: 'Programmed', status: 'True', reason: 'Programmed' }),
    ...(listener === 'none'
      ? []
      : [
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
        ]),
  ];
}

/** KIC's sync with no client (internal/dataplane/kong_client.go@v3.4.3), as `--log-format json` prints it */
const noClients = (at: number) => kicJson(at, { msg: 'Could not send configuration to gateways', error: 'no ready gateway clients' });

interface Kic {
  /** 3.4.4+ (#7293): a Gateway reconcile without clients fails and is retried; 3.4.3 writes empty listeners and is done */
  fixed: boolean;
  /** whether KIC's "no ready gateway clients" line shows up while it has no client */
  logs?: boolean;
}

/**
 * KIC has no client from the gateway pods' deletion until a replacement answers, which the policy
 * postpones until it is removed. A Gateway reconcile runs when the Gateway is (re-)created; its
 * listener status is what the clients said at that moment, and on 3.4.3 nothing re-queues it.
 */
function kic({ fixed, logs = true }: Kic): World {
  return ({ now, calls }) => {
    const clientsAt = (at: number, upTo: readonly Call[]) => {
      const deleted = upTo.find((c) => c.op === 'deletePods');
      if (!deleted || at < deleted.at) return true;
      return !holds(upTo, 'NetworkPolicy', POLICY) && at - deleted.at >= POD_BACK_MS;
    };
    const clients = clientsAt(now, calls);
    const recreatedAt = calls.findLast((c) => c.op === 'apply' && c.phase === 'fault' && c.objects.some((o) => o.kind === 'Gateway'));
    let listener: 'accepted' | 'unsupported-protocol' | 'none' = 'accepted';
    if (recreatedAt && !clientsAt(recreatedAt.at, calls.slice(0, calls.indexOf(recreatedAt) + 1))) listener = fixed ? (clients ? 'accepted' : 'none') : 'unsupported-protocol';
    return [
      ...gatewayRound(listener),
      // new gateway pods hold no configuration until KIC reaches them; no accepted listener, no route either
      routeAnswer('/echo', clients && listener === 'accepted' ? 200 : 404),
      ...(!clients && logs ? [logLine('controller', noClients(now), 'kong-controller-6c9d7b8f4-m5n2k')] : []),
    ];
  };
}

describe('scenario gateway-listener-stuck', () => {
  it('reproduces on KIC 3.4.3: the Gateway re-created without clients keeps UnsupportedProtocol after they return', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', world: kic({ fixed: false }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'pass' });
    expect(callsIn(run, 'fault')).to.deep.equal(FAULT);
    expect(run.judgement.symptoms.map((s) => [s.signature, s.subject, s.clearedAt])).to.deep.equal([
      ['route-unreachable', '/echo', undefined],
      ['listener-unsupported-protocol', 'Gateway/kong/listener/http', undefined],
    ]);
  });

  it('relies on this timing: the Gateway is re-created and settles inside the no-client window, which outlasts a pod restart', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', world: kic({ fixed: false }) });
    const at = (line: string) => run.calls.find((c) => c.phase === 'fault' && callsIn({ calls: [c] }, 'fault')[0] === line)!.at;
    const deleted = at('deletePods gateway');
    const recreated = at(`apply ${RECREATED}`);
    const lifted = at(`remove NetworkPolicy/kong/${POLICY}`);
    const firstNoClient = run.entries.find((e) => e.kind === 'log')!.at;

    // the window is seen open before the re-creation, and held past the settle
    expect(firstNoClient).to.be.within(deleted, recreated);
    expect(lifted - recreated).to.be.at.least(SETTLE_MS);
    // without the hold a replaced pod would be back before the re-created Gateway settled
    expect(deleted + POD_BACK_MS).to.be.below(recreated + SETTLE_MS);
    expect(lifted).to.be.at.least(recreated + SETTLE_MS);
    expect(at(`apply NetworkPolicy/kong/${POLICY}`)).to.be.below(deleted);
  });

  it('sets up the echo backend and the Gateway API objects on the split topology', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', world: kic({ fixed: false }) });

    expect(run.target.topology).to.equal('split');
    expect(callsIn(run, 'setup')).to.deep.equal([`apply Namespace/chaos-gateway Deployment/chaos-gateway/echo Service/chaos-gateway/echo ${GATEWAY_API_OBJECTS}`]);
  });

  it('recovers on KIC 3.4.4: the reconcile without clients is retried, and /echo returns once the hold is lifted', async () => {
    const run = await runFake(scenario, { kic: '3.4.4', world: kic({ fixed: true }) });

    expectJudged(run, { outcome: 'recovered', verdict: 'pass' });
    expect(run.judgement.symptoms.map((s) => s.signature)).to.deep.equal(['route-unreachable']);
  });

  it('is a regression when KIC 3.5.13 stays stuck', async () => {
    const run = await runFake(scenario, { kic: '3.5.13', world: kic({ fixed: false }) });

    expectJudged(run, { outcome: 'reproduced', verdict: 'regression' });
  });

  it('is inconclusive, never fixed, when KIC never shows the no-client window; the hold is lifted', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', world: kic({ fixed: false, logs: false }) });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.equal(`fault failed: no no-client window: KIC logged no "no ready gateway clients" within ${WINDOW_EVIDENCE_MS / 1000} s of the gateway pods going`);
    expect(callsIn(run, 'fault')).to.deep.equal([`apply NetworkPolicy/kong/${POLICY}`, 'deletePods gateway', `remove NetworkPolicy/kong/${POLICY}`]);
  });

  it('is inconclusive, and injects no fault, when the listener is never Accepted before the fault', async () => {
    const run = await runFake(scenario, { kic: '3.4.3', world: () => [...gatewayRound('unsupported-protocol'), routeAnswer('/echo', 404)] });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.match(/^steady-state failed: steady state not reached: .*UnsupportedProtocol/);
    expect(run.calls.map((c) => `${c.phase} ${c.op}`)).to.deep.equal(['setup apply']);
    expect(run.entries.some((e) => e.kind === 'fault')).to.equal(false);
  });

  it('is inconclusive with the API server reason when the setup apply fails', async () => {
    const refusal = new Error('no matches for kind "Gateway" in version "gateway.networking.k8s.io/v1"');
    const run = await runFake(scenario, { kic: '3.4.3', world: kic({ fixed: false }), fail: { apply: refusal } });

    expectJudged(run, { outcome: 'inconclusive', verdict: 'error' });
    expect(run.judgement.reason).to.equal(`setup failed: ${refusal.message}`);
    expect(run.calls.map((c) => `${c.phase} ${c.op}`)).to.deep.equal(['setup apply']);
    expect(run.entries.filter((e) => e.kind === 'route' || e.kind === 'condition')).to.deep.equal([]);
  });
});
