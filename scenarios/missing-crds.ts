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
 * What KIC does without its CRDs, read at v3.4.1 and v3.5.13. Only the Gateway API controllers
 * and the KongLicense controller wait for their CRDs (crds.DynamicCRDController,
 * internal/manager/controllerdef.go and setup.go); the Kong CRD controllers (KongPlugin,
 * KongIngress, ...) start whenever their flag is on, which is the default. controller-runtime then
 * retries the informer every 10 s, logging `if kind is a CRD, it should be installed before
 * calling Start` (pkg/internal/source/kind.go@v0.21.0, KIC 3.5's; @v0.19.3, KIC 3.4's), and after
 * KIC's `--cache-sync-timeout` (2 min, internal/cmd/rootcmd/config/cli.go@v3.5.13) the controller
 * fails (`Could not wait for Cache to sync`, `timed out waiting for cache to be synced for Kind
 * *v1.KongPlugin`, pkg/internal/controller/controller.go), the manager stops and the
 * ingress-controller container exits and is restarted: a crash loop, `reproduced`. In `single`
 * the Kong pod goes NotReady with it, so the canary may fail too.
 *
 * The steady state still needs the canary routable before the fault: a KIC that never delivers
 * anything makes the run inconclusive (the reason names the route), never a pass. The window
 * holds two cache-sync timeouts, so that the first crash falls inside it.
 *
 * delete-crd: the CRDs were there at start, so every controller synced; deleting one leaves its
 * informer re-listing with backoff (at most 30 s apart), each failure logged as `failed to list
 * *v1.KongIngress: the server could not find the requested resource` (tools/cache/reflector.go
 * @v0.33.2 and @v0.32.0, the client-go of KIC 3.5 and 3.4). Nothing on that path stops the
 * manager, so KIC should stay up; that is read from source only, hence `observe`.
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
      id: 'kic-crd-not-installed',
      kind: 'log',
      component: 'controller',
      description: 'a KIC controller for a Kong kind started without its CRD (controller-runtime cannot get an informer)',
      pattern: /if kind is a CRD, it should be installed before calling Start/,
      provenance: [
        'pkg/internal/source/kind.go@v0.21.0',
        'pkg/internal/source/kind.go@v0.19.3',
        'internal/manager/controllerdef.go@v3.5.13',
        'internal/manager/controllerdef.go@v3.4.1',
      ],
    },
    {
      id: 'kic-cache-sync-timeout',
      kind: 'log',
      component: 'controller',
      description: "a KIC controller's cache never synced for a Kong kind within --cache-sync-timeout: the manager stops",
      pattern: /timed out waiting for cache to be synced for Kind \*v1(alpha1|beta1)?\.Kong\w+/,
      provenance: [
        'pkg/internal/controller/controller.go@v0.21.0',
        'pkg/internal/source/kind.go@v0.21.0',
        'pkg/internal/controller/controller.go@v0.19.3',
        'internal/cmd/rootcmd/config/cli.go@v3.5.13',
      ],
    },
    {
      id: 'kic-crd-list-failed',
      kind: 'log',
      component: 'controller',
      description: 'an informer of KIC keeps failing to list a Kong resource whose CRD is gone',
      pattern: /failed to list \*v1(alpha1|beta1)?\.Kong\w+: the server could not find the requested resource/i,
      // the reflector backs off to at most 30 s between attempts
      holdMs: 90_000,
      provenance: ['tools/cache/reflector.go@v0.33.2', 'tools/cache/reflector.go@v0.32.0'],
    },
    {
      id: 'kic-container-restarted',
      kind: 'condition',
      description: 'the ingress-controller container exited with an error and was restarted',
      objectKind: 'Pod',
      scope: 'container/ingress-controller',
      type: 'LastTermination',
      reason: 'Error',
      // the manager's Start error ends KIC (cobra.CheckErr exits 1); the kubelet names a non-zero exit `Error`
      provenance: ['internal/manager/run.go@v3.5.13', 'internal/cmd/rootcmd/rootcmd.go@v3.5.13', 'pkg/internal/controller/controller.go@v0.21.0'],
    },
    {
      id: 'canary-unreachable',
      kind: 'route',
      description: 'canary Ingress /canary not answering 200 through the proxy',
      route: '/canary',
      provenance: ['internal/manager/controllerdef.go@v3.5.13'],
    },
  ],
  expectations: { '*': 'reproduced' },
  variants: {
    'delete-crd': {
      description: `install the CRDs, then delete the ${DELETED_CRD} CRD while KIC runs`,
      expectations: { '*': 'observe' },
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
  probes: { routes: [{ route: '/canary', path: '/canary', expectStatus: 200 }], containers: ['controller'], intervalMs: 2000 },
  window: { observeMs: 240_000 },
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
