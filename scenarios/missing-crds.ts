import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { kongCrd } from '../harness/faults/crds.ts';
import { defineScenario } from '../harness/runner/scenario.ts';
import { rollBackend } from './steps.ts';

const NS = 'chaos-crds';
/** KongIngress is the CRD the seed report's controller kept failing to list */
const DELETED_CRD = 'kongingresses';

const manifests = () => [namespace(NS), ...echoBackend(NS), ingress({ namespace: NS, name: 'canary', path: '/canary', service: 'echo' })];

/**
 * The steady state already proves the canary Ingress routable with the CRDs missing: a KIC that
 * cannot route at all without them makes the run inconclusive (the reason names the route),
 * never a pass. The fault then asks KIC for a change it must deliver.
 *
 * Expected (catalog, unconfirmed, so `observe`): modern KIC disables the controllers whose CRDs
 * are missing and stays healthy: `not-reproduced`. KIC 0.x logged the list failure forever
 * (seed blog), which would read `reproduced`.
 */
export default defineScenario({
  id: 'missing-crds',
  title: 'KIC started without its CRDs',
  namespace: NS,
  sources: ['https://github.com/Kong/charts/blob/main/charts/kong/README.md#crd-management'],
  requires: { modes: ['dbless', 'postgres'], topologies: ['single', 'split'] },
  install: (_target, variant) => (variant === 'delete-crd' ? { deletesCrds: true } : { skipCrds: true }),
  signatures: [
    {
      id: 'kic-crd-list-failed',
      kind: 'log',
      component: 'controller',
      description: 'KIC keeps trying to list or watch a Kong resource whose CRD does not exist',
      pattern: /failed to (list|watch) \*v1(beta1)?\.Kong\w+|the server could not find the requested resource/i,
    },
    { id: 'canary-unreachable', kind: 'route', description: 'canary Ingress /canary not answering 200 through the proxy', route: '/canary' },
  ],
  expectations: { '*': 'observe' },
  variants: {
    'delete-crd': {
      description: `install the CRDs, then delete the ${DELETED_CRD} CRD while KIC runs`,
      fault: {
        describe: `delete CRD ${kongCrd(DELETED_CRD).metadata.name}, then roll the echo backend`,
        async run(ctx) {
          await ctx.remove([kongCrd(DELETED_CRD)]);
          ctx.progress(`deleted CRD ${kongCrd(DELETED_CRD).metadata.name}`);
          await rollBackend(ctx, NS);
        },
      },
    },
  },
  probes: { routes: [{ route: '/canary', path: '/canary', expectStatus: 200 }], intervalMs: 2000 },
  window: { observeMs: 120_000 },
  manifests,
  setup: {
    describe: 'install Kong with helm --skip-crds, then apply the echo backend and a canary Ingress /canary',
    run: (ctx) => ctx.apply(manifests()),
  },
  fault: {
    describe: 'roll the echo backend: KIC, running without its CRDs, must push the new pod IPs',
    run: (ctx) => rollBackend(ctx, NS),
  },
});
