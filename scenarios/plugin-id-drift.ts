import { echoBackend, echoService, namespace } from '../harness/manifests/backend.ts';
import { ingress, kongClusterPlugin, kongPlugin } from '../harness/manifests/kong.ts';
import { defineScenario } from '../harness/runner/scenario.ts';
import { upstreamTargetsProblem } from '../harness/judge/admin-predicates.ts';
import { pluginCacheKeyViolation, rollBackend } from './steps.ts';

const NS = 'chaos-plugins';
/** KIC tags every entity it manages; the remediation deletes only those. */
const MANAGED_TAG = 'managed-by-ingress-controller';
/**
 * The last release before the bug: plugins created here get IDs that Kong picks. 3.4.5 fills
 * every plugin ID itself, deterministically (#7410, KIC CHANGELOG 3.4.5; the UUIDv5 ids in
 * internal/dataplane/testdata/golden/kongplugin-instance-name/default_golden.yaml@v3.4.5), so it
 * drifts only from plugins an older KIC made: a 3.4.5 restarted over its own plugins computes
 * the same IDs again and has nothing to drift from.
 */
const LAST_GOOD = '3.4.4';

// Plugins at every level that has a cache_key of its own: route, service and global.
const manifests = () => [
  namespace(NS),
  ...echoBackend(NS).filter((o) => o.kind !== 'Service'),
  echoService(NS, 'echo', { 'konghq.com/plugins': 'echo-service-header' }),
  kongPlugin({ namespace: NS, name: 'echo-route-header', plugin: 'response-transformer', config: { add: { headers: ['x-chaos-route:1'] } } }),
  kongPlugin({ namespace: NS, name: 'echo-service-header', plugin: 'response-transformer', config: { add: { headers: ['x-chaos-service:1'] } } }),
  kongPlugin({ namespace: NS, name: 'echo-correlation', plugin: 'correlation-id', config: { header_name: 'x-chaos-correlation', generator: 'uuid' } }),
  kongClusterPlugin({ name: 'chaos-global-request-id', plugin: 'correlation-id', global: true, config: { header_name: 'x-chaos-request-id', generator: 'uuid' } }),
  ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo', plugins: ['echo-route-header', 'echo-correlation'] }),
];

export default defineScenario({
  id: 'plugin-id-drift',
  title: 'DB mode re-creates existing plugins with new IDs',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kubernetes-ingress-controller/issues/7440',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7410',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7446',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7448',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7455',
  ],
  requires: { modes: ['postgres'], topologies: ['single'], kic: '>=3.4.5' },
  install: (_target, variant) => (variant === 'node-termination' ? { initialKic: LAST_GOOD, gatewayReplicas: 2 } : { initialKic: LAST_GOOD }),
  signatures: [
    pluginCacheKeyViolation('plugin-cache-key-violation', 'Kong rejects a plugin write on the cache_key unique constraint'),
    {
      id: 'kic-plugin-update-failed',
      kind: 'log',
      component: 'controller',
      description: 'KIC fails to update a plugin it already manages in Kong (action update: the plugin exists under another id)',
      // go-database-reconciler finds the plugin by name and attached entities, sees another id
      // and emits an Update, which it sends as PUT /plugins/{new id}; a hand-made plugin is not
      // in KIC's tag-filtered state and is a Create. KIC logs the action per entity, and the
      // reconciler's error names it (`while processing event: Update plugin …`). #7440's title
      // says "Create", but its failing INSERT carries the old plugin's created_at under a
      // UUIDv5 id: the Update path, which keeps created_at (pkg/file/builder.go@v1.22.7).
      pattern: /failed updating gateway entity(?=.*action\W{0,4}update\b)(?=.*kind\W{0,4}plugin\b)|while processing event: Update plugin /,
      provenance: [
        'internal/dataplane/sendconfig/dbmode.go@v3.4.5',
        'pkg/types/plugin.go@v1.22.7',
        'pkg/diff/diff.go@v1.22.7',
        'pkg/crud/types.go@v1.22.7',
        'pkg/file/builder.go@v1.22.7',
        'https://github.com/Kong/kubernetes-ingress-controller/issues/7440',
      ],
    },
    {
      id: 'stale-upstream-targets',
      kind: 'admin',
      query: 'upstream-targets',
      description: 'Admin API upstream targets do not follow the backend pods (sync stuck)',
      problem: upstreamTargetsProblem,
      // a working KIC pushes new targets within a sync (3 s); the judge's 15 s persistence
      // keeps a probe caught before that sync from counting
      provenance: ['internal/dataplane/synchronizer.go@v3.4.6', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7440'],
    },
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'Ingress /echo not answering 200 through the proxy',
      route: '/echo',
      provenance: ['https://github.com/Kong/kubernetes-ingress-controller/issues/7440'],
    },
  ],
  expectations: { '3.4.5': 'reproduced', '>=3.4.6': 'not-reproduced' },
  variants: {
    'node-termination': {
      description: `the node that runs KIC ${LAST_GOOD} dies (Karpenter-style) and its replacement comes up on the target KIC, as a floating image tag would pull it; the trigger is only reported by a secondary blog`,
      shape: 'multi-node',
      expectations: { '*': 'observe' },
      fault: {
        describe: `docker kill the kind node running the KIC ${LAST_GOOD} pod, delete its Node object, bring KIC back on the target version, then roll the echo backend`,
        async run(ctx) {
          const node = await ctx.terminateNodeOf('controller');
          ctx.progress(`terminated node ${node}`);
          await ctx.upgrade({ kic: ctx.target.kic });
          await rollBackend(ctx, NS);
        },
      },
    },
  },
  probes: { routes: [{ route: '/echo', path: '/echo', expectStatus: 200 }], admin: ['upstream-targets'], intervalMs: 3000 },
  window: { observeMs: 180_000, recoverMs: 120_000 },
  manifests,
  setup: {
    describe: `install KIC ${LAST_GOOD} in DB mode, apply the echo backend, an Ingress /echo and plugins on its route, its Service and globally`,
    run: (ctx) => ctx.apply(manifests()),
  },
  fault: {
    describe: `helm upgrade the controller image from ${LAST_GOOD} to the target KIC, then roll the echo backend`,
    async run(ctx) {
      await ctx.upgrade({ kic: ctx.target.kic });
      await rollBackend(ctx, NS);
    },
  },
  remediation: {
    describe: `delete the plugins tagged ${MANAGED_TAG} through the Admin API and let KIC re-create them`,
    async run(ctx) {
      const managed = (await ctx.admin.listPlugins()).filter((p) => p.tags?.includes(MANAGED_TAG));
      for (const p of managed) await ctx.admin.deletePlugin(p.id);
      ctx.progress(`deleted ${managed.length} managed plugins`);
    },
  },
});
