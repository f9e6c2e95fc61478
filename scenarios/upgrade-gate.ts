import { entityDriftProblem } from '../harness/judge/drift.ts';
import { echoBackend, echoService, namespace } from '../harness/manifests/backend.ts';
import { keyAuthCredential, kongConsumer } from '../harness/manifests/consumers.ts';
import { gateway, GATEWAY_API, gatewayClass, httpRoute } from '../harness/manifests/gateway-api.ts';
import { ingress, kongClusterPlugin, kongPlugin } from '../harness/manifests/kong.ts';
import { componentNames } from '../harness/kong/names.ts';
import type { Values } from '../harness/kong/values.ts';
import { defineScenario, type RouteProbe } from '../harness/runner/scenario.ts';
import type { Signature } from '../harness/judge/signatures.ts';
import type { Target } from '../harness/targets/target.ts';
import { previousRelease } from '../harness/targets/upgrades.ts';
import { loadVersions } from '../harness/targets/versions.ts';
import { listenerUnsupportedProtocol } from './gateway-listener-stuck.ts';

const NS = 'chaos-gate';

/** Where an upgrade to `kic` starts: the previous release in its line, never a newer build of another line. */
export function previousKic(kic: string, { versions, released } = loadVersions().kic): string | undefined {
  return previousRelease(kic, versions, released);
}

/**
 * The oldest pinned KIC, the one without a predecessor to upgrade from. A literal rather than read
 * from versions.yaml at import: every command that loads the catalog (a one-line `diagnose`
 * included) would pay for the YAML parser and the schema validator. A unit test holds it equal
 * to versions.yaml.
 */
export const OLDEST_KIC = '3.4.1';

/**
 * Routes under steady traffic, one per way KIC builds one: an Ingress with plugins on its route
 * and its Service, an Ingress behind key-auth (401 without a key: the plugin holds), an HTTPRoute.
 */
const ROUTES: RouteProbe[] = [
  { route: '/gate-echo', path: '/gate-echo', expectStatus: 200 },
  { route: '/gate-auth', path: '/gate-auth', expectStatus: 401 },
  { route: '/gate-httproute', path: '/gate-httproute', expectStatus: 200 },
];

/**
 * A representative configuration: plugins at route, service, consumer and global level, a
 * consumer with a key-auth credential, Ingresses and Gateway API objects. What KIC makes of it
 * in Kong, at least: 3 routes (one per path), 2 services (the Ingresses share one backend, the
 * HTTPRoute gets its own), 5 plugins, 1 consumer.
 */
const manifests = () => [
  namespace(NS),
  ...echoBackend(NS).filter((o) => o.kind !== 'Service'),
  echoService(NS, 'echo', { 'konghq.com/plugins': 'gate-service-header' }),
  kongPlugin({ namespace: NS, name: 'gate-route-header', plugin: 'response-transformer', config: { add: { headers: ['x-chaos-route:1'] } } }),
  kongPlugin({ namespace: NS, name: 'gate-service-header', plugin: 'response-transformer', config: { add: { headers: ['x-chaos-service:1'] } } }),
  kongPlugin({ namespace: NS, name: 'gate-key-auth', plugin: 'key-auth' }),
  kongPlugin({ namespace: NS, name: 'gate-consumer-limit', plugin: 'rate-limiting', config: { minute: 10_000, policy: 'local' } }),
  kongClusterPlugin({ name: 'chaos-gate-request-id', plugin: 'correlation-id', global: true, config: { header_name: 'x-chaos-request-id', generator: 'uuid' } }),
  keyAuthCredential({ namespace: NS, name: 'gate-consumer-key' }),
  kongConsumer({ namespace: NS, name: 'gate-consumer', username: 'gate-consumer', credentials: ['gate-consumer-key'], plugins: ['gate-consumer-limit'] }),
  ingress({ namespace: NS, name: 'gate-echo', path: '/gate-echo', service: 'echo', plugins: ['gate-route-header'] }),
  ingress({ namespace: NS, name: 'gate-auth', path: '/gate-auth', service: 'echo', plugins: ['gate-key-auth'] }),
  gatewayClass('kong'),
  gateway({ namespace: NS, name: 'kong', className: 'kong' }),
  httpRoute({ namespace: NS, name: 'gate-httproute', gateway: 'kong', path: '/gate-httproute', service: 'echo' }),
];

/**
 * Two gateway pods, so that the gate sees one holding the configuration and another not; each
 * is read directly (harness/probes/convergence.ts). KIC's `--dump-config` starts its
 * diagnostics server, where the probe reads what KIC last pushed; the chart turns
 * `ingressController.env.dump_config` into CONTROLLER_DUMP_CONFIG (charts/kong/templates/_helpers.tpl
 * @kong-3.4.1), which KIC binds to the flag (internal/cmd/rootcmd/env.go@v3.4.20 and @v3.5.13).
 */
const GATEWAY_REPLICAS = 2;

function dumpConfigValues(target: Target): Record<string, Values> {
  const env = { ingressController: { env: { dump_config: 'true' } } };
  return { [componentNames(target.topology).controller.release]: target.topology === 'split' ? { controller: env } : env };
}

const routeSignatures: Signature[] = ROUTES.map((r) => ({
  id: `route-unreachable${r.route.replaceAll('/', '-')}`,
  kind: 'route',
  description: `${r.route} not answering ${r.expectStatus} through the proxy`,
  route: r.route,
  // upgrades that broke routes: plugin drift (#7440), secure-by-default protocols in a patch
  provenance: ['https://github.com/Kong/kubernetes-ingress-controller/issues/7440', 'KIC CHANGELOG 3.4.14', 'KIC CHANGELOG 3.5.7'],
}));

