import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { ingress, kongPlugin } from '../harness/manifests/kong.ts';
import { defineScenario, type Admission } from '../harness/runner/scenario.ts';
import { ingressUnpublished } from './steps.ts';

const NS = 'chaos-unlicensed';
/** what the KongPlugin makes the gateway answer on /teapot: proof that the plugin, not only the route, got in */
export const TEAPOT_STATUS = 418;
/**
 * Long enough for the pods to start as well: the install does not wait for the rollout, so the
 * fault may land before Kong listens; a working KIC then configures both routes within one sync
 * (3 s, internal/dataplane/synchronizer.go@v3.5.13) of the gateway answering.
 */
const CONFIGURED_WITHIN_MS = 150_000;

const echoIngress = () => ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' });
const teapotPlugin = () => kongPlugin({ namespace: NS, name: 'teapot', plugin: 'request-termination', config: { status_code: TEAPOT_STATUS, message: 'configured by KIC' } });
const teapotIngress = () => ingress({ namespace: NS, name: 'teapot', path: '/teapot', service: 'echo', plugins: ['teapot'] });
/** what the fault applies: a route, and a route with a plugin (both OSS: `request-termination` is bundled with Kong) */
const configuration = () => [echoIngress(), teapotPlugin(), teapotIngress()];

/** variant `enterprise-plugin`: an Enterprise-only plugin, the one Kong's knowledge base shows refused without a license */
const oidcPlugin = () => kongPlugin({ namespace: NS, name: 'oidc', plugin: 'openid-connect', config: { issuer: 'https://idp.example.com/' } });
const oidcIngress = () => ingress({ namespace: NS, name: 'oidc', path: '/oidc', service: 'echo', plugins: ['oidc'] });
export const ENTERPRISE_ADMISSION_FACT = 'enterprise-plugin-admission';
const KB_NO_LICENSE = 'https://developer.konghq.com/support/kong-ingress-controller-deploying-the-kic-with-an-expired-license/';

/** The webhook's word on the Enterprise-only KongPlugin: its refusal message, or undefined when admitted. */
export function enterprisePluginRefusal(admissions: unknown): string | undefined {
  const plugin = (admissions as Admission[]).find((a) => a.object.startsWith('KongPlugin '));
  return plugin && !plugin.admitted ? `KongPlugin oidc refused at admission: ${plugin.message ?? 'no message'}` : undefined;
}

/**
 * How this reads. Since 3.10 Kong Gateway Enterprise has no free mode: without a license it
 * behaves as with an expired one (Kong Gateway 3.10 changelog, "Free mode", quoted in
 * Kong/kong#14660). What that means for a writer has changed:
 * - 3.10-3.14: after expiry "the Admin API allows OSS features to continue working" and only
 *   configured Enterprise features are read-only (Kong/docs.konghq.com#8409, the license page's
 *   expiration section); KIC writes only OSS entities here, so it should configure Kong.
 * - 3.15: "the Admin API and all interfaces become read-only until a valid license is applied"
 *   (developer.konghq.com breaking changes 3.15.0.0, Kong/developer.konghq.com#5458), and "config
 *   will not be loaded at all from the DB" (Kong/developer.konghq.com#5410): KIC cannot write.
 * Kong's knowledge base adds that an absent license (unlike an expired one) makes Kong refuse
 * Enterprise-only plugins, `openid-connect is an enterprise only plugin`, at KIC's webhook or as
 * KongConfigurationApplyFailed (variant `enterprise-plugin`), which does not square with "the
 * same as an expired license".
 * Kong Enterprise's source is not public, so none of this is confirmed by a line of code, and no
 * verbatim log line of Kong's about the license was found: the signatures are what a run sees
 * (routes, the Ingress status, KIC's push errors), and every expectation is `observe`.
 *
 * KIC itself does not look at the license: it reads Kong's version from the Admin API root,
 * refuses only versions below 3.4.1 and takes a four-part version as Enterprise
 * (internal/adminapi/kong.go and internal/manager/run.go@v3.5.13), so it starts and pushes.
 *
 * The fault is the configuration, applied once KIC and Kong run: an unlicensed Kong that
 * refuses writes has no configuration to hold before it, and the question is whether a change
 * gets in at all. So the steady state waits for nothing the fault creates (`madeByFault`), and
 * the install does not wait for the rollout: a DB-less KIC is Ready only after its first
 * successful push and a DB-less Kong only once configured (internal/dataplane/synchronizer.go
 * @v3.5.13 IsReady; kong/status/ready.lua@3.9.3), so Helm's wait would end the run before the
 * question is asked. Against a Kong that takes the configuration the run is `not-reproduced`; one
 * that refuses it, `reproduced`.
 *
 * The run never installs a license, whatever KONG_LICENSE_DATA or --license-file hold
 * (`requires.license: false`, targets/edition.ts installsLicense).
 */
