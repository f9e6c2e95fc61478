import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { controllerEnvValues, featureGateEnv } from '../harness/manifests/controller-env.ts';
import { kongVault } from '../harness/manifests/credentials.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { defineScenario } from '../harness/runner/scenario.ts';
import { echoProbes } from './probes.ts';
import { ingressUnpublished } from './steps.ts';

const NS = 'chaos-blast-radius';
export const FALLBACK_GATE = 'FallbackConfiguration';

/**
 * The bad object: a KongVault whose `env` backend config Kong refuses (`config.prefix` must match
 * `^[%a_-][%a%d_-]*$`, kong/vaults/env/schema.lua@3.9.1). KIC's own webhook would ask Kong to validate it, but the kong/kong and
 * kong/ingress charts do not send KongVaults to the webhook at all, so it is admitted, and KIC
 * translates it without checking the config.
 */
export const brokenVault = () => kongVault({ name: 'chaos-broken', prefix: 'chaos-broken', config: { prefix: 'not a valid prefix!' } });
const echoIngress = () => ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' });
const canary = () => ingress({ namespace: NS, name: 'canary', path: '/canary', service: 'echo' });
const base = () => [namespace(NS), ...echoBackend(NS), echoIngress()];

/**
 * How this reads. The outcome is the blast radius: the canary Ingress applied after the bad
 * object never published (KIC publishes an address only once Kong holds the object) or the
 * route that served before failing. Kong rejecting the bad object — `KongConfigurationApplyFailed`
 * and KIC's `Could not update kong admin` — is not a symptom: KIC reports it on every sync with
 * the feature gate on as well (the recovered fallback push still returns the original error,
 * internal/dataplane/kong_client.go), and it is on the timeline either way.
 *
 * Expected, per the catalog: gate off, the canary stays unpublished until the remediation
 * deletes the bad object (`reproduced`, remediation `cleared`); gate on, KIC pushes a fallback
 * configuration without the vault and the canary is published (`not-reproduced`, or `recovered`
 * when the first probe after the fault is earlier than KIC's sync). How each mode behaves — DB
 * mode pushes entity by entity — is unconfirmed, and the expectation table has no mode axis, so
 * every verdict is `observe` until real runs settle it.
 */
export default defineScenario({
  id: 'broken-object-blast-radius',
  title: 'One bad object stops every later change',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kubernetes-ingress-controller/issues/571',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/729',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/613',
    'https://developer.konghq.com/kubernetes-ingress-controller/fallback-configuration',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/6071',
  ],
  requires: { modes: ['dbless', 'postgres'], topologies: ['single', 'split'] },
  signatures: [
    {
      ...ingressUnpublished('canary-unpublished', 'an Ingress KIC has not pushed to Kong (status.loadBalancer empty): the canary applied after the bad object'),
      provenance: [
        // the Ingress reconciler publishes an address only for objects a successful push reported
        'internal/controllers/configuration/zz_generated.controllers.go@v3.4.4',
        'internal/dataplane/kong_client.go@v3.4.4',
      ],
    },
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'Ingress /echo, routed before the bad object, not answering 200',
      route: '/echo',
      // DB-less: one POST /config with everything; Kong refuses it whole
      provenance: ['internal/dataplane/sendconfig/inmemory.go@v3.4.4', 'https://github.com/Kong/kubernetes-ingress-controller/issues/729'],
    },
  ],
  expectations: { '*': 'observe' },
  variants: {
    'fallback-on': {
      description: `KIC with the ${FALLBACK_GATE} feature gate and --use-last-valid-config-for-fallback: broken objects are left out and the rest is pushed`,
      // Before 3.4.4 a successful fallback push reports no configured objects (#7306, KIC
      // CHANGELOG 3.4.4; the report call added to tryRecoveringWithFallbackConfiguration,
      // internal/dataplane/kong_client.go@v3.4.4), so the canary is routed but never published
      // and the Ingress-status signature would read a contained fault as the blast radius.
      requires: { kic: '>=3.4.4' },
      expectations: { '*': 'observe' },
    },
  },
  install: (target, variant) =>
    variant === 'fallback-on' ? { values: controllerEnvValues(target.topology, { ...featureGateEnv(target, FALLBACK_GATE), use_last_valid_config_for_fallback: true }) } : {},
  probes: echoProbes(NS, 'canary'),
  window: { observeMs: 120_000, recoverMs: 90_000 },
  manifests: () => [...base(), brokenVault(), canary()],
  setup: {
    describe: 'apply the echo backend and Ingress /echo',
    run: (ctx) => ctx.apply(base()),
  },
  fault: {
    describe: 'apply a KongVault with an env config Kong rejects (the webhook never sees it), then the canary Ingress /canary',
    async run(ctx) {
      await ctx.apply([brokenVault()]);
      await ctx.apply([canary()]);
    },
  },
  remediation: {
    describe: 'delete the bad KongVault; the canary must then be pushed',
    run: (ctx) => ctx.remove([brokenVault()]),
  },
});
