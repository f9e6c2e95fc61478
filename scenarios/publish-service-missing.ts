import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { defineScenario, type UpgradeChange } from '../harness/runner/scenario.ts';
import { ingressUnpublished } from './steps.ts';

const NS = 'chaos-publish';
/**
 * What the chart's `kong.controller-publish-service` helper gives the control-plane release
 * when nothing overrides it: `<namespace>/<fullname>-proxy` of its own release
 * (charts/kong/templates/_helpers.tpl@kong-3.4.1), a Service that does not exist because the CP
 * runs with `proxy.enabled=false`.
 */
const CP_PROXY = 'kong-cp-kong-proxy';
/** The data plane's proxy, the address the chart README says a hybrid CP must publish. */
const DP_PROXY = 'kong/kong-dp-kong-proxy';

const publishService = (value: string): UpgradeChange => ({ values: { 'kong-cp': { ingressController: { env: { publish_service: value } } } } });

const echoIngress = () => ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' });
/** created once the misconfiguration is in place, so its status can only come from the broken KIC */
const lateIngress = () => ingress({ namespace: NS, name: 'late', path: '/late', service: 'echo' });

/**
 * How this reads. The harness's hybrid values already publish the DP proxy (the README's fix),
 * and the misconfiguration cannot be in place from the install: the steady state needs every
 * probed signature to read good, and an Ingress in a cluster with the chart's default publish
 * service is never published. So the run starts correct, and the fault takes the fix away, as
 * an upgrade that loses a values override would: it sets `publish_service` to what the chart
 * computes when the key is absent. Not `null`: Helm drops a null only for a key the chart's
 * defaults hold (coalesceTablesFullKey, pkg/chartutil/coalesce.go@v3.18.6), and
 * `ingressController.env` defaults hold only `kong_admin_tls_skip_verify`
 * (charts/kong/values.yaml@kong-3.4.1). The null would reach the chart's `mergeOverwrite`
 * (templates/_helpers.tpl@kong-3.4.1), which lets it replace the computed value, and KIC would
 * start with `CONTROLLER_PUBLISH_SERVICE=""` and exit on `the expected format is namespace/name`
 * (internal/cmd/rootcmd/env.go with internal/manager/config_validation.go@v3.4.1,
 * internal/cmd/rootcmd/config/cli_validation.go@v3.5.13). The Ingress applied after that is
 * never published and KIC logs `Reconciler error` for it; the Ingress published before keeps
 * its stale address and shows the steady state held.
 *
 * The catalog's `recovered` (reproduced before the fix, converged after it) is encoded as the
 * expectation `reproduced` plus a remediation, the README's `publish_service`, that must clear
 * every symptom inside the recovery window.
 */
export default defineScenario({
  id: 'publish-service-missing',
  title: 'Ingress status never set: publish service points at a Service that does not exist',
  namespace: NS,
  sources: [
    'https://github.com/Kong/charts/blob/main/charts/kong/templates/_helpers.tpl',
    'https://github.com/Kong/charts/blob/main/charts/kong/README.md#hybrid-mode',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/7822',
  ],
  requires: { modes: ['postgres'], topologies: ['hybrid'] },
  signatures: [
    {
      id: 'publish-service-not-found',
      kind: 'log',
      component: 'controller',
      description: `KIC's Ingress reconciler fails: the publish Service ${CP_PROXY} does not exist`,
      // zap's console encoding keeps the fields as JSON, so the quotes may come escaped
      pattern: new RegExp(`Reconciler error.*\\b[Ss]ervices? \\\\?"${CP_PROXY}\\\\?" not found`),
      // controller-runtime retries with exponential backoff, so the lines grow sparse while the
      // error stays: a line anywhere in the window means it is still there at the end
      holdMs: 150_000,
      // the reconciler returns the publish Service lookup error, controller-runtime logs it
      provenance: [
        'internal/manager/setup.go@v3.5.13',
        'internal/controllers/configuration/zz_generated.controllers.go@v3.5.13',
        'https://github.com/Kong/kubernetes-ingress-controller/issues/7822',
      ],
    },
    {
      ...ingressUnpublished('ingress-not-published', 'Ingress status.loadBalancer empty'),
      provenance: ['internal/controllers/configuration/zz_generated.controllers.go@v3.5.13', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7822'],
    },
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'Ingress /echo not answering 200 through the DP proxy',
      route: '/echo',
      // the publish service only feeds status: routing through the DP must not depend on it
      provenance: ['internal/dataplane/address_finder.go@v3.5.13'],
    },
  ],
  expectations: { '*': 'reproduced' },
  probes: {
    routes: [{ route: '/echo', path: '/echo', expectStatus: 200 }],
    // `late` reads nothing until the fault creates it
    ingresses: [
      { namespace: NS, name: 'echo' },
      { namespace: NS, name: 'late' },
    ],
    intervalMs: 3000,
  },
  window: { observeMs: 150_000, recoverMs: 300_000 },
  manifests: () => [namespace(NS), ...echoBackend(NS), echoIngress(), lateIngress()],
  setup: {
    describe: `apply the echo backend and Ingress /echo; KIC on the control plane publishes ${DP_PROXY}`,
    run: (ctx) => ctx.apply([namespace(NS), ...echoBackend(NS), echoIngress()]),
  },
  fault: {
    describe: `helm upgrade kong-cp with ingressController.env.publish_service=kong/${CP_PROXY} (the chart's default when the override is lost), then apply Ingress /late`,
    async run(ctx) {
      await ctx.upgrade(publishService(`kong/${CP_PROXY}`));
      ctx.progress(`KIC on the control plane now publishes kong/${CP_PROXY}`);
      await ctx.apply([lateIngress()]);
    },
  },
  remediation: {
    describe: `helm upgrade kong-cp with ingressController.env.publish_service=${DP_PROXY}`,
    run: (ctx) => ctx.upgrade(publishService(DP_PROXY)),
  },
});