export default defineScenario({
  id: 'unlicensed-gateway',
  title: 'Kong Gateway Enterprise 3.10+ without a license: can KIC still configure it?',
  namespace: NS,
  sources: [
    'https://developer.konghq.com/gateway/breaking-changes',
    'https://developer.konghq.com/gateway/entities/license/',
    'https://github.com/Kong/kong/issues/14660',
    'https://github.com/Kong/developer.konghq.com/issues/5410',
    'https://github.com/Kong/developer.konghq.com/pull/5458',
  ],
  // OSS Kong ends at 3.9 (versions.yaml), so the range admits only kong/kong-gateway images
  requires: { modes: ['dbless', 'postgres'], topologies: ['split'], gateway: '>=3.10.0', license: false },
  install: () => ({ awaitRollout: false }),
  signatures: [
    {
      id: 'route-never-configured',
      kind: 'route',
      description: 'Ingress /echo, applied after the start, not answering 200: KIC did not get its route into Kong',
      route: '/echo',
      madeByFault: true,
      persistMs: CONFIGURED_WITHIN_MS,
      provenance: ['https://github.com/Kong/developer.konghq.com/pull/5458', 'https://github.com/Kong/docs.konghq.com/pull/8409'],
    },
    {
      id: 'plugin-never-configured',
      kind: 'route',
      description: `Ingress /teapot not answering ${TEAPOT_STATUS} from its request-termination KongPlugin: the plugin (or its route) did not get into Kong`,
      route: '/teapot',
      madeByFault: true,
      persistMs: CONFIGURED_WITHIN_MS,
      provenance: ['kong/plugins/request-termination/handler.lua@3.9.3', 'https://github.com/Kong/docs.konghq.com/pull/8409'],
    },
    {
      ...ingressUnpublished('ingress-unpublished', 'an Ingress applied after the start has no address: KIC publishes one only for objects Kong took'),
      madeByFault: true,
      persistMs: CONFIGURED_WITHIN_MS,
      provenance: ['internal/controllers/configuration/zz_generated.controllers.go@v3.5.13'],
    },
    {
      id: 'push-refused-by-kong',
      kind: 'log',
      component: 'controller',
      description: 'Kong answered a KIC push with an HTTP error: POST /config (DB-less) or an entity write (DB mode) refused',
      // DB-less: the sync loop logs the push error, whose chain ends in go-kong's APIError
      // (`HTTP status %d (message: %q)`); DB mode: each refused entity write is logged first.
      // A connection error carries no HTTP status, so a gateway still starting does not match.
      pattern: /(?:Could not update kong admin|failed updating gateway entity).*HTTP status [45]\d\d\b/,
      provenance: [
        'internal/dataplane/synchronizer.go@v3.5.13',
        'internal/dataplane/kong_client.go@v3.5.13',
        'internal/dataplane/sendconfig/inmemory.go@v3.5.13',
        'internal/dataplane/sendconfig/dbmode.go@v3.5.13',
        'kong/error.go@v0.78.0 (github.com/kong/go-kong, the version go.mod@v3.5.13 pins)',
      ],
    },
    {
      id: 'enterprise-plugin-refused',
      kind: 'event',
      description: 'Kong refused the Enterprise-only plugin KIC pushed (variant enterprise-plugin): no license is loaded',
      reason: 'KongConfigurationApplyFailed',
      message: /\bis an enterprise only plugin\b/,
      provenance: [KB_NO_LICENSE, 'internal/dataplane/kong_client.go@v3.5.13'],
    },
    {
      id: 'enterprise-plugin-refused-at-admission',
      kind: 'fact',
      description: "KIC's admission webhook refused the Enterprise-only KongPlugin (variant enterprise-plugin): Kong validated it without a license",
      name: ENTERPRISE_ADMISSION_FACT,
      problem: enterprisePluginRefusal,
      provenance: [KB_NO_LICENSE, 'internal/admission/validator.go@v3.5.13'],
    },
    {
      id: 'gateway-container-restarted',
      kind: 'condition',
      description: 'the Kong container exited with an error and was restarted: the unlicensed gateway does not even run',
      objectKind: 'Pod',
      scope: 'container/proxy',
      type: 'LastTermination',
      reason: 'Error',
      // the kubelet names a non-zero exit `Error` (read by probes/container-state.ts)
      provenance: ['https://github.com/Kong/developer.konghq.com/issues/5410'],
    },
  ],
  expectations: { '*': 'observe' },
  variants: {
    'enterprise-plugin': {
      description: 'the fault also creates an Enterprise-only KongPlugin (openid-connect) on Ingress /oidc: without a license Kong refuses it, through KIC\'s admission webhook or as KongConfigurationApplyFailed (Kong knowledge base); in DB-less an admitted one may take the OSS routes down with it',
      // a question about Kong, not KIC: the newest KIC line is enough, and keeps the nightly short
      requires: { kic: '>=3.5.0' },
      expectations: { '*': 'observe' },
      fault: {
        describe: 'apply the OSS configuration, then create KongPlugin openid-connect and Ingress /oidc using it, recording what the admission webhook said',
        async run(ctx) {
          await ctx.apply(configuration());
          const admissions = await ctx.createConcurrently([oidcPlugin(), oidcIngress()]);
          ctx.record({ kind: 'fact', at: Date.now(), name: ENTERPRISE_ADMISSION_FACT, value: admissions });
          ctx.progress(enterprisePluginRefusal(admissions) ?? 'KongPlugin oidc admitted: Kong decides at the next push');
        },
      },
    },
  },
  probes: {
    routes: [
      { route: '/echo', path: '/echo', expectStatus: 200 },
      { route: '/teapot', path: '/teapot', expectStatus: TEAPOT_STATUS },
    ],
    ingresses: [
      { namespace: NS, name: 'echo' },
      { namespace: NS, name: 'teapot' },
    ],
    containers: ['gateway'],
    intervalMs: 3000,
  },
  window: { observeMs: 240_000 },
  manifests: (_target, variant) => [namespace(NS), ...echoBackend(NS), ...configuration(), ...(variant === 'enterprise-plugin' ? [oidcPlugin(), oidcIngress()] : [])],
  setup: {
    describe: 'apply the echo backend only: Kong starts with nothing of the scenario configured, and no license',
    run: (ctx) => ctx.apply([namespace(NS), ...echoBackend(NS)]),
  },
  fault: {
    describe: `apply Ingress /echo, KongPlugin request-termination (${TEAPOT_STATUS}) and Ingress /teapot using it: the first configuration KIC must push to the unlicensed gateway`,
    run: (ctx) => ctx.apply(configuration()),
  },
});
