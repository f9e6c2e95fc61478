import { expect } from 'chai';
import type { Observation } from '../../../harness/evidence/types.ts';
import semver from 'semver';
import { helmReleases, merge, PLANNED_ADMIN_TLS, type Values } from '../../../harness/kong/values.ts';
import { requirementsOf, targetFor } from '../../../harness/runner/plan.ts';
import type { Scenario, UpgradeChange } from '../../../harness/runner/scenario.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { scenarios } from '../../../scenarios/index.ts';
import { GLOBAL_PLUGIN } from '../../../scenarios/global-plugin-reenable.ts';
import { FakeContext, type AdminPlugin, type Script } from '../../support/fake-context.ts';

const versions = loadVersions();

/** Dotted paths of every null in `values`. */
function nulls(values: unknown, path = ''): string[] {
  if (values === null) return [path];
  if (typeof values !== 'object') return [];
  return Object.entries(values).flatMap(([key, value]) => nulls(value, path ? `${path}.${key}` : key));
}

/**
 * KIC's push failure while it cannot reach the gateways, as its JSON log has it
 * (internal/dataplane/synchronizer.go@v3.5.13): the proof that admin-api-partition's and
 * gateway-listener-stuck's faults took, which their steps wait for before they go on.
 */
const CUT_OFF: Script['world'] = () => [
  { kind: 'log', component: 'controller', pod: 'kong-controller-0', container: 'ingress-controller', line: '{"level":"error","time":"2025-06-02T10:00:00Z","msg":"Could not send configuration to gateways","error":"no ready gateway clients"}' },
];

/**
 * KIC's readiness check moving a stopped gateway's client to pending (internal/clients/readiness.go
 * @v3.5.8, debug level): the proof admin-api-tls-servername's fault waits for.
 */
const TURNED_PENDING: Script['world'] = () => [
  { kind: 'log', component: 'controller', pod: 'kong-controller-0', container: 'ingress-controller', line: '{"level":"debug","time":"2026-06-02T10:01:08Z","logger":"setup.readiness-checker","msg":"Already created client is not ready, moving to pending","v":1,"address":"https://10.244.0.14:8444","reason":"Get \\"https://10.244.0.14:8444/status\\": dial tcp 10.244.0.14:8444: connect: connection refused"}' },
];

/**
 * What Kong holds once KIC has synced, for the scenarios whose steps read it through the Admin
 * API before they go on: the Service of the echo Ingress, the global key-auth plugin disabled;
 * and the controller's log where a step waits for proof that its fault took.
 */
/**
 * A gateway pod that came back from the fault, Ready and read, as config-resync-after-restart's
 * steps wait for: a new name after the pods were deleted, the restart counted after the nodes were.
 */
const GATEWAY_BACK: Script['world'] = ({ since }) => {
  const pod = since('deletePods') === undefined ? 'kong-gateway-7c9f6d8b5d-4kq2x' : 'kong-gateway-7c9f6d8b5d-p7w2r';
  const restarts = since('restartWorkerNodes') === undefined ? 0 : 1;
  return [
    { kind: 'pod-config', pod, ready: true, configHash: '4a8a08f09d37b73795649038408b5f33', routes: [] },
    { kind: 'condition', object: { kind: 'Pod', name: pod, namespace: 'kong' }, scope: 'container/proxy', type: 'LastTermination', status: 'False', reason: 'None', message: `restarts=${restarts}, ready=true` },
  ];
};

const SYNCED_KONG: Record<string, Partial<Script>> = {
  'config-resync-after-restart': { world: GATEWAY_BACK },
  'admin-api-partition': { world: CUT_OFF },
  'gateway-listener-stuck': { world: CUT_OFF },
  'admin-api-tls-servername': { world: TURNED_PENDING },
  'manual-plugin-conflict': { entities: { '/services': [{ id: '8f3c2a61-5b7e-4d1a-9c0f-2e6b4a9d7c13', name: 'chaos-manual-plugin.echo.80', tags: ['k8s-name:echo', 'k8s-namespace:chaos-manual-plugin'] }] } },
  'global-plugin-reenable': { plugins: [{ id: '2c9e4f7a-1b3d-4e6f-8a0c-5d7e9f1b3a25', name: 'key-auth', tags: [`k8s-name:${GLOBAL_PLUGIN}`], enabled: false } as AdminPlugin] },
};

