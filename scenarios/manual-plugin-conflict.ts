import { echoBackend, echoService, namespace } from '../harness/manifests/backend.ts';
import { ingress, kongPlugin } from '../harness/manifests/kong.ts';
import { defineScenario } from '../harness/runner/scenario.ts';
import { pluginCacheKeyViolation } from './steps.ts';

const NS = 'chaos-manual-plugin';
const PLUGIN = 'response-transformer';
const KONG_PLUGIN = 'echo-headers';
/**
 * Marks the plugin made "by hand" so that the remediation deletes that one and nothing else. KIC
 * ignores it all the same: it lists only entities tagged `managed-by-ingress-controller`.
 */
export const HAND_MADE_TAG = 'kong-chaos-hand-made';

const base = () => [namespace(NS), ...echoBackend(NS), ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' })];
/** the same plugin type, now declared in Kubernetes and attached to the echo Service */
const declared = () => [
  kongPlugin({ namespace: NS, name: KONG_PLUGIN, plugin: PLUGIN, config: { add: { headers: ['x-chaos-managed:1'] } } }),
  echoService(NS, 'echo', { 'konghq.com/plugins': KONG_PLUGIN }),
];

/** The Kong Service KIC made for the echo Service: tagged with its Kubernetes name and namespace. */
function isEchoService(s: { name?: string; tags?: string[] | null }): boolean {
  const tags = s.tags ?? [];
  return (tags.includes('k8s-name:echo') && tags.includes(`k8s-namespace:${NS}`)) || s.name === `${NS}.echo.80`;
}

/**
 * Expected, per the catalog (unconfirmed on current versions, so `observe`): KIC logs the 409
 * on every sync and the controller Pod gets `KongConfigurationApplyFailed`, so the outcome is
 * `reproduced`; deleting the hand-made plugin lets KIC create its own, and the remediation
 * `cleared` (the catalog's "recovered after remediation").
 */
export default defineScenario({
  id: 'manual-plugin-conflict',
  title: '409 because a plugin was created by hand in Kong',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kong/blob/master/kong/db/errors.lua',
    'https://github.com/Kong/go-database-reconciler/blob/main/pkg/diff/diff.go',
    'https://github.com/Kong/kubernetes-ingress-controller/blob/main/internal/dataplane/sendconfig/dbmode.go',
    'https://github.com/Kong/kong/issues/8276',
  ],
  requires: { modes: ['postgres'], topologies: ['single'] },
  signatures: [
    {
      id: 'kic-create-conflict',
      kind: 'log',
      component: 'controller',
      description: 'KIC fails to create a plugin Kong already holds (action create): HTTP 409, UNIQUE violation',
      // KIC lists only entities tagged for it, so go-database-reconciler does not see the
      // hand-made plugin and emits a Create; a drifted plugin (plugin-id-drift) is found by name
      // and attached entities and is an Update. The entity kind must be plugin: a 409 on a
      // consumer or a route is another story. After the message the fields come in any order
      // (JSON, console, unwrapped), hence the lookaheads; the reconciler's own error names the
      // operation too (`while processing event: Create plugin … failed: HTTP status 409`).
      pattern:
        /failed updating gateway entity(?=.*action\W{0,4}create\b)(?=.*kind\W{0,4}plugin\b)(?=.*(?:409|UNIQUE violation detected on))|while processing event: Create plugin .*?failed: HTTP status 409/,
      provenance: [
        'internal/dataplane/sendconfig/dbmode.go@v3.4.5',
        'pkg/types/plugin.go@v1.22.7',
        'pkg/diff/diff.go@v1.22.7',
        'pkg/crud/types.go@v1.22.7',
        'kong/db/errors.lua@3.9.1',
      ],
    },
    pluginCacheKeyViolation('kong-cache-key-violation', 'Kong rejects the plugin on the cache_key unique constraint (the same line as plugin-id-drift since KIC 3.4.5: KIC\'s action, create or update, tells them apart)'),
    {
      id: 'config-apply-failed',
      kind: 'event',
      description: 'Kong rejected configuration KIC pushed',
      reason: 'KongConfigurationApplyFailed',
      provenance: ['internal/dataplane/kong_client.go@v3.4.5', 'internal/dataplane/sendconfig/error_handling.go@v3.4.5'],
    },
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'Ingress /echo not answering 200 through the proxy',
      route: '/echo',
      provenance: ['https://github.com/Kong/kong/issues/8276'],
    },
  ],
  expectations: { '*': 'observe' },
  probes: { routes: [{ route: '/echo', path: '/echo', expectStatus: 200 }], intervalMs: 3000 },
  window: { observeMs: 120_000, recoverMs: 90_000 },
  manifests: () => [...base(), ...declared()],
  setup: {
    describe: 'apply the echo backend and Ingress /echo, without plugins',
    run: (ctx) => ctx.apply(base()),
  },
  fault: {
    describe: `create a ${PLUGIN} plugin on KIC's echo Service through the Admin API (not tagged for KIC), then attach a KongPlugin of the same type to the echo Service`,
    async run(ctx) {
      const services = await ctx.admin.list('/services');
      const service = services.find(isEchoService);
      if (!service) throw new Error(`no Kong Service for ${NS}/echo among ${services.length}: KIC has not synced the Ingress`);
      const made = await ctx.admin.createPlugin(`/services/${service.id}`, { name: PLUGIN, config: { add: { headers: ['x-chaos-hand-made:1'] } }, tags: [HAND_MADE_TAG] });
      ctx.progress(`created ${PLUGIN} ${made.id} on service ${service.name ?? service.id} by hand`);
      await ctx.apply(declared());
    },
  },
  remediation: {
    describe: 'delete the hand-made plugin through the Admin API and let KIC create its own',
    async run(ctx) {
      const made = (await ctx.admin.listPlugins()).filter((p) => p.tags?.includes(HAND_MADE_TAG));
      for (const p of made) await ctx.admin.deletePlugin(p.id);
      ctx.progress(`deleted ${made.length} hand-made plugin(s)`);
    },
  },
});