/**
 * The gate's expectation is that nothing happens: every symptom of the catalog that this
 * configuration can show is watched, and any of them firing during or after the upgrade, even
 * one that clears (`recovered`), is worse than `not-reproduced` and so a regression. A route or
 * Admin API state must stay bad 15 s to count (judge/outcome.ts): the upgrade replaces the Kong
 * pod in `single`, and a probe round caught before KIC's next 3 s sync is a blip. What traffic
 * such a blip loses is the traffic SLO's to judge.
 *
 * Topologies: `single` and `split`. KIC serves Gateway API in both (unmanaged GatewayClass; the
 * publish service gives the Gateway its address), so both carry the same configuration; `single`
 * comes first because DB mode, where entity drift lives (plugin-id-drift), is confirmed there,
 * and `split` adds gateway discovery. `hybrid` is left out: its control plane has no proxy.
 */
export default defineScenario({
  id: 'upgrade-gate',
  title: 'KIC / Kong upgrade with a representative configuration under traffic',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kubernetes-ingress-controller/blob/main/CHANGELOG.md',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/7440',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/7015',
  ],
  // an upgrade needs a version to start from: the oldest listed KIC has none
  requires: { modes: ['dbless', 'postgres'], topologies: ['single', 'split'], kic: `>${OLDEST_KIC}` },
  // `requires.kic` refuses the one KIC without a predecessor
  install: (target) => ({ initialKic: previousKic(target.kic)!, gatewayApi: true, gatewayReplicas: GATEWAY_REPLICAS, values: dumpConfigValues(target) }),
  // a check over every failure mode's symptoms, not a failure mode of its own
  diagnosable: false,
  signatures: [
    ...routeSignatures,
    {
      id: 'traffic-slo',
      kind: 'slo',
      description: 'traffic success below 99% during the upgrade',
      minSuccessRatio: 0.99,
      provenance: ['https://github.com/Kong/kubernetes-ingress-controller/issues/7440'],
    },
    {
      id: 'entity-drift',
      kind: 'admin',
      query: 'entity-counts',
      description: 'Kong holds fewer managed entities than configured, a duplicate plugin, or an orphaned one',
      problem: entityDriftProblem({ routes: 3, services: 2, plugins: 5, consumers: 1 }),
      provenance: ['https://github.com/Kong/kubernetes-ingress-controller/issues/7440', 'KIC CHANGELOG 3.4.6'],
    },
    {
      id: 'config-apply-failed',
      kind: 'event',
      description: 'Kong rejected configuration that KIC pushed',
      reason: 'KongConfigurationApplyFailed',
      provenance: ['internal/dataplane/kong_client.go@v3.5.13'],
    },
    {
      id: 'config-translation-failed',
      kind: 'event',
      description: 'KIC could not translate an object it translated before the upgrade',
      reason: 'KongConfigurationTranslationFailed',
      provenance: ['internal/dataplane/kong_client.go@v3.5.13', 'internal/dataplane/kongstate/kongstate.go@v3.5.13'],
    },
    {
      id: 'kic-entity-update-failed',
      kind: 'log',
      component: 'controller',
      description: 'KIC fails to write an entity to Kong (DB mode), whatever the action',
      pattern: /failed updating gateway entity/,
      provenance: ['internal/dataplane/sendconfig/dbmode.go@v3.5.13'],
    },
    {
      id: 'kong-unique-violation',
      kind: 'log',
      component: 'gateway',
      description: 'Kong rejects a write on a unique constraint (an entity re-created under a new id)',
      // Kong logs the Postgres error at NOTICE before it answers 409
      pattern: /duplicate key value violates unique constraint/,
      provenance: ['kong/db/strategies/postgres/init.lua@3.9.1', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7440'],
    },
    listenerUnsupportedProtocol,
    {
      id: 'gateway-pods-diverged',
      kind: 'convergence',
      description: 'after the upgrade, a gateway pod holds another configuration than the others, or fails a route they serve, for longer than 15 s',
      // a push reaches every gateway within one sync, 3 s apart at most (DefaultSyncSeconds,
      // internal/dataplane/synchronizer.go@v3.5.13); 15 s is a restart plus three syncs (judge/signatures.ts)
      persistMs: 15_000,
      // during the rollout old pods (in `single`, with the old KIC beside them) hold the old
      // configuration by design; a pod still behind once the rollout is over is the failure
      fromFaultEnd: true,
      provenance: ['kong/api/routes/health.lua@3.9.3', 'kong/db/declarative/init.lua@3.9.3', 'https://github.com/Kong/kubernetes-ingress-controller/issues/6219', 'https://github.com/Kong/kubernetes-ingress-controller/pull/6271'],
    },
  ],
  expectations: { '*': 'not-reproduced' },
  probes: {
    routes: ROUTES,
    conditions: [{ apiVersion: GATEWAY_API, kind: 'Gateway', namespace: NS, name: 'kong', listeners: true }],
    // `plugins` lets the gate compare plugin ids before and after the upgrade
    admin: ['entity-counts', 'plugins'],
    gatewayPods: { kic: true },
    intervalMs: 3000,
  },
  window: { observeMs: 180_000 },
  manifests,
  setup: {
    describe: 'apply the representative configuration: echo backend, plugins at every level, a consumer with a key-auth credential, two Ingresses, a Gateway and an HTTPRoute',
    run: (ctx) => ctx.apply(manifests()),
  },
  fault: {
    describe: 'helm upgrade to the target KIC (and the target Kong, when the gate installed an older one) under traffic',
    async run(ctx) {
      await ctx.upgrade({ kic: ctx.target.kic, gateway: ctx.target.gateway });
      ctx.progress(`upgraded to KIC ${ctx.target.kic}, Kong ${ctx.target.gateway}`);
    },
  },
});