/** The upgrades a scenario's steps ask for, run against a fake context where nothing goes wrong. */
async function upgradesOf(scenario: Scenario, variant: string | undefined, target: ReturnType<typeof targetFor>): Promise<UpgradeChange[]> {
  const entries: Observation[] = [];
  const timeline = { entries, record: (o: Observation) => void entries.push(o) };
  const ctx = new FakeContext(target, variant, timeline, { world: () => [], ...SYNCED_KONG[scenario.id] }, scenario.probes.intervalMs);
  const fault = (variant === undefined ? undefined : scenario.variants[variant]?.fault) ?? scenario.fault;
  for (const step of [scenario.setup, fault, scenario.remediation, scenario.cleanup]) if (step) await step.run(ctx);
  return ctx.calls.flatMap((c) => (c.op === 'upgrade' ? [c.change] : []));
}

/** Every KIC version a combination runs on at either end of its range, since installs may depend on it. */
function kicEnds(range: string | undefined): string[] {
  const allowed = versions.kic.versions.filter((v) => range === undefined || semver.satisfies(v, range));
  return [...new Set([semver.minSatisfying(allowed, '*')!, semver.maxSatisfying(allowed, '*')!])];
}

describe('Helm values of every scenario, variant, topology and mode hold no null', () => {
  for (const scenario of scenarios) {
    for (const variant of [undefined, ...Object.keys(scenario.variants)]) {
      const requires = requirementsOf(scenario, variant);
      for (const topology of requires.topologies) {
        for (const mode of requires.modes) {
          for (const kic of kicEnds(requires.kic)) {
            it(`${scenario.id}${variant ? ` (${variant})` : ''} on ${topology} × ${mode}, KIC ${kic}: install and every upgrade`, async () => {
              const target = targetFor(scenario, versions, { topology, mode, kic }, variant);
              const install = scenario.install(target, variant);
              // as KongInstallation keeps them: the install's overrides, then each upgrade's merged in
              const current = { kic: install.initialKic, gateway: install.initialGateway, values: { ...install.values } as Record<string, Values> };
              const sent = () =>
                helmReleases({
                  target,
                  versions,
                  ...(current.kic ? { kic: current.kic } : {}),
                  ...(current.gateway ? { gateway: current.gateway } : {}),
                  ...(install.gatewayReplicas ? { gatewayReplicas: install.gatewayReplicas } : {}),
                  ...(install.adminTls ? { adminTls: PLANNED_ADMIN_TLS } : {}),
                  overrides: current.values,
                });
              const releases = [sent()];
              for (const change of await upgradesOf(scenario, variant, target)) {
                expect(nulls(change.values ?? {}), 'the upgrade asks for null').to.deep.equal([]);
                if (change.kic) current.kic = change.kic;
                if (change.gateway) current.gateway = change.gateway;
                for (const [release, values] of Object.entries(change.values ?? {})) current.values[release] = merge(current.values[release] ?? {}, values);
                releases.push(sent());
              }
              for (const r of releases.flat()) expect(nulls(r.values), r.release).to.deep.equal([]);
            });
          }
        }
      }
    }
  }

  it('helmReleases refuses an override that would send null, naming where', () => {
    const target = targetFor(scenarios.find((s) => s.id === 'publish-service-missing')!, versions, {});
    expect(() => helmReleases({ target, versions, overrides: { 'kong-cp': { ingressController: { env: { publish_service: null } } } } })).to.throw(
      'Helm values of release kong-cp hold null at ingressController.env.publish_service; set the value meant instead',
    );
  });
});
