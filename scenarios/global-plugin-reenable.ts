import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { ingress, kongClusterPlugin } from '../harness/manifests/kong.ts';
import type { KubeObject } from '../harness/manifests/types.ts';
import { defineScenario, type ScenarioContext } from '../harness/runner/scenario.ts';

const NS = 'chaos-global-plugin';
export const GLOBAL_PLUGIN = 'chaos-global-key-auth';
/**
 * Admin API reads while waiting for Kong to hold the disabled plugin. The ScenarioContext has no
 * clock, so the wait is counted in reads; at a few milliseconds each this outlasts KIC's 3 s sync
 * many times over.
 */
export const MAX_DISABLE_READS = 3000;

/** key-auth on every route, as the `global: "true"` label asks; `disabled` toggles it */
export function globalKeyAuth(disabled: boolean): KubeObject {
  return { ...kongClusterPlugin({ name: GLOBAL_PLUGIN, plugin: 'key-auth', global: true }), disabled };
}

const base = () => [namespace(NS), ...echoBackend(NS), ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' }), globalKeyAuth(false)];

/** Whether Kong's Admin API shows the global key-auth plugin, and whether it is enabled. */
async function globalKeyAuthState(ctx: ScenarioContext): Promise<'enabled' | 'disabled' | 'absent'> {
  const plugin = (await ctx.admin.list('/plugins')).find((p) => p.name === 'key-auth' && p.tags?.includes(`k8s-name:${GLOBAL_PLUGIN}`));
  if (!plugin) return 'absent';
  return plugin['enabled'] === false ? 'disabled' : 'enabled';
}

/**
 * The re-enable must reach Kong as a change of its own: applied before Kong held the disabled
 * plugin, KIC could fold both edits into one sync and Kong would never see the toggle.
 */
async function awaitDisabled(ctx: ScenarioContext): Promise<void> {
  for (let read = 1; read <= MAX_DISABLE_READS; read++) {
    if ((await globalKeyAuthState(ctx)) === 'disabled') {
      ctx.progress(`Kong holds the disabled plugin after ${read} Admin API read(s)`);
      return;
    }
  }
  throw new Error(`Kong never showed ${GLOBAL_PLUGIN} disabled in ${MAX_DISABLE_READS} Admin API reads`);
}

/**
 * Expected (catalog, unconfirmed on current versions, so `observe`): `not-reproduced` — the
 * route answers 401 again soon after the re-enable; `recovered` when a probe catches the 200 of
 * the moment before KIC's sync; `reproduced` only if the 200 outlasts the window, the bug of
 * Kong/kong#8436 and KIC #899.
 */
export default defineScenario({
  id: 'global-plugin-reenable',
  title: 'A global plugin disabled and re-enabled stays off',
  namespace: NS,
  sources: ['https://github.com/Kong/kong/issues/8436', 'https://github.com/Kong/kubernetes-ingress-controller/issues/899'],
  requires: { modes: ['dbless', 'postgres'], topologies: ['single', 'split'] },
  signatures: [
    {
      id: 'plugin-not-enforced',
      kind: 'route',
      description: 'Ingress /echo without credentials answers other than 401: the global key-auth is not enforced',
      route: '/echo',
      provenance: ['https://github.com/Kong/kong/issues/8436', 'https://github.com/Kong/kubernetes-ingress-controller/issues/899'],
    },
  ],
  expectations: { '*': 'observe' },
  // key-auth is on during the steady state and after the fault: a request without a key gets 401
  probes: { routes: [{ route: '/echo', path: '/echo', expectStatus: 401 }], intervalMs: 2000 },
  window: { observeMs: 120_000 },
  manifests: () => [...base(), globalKeyAuth(true)],
  setup: {
    describe: `apply the echo backend, Ingress /echo and KongClusterPlugin ${GLOBAL_PLUGIN} (key-auth, global)`,
    run: (ctx) => ctx.apply(base()),
  },
  fault: {
    describe: `set disabled: true on ${GLOBAL_PLUGIN}, wait until Kong's Admin API shows it disabled, then set disabled: false`,
    async run(ctx) {
      await ctx.apply([globalKeyAuth(true)]);
      await awaitDisabled(ctx);
      await ctx.apply([globalKeyAuth(false)]);
    },
  },
});
