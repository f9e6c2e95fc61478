import semver from 'semver';
import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { basicAuthCredential, kongConsumer } from '../harness/manifests/consumers.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { defineScenario, type RouteProbe } from '../harness/runner/scenario.ts';
import { ingressUnpublished } from './steps.ts';
import { OLDEST_KIC, previousKic } from './upgrade-gate.ts';

const NS = 'chaos-sni';
const TLS_HOST = 'sni.chaos.test';
const TLS_SECRET = 'sni-cert';

/**
 * The last release of each line before KIC dropped the SNI's certificate back reference in
 * DB-less configuration (#7853, shipped in 3.4.12 and 3.5.5 — KIC CHANGELOG 3.4.12 and 3.5.5);
 * 3.4.13 and 3.5.6 put it back (#7875, #7873).
 */
const BEFORE_THE_CHANGE: Record<string, string> = { '3.4': '3.4.11', '3.5': '3.5.4' };

/**
 * Where the upgrade starts: the release before the change for a target after it, so that the
 * TLS Ingress is configured before the upgrade whatever the target; otherwise the previous
 * release, like the upgrade gate (a target before the change never had it).
 */
export function startingKic(kic: string): string | undefined {
  const before = BEFORE_THE_CHANGE[`${semver.major(kic)}.${semver.minor(kic)}`];
  return before !== undefined && semver.gt(kic, before) ? before : previousKic(kic);
}

const TLS_ROUTE: RouteProbe = { route: `https://${TLS_HOST}/tls-echo`, path: '/tls-echo', host: TLS_HOST, tls: true };

const tlsIngress = () => ingress({ namespace: NS, name: 'tls-echo', path: '/tls-echo', service: 'echo', tls: { host: TLS_HOST, secretName: TLS_SECRET } });
const canary = () => ingress({ namespace: NS, name: 'canary', path: '/canary', service: 'echo' });

/**
 * The configuration before the upgrade: an Ingress over plain HTTP, an Ingress with `tls` for
 * one host, and a consumer with a basic-auth credential. The consumer is what sends Kong 3.9 down
 * the path that rejects an SNI without its certificate: a basic-auth credential nested in its
 * consumer fails the first validation pass (its password transformation needs `consumer.id`,
 * kong/plugins/basic-auth/daos.lua@3.9.3), Kong validates again with foreign keys required and
 * fills them from the nesting, except for SNIs nested in certificates, which it skips because
 * `certificates` has a `snis` field of its own (populate_ids_for_validation,
 * kong/db/schema/others/declarative_config.lua@3.9.3; fixed in https://github.com/Kong/kong/pull/14082,
 * after 3.9). Without such an entity Kong 3.9.3 accepts nested SNIs without the back reference
 * (spec/02-integration/04-admin_api/15-off_spec.lua@3.9.3); KIC's own test of the back reference
 * is a TLS Ingress with a basic-auth consumer (testdata golden ingress-v1-rule-with-tls-and-consumer,
 * https://github.com/Kong/kubernetes-ingress-controller/pull/6660).
 */
const base = () => [
  namespace(NS),
  ...echoBackend(NS),
  ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' }),
  tlsIngress(),
  basicAuthCredential({ namespace: NS, name: 'sni-consumer-basic-auth', username: 'sni-consumer' }),
  kongConsumer({ namespace: NS, name: 'sni-consumer', username: 'sni-consumer', credentials: ['sni-consumer-basic-auth'] }),
];

/**
 * How this reads. KIC builds the DB-less configuration with every certificate's SNIs nested in
 * it; 3.4.12 and 3.5.5 leave out each SNI's `certificate` when the configuration is in-memory
 * (`GetFCertificateFromKongCert(inmemory, …)`, internal/dataplane/deckgen/deckgen.go@v3.5.5 and
 * @v3.4.12). Kong 3.9 answers the whole POST /config with 400,
 * `declarative config is invalid: {certificates={{snis={{certificate="required field missing"}}}}}`
 * (kong/db/schema/entities/snis.lua@3.9.3: `certificate` required; kong/db/errors.lua@3.9.3).
 * The flattened error names the SNI, which carries no Kubernetes tags, so KIC logs it and
 * records no Event on the Ingress (internal/dataplane/sendconfig/inmemory_error_handling.go@v3.5.5);
 * the Pod Event `KongConfigurationApplyFailed` carries Kong's message
 * (internal/dataplane/kong_client.go@v3.5.5).
 *
 * Topology `split`: upgrading KIC replaces the controller pod only; the gateways keep the
 * configuration they hold (a rejected POST /config changes nothing, and KIC pushes back the last
 * valid one it fetched from them, kong_client.go@v3.5.5), so HTTP and HTTPS keep answering and
 * the symptom is that no change reaches Kong: the canary Ingress is never published. In `single`
 * KIC is a sidecar of Kong: the upgrade's new pod starts an empty Kong that never gets a
 * configuration, so it never turns Ready (/status/ready answers 503 without one,
 * kong/status/ready.lua@3.9.3) and the rollout stalls behind the old pod, which keeps serving
 * with the old KIC; that is a stuck upgrade, not this scenario's symptom, and `single` is left out.
 *
 * DB mode is not affected: KIC sets the back reference whenever the configuration is not
 * in-memory (deckgen.go@v3.5.5; `InMemory` is `dbMode.IsDBLessMode()`, internal/manager/run.go
 * @v3.5.5), and the CHANGELOG says "in dbless mode". A postgres run would only re-prove that, so
 * the scenario runs DB-less only.
 */
export default defineScenario({
  id: 'sni-certificate-backref',
  title: 'A TLS Ingress breaks the whole configuration on Kong 3.9 (KIC 3.4.12 / 3.5.5)',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7853',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7873',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7875',
    'https://github.com/Kong/kubernetes-ingress-controller/blob/main/CHANGELOG.md#356',
    'https://github.com/Kong/kong/pull/14082',
  ],
  requires: {
    modes: ['dbless'],
    topologies: ['split'],
    // an upgrade needs a version to start from: the oldest listed KIC has none
    kic: `>${OLDEST_KIC}`,
    // Kong fills the back reference itself from 3.10 on ("for 3.10+ the SNI certificate
    // backreference is optional", KIC CHANGELOG 3.5.6; https://github.com/Kong/kong/pull/14082, not
    // in 3.9.3); every pinned release before it, 3.8.1 and 3.9.0-3.9.3, skips it
    // (declarative_config.lua@3.8.1, @3.9.0, @3.9.3)
    gateway: '<3.10.0',
  },
  // `requires.kic` refuses the one KIC without a predecessor
  install: (target) => ({ initialKic: startingKic(target.kic)! }),
  signatures: [
    {
      id: 'sni-certificate-missing',
      kind: 'event',
      description: 'Kong 3.9 rejects the pushed configuration: an SNI nested in its certificate has no `certificate`',
      reason: 'KongConfigurationApplyFailed',
      // pl.pretty's rendering of the error table, quotes escaped once or not at all
      message: /snis=\{.*certificate=\\?"required field missing/,
      provenance: [
        'kong/db/schema/others/declarative_config.lua@3.9.3',
        'kong/db/schema/entities/snis.lua@3.9.3',
        'kong/db/errors.lua@3.9.3',
        'internal/dataplane/deckgen/deckgen.go@v3.5.5',
        'internal/dataplane/kong_client.go@v3.5.5',
        'KIC CHANGELOG 3.5.6',
        'KIC CHANGELOG 3.4.13',
      ],
    },
    {
      id: 'sni-error-untagged',
      kind: 'log',
      component: 'controller',
      description: 'KIC cannot tie Kong\'s error to a Kubernetes object: the rejected entity is an SNI, which carries no tags',
      // the raw error follows the entity type: an SNI whose `certificate` Kong found missing
      pattern: /API error returned from the gateway for an entity is missing Kubernetes metadata in tags.*"type": ?"sni".*"field": ?"certificate".*required field missing/,
      provenance: ['internal/dataplane/sendconfig/inmemory_error_handling.go@v3.5.5', 'internal/dataplane/sendconfig/inmemory_error_handling.go@v3.4.12', 'kong/db/errors.lua@3.9.3'],
    },
    {
      ...ingressUnpublished('canary-unpublished', 'an Ingress applied after the upgrade never pushed to Kong (status.loadBalancer empty)'),
      // the Ingress reconciler publishes an address only for objects a successful push reported
      provenance: ['internal/controllers/configuration/zz_generated.controllers.go@v3.5.5', 'internal/dataplane/kong_client.go@v3.5.5', 'KIC CHANGELOG 3.5.6'],
    },
    {
      id: 'tls-route-unreachable',
      kind: 'route',
      description: `HTTPS to ${TLS_HOST} not answered 200 with the certificate made for it`,
      route: TLS_ROUTE.route,
      provenance: ['KIC CHANGELOG 3.5.6', 'KIC CHANGELOG 3.4.13'],
    },
  ],
  expectations: { '3.4.12 || 3.5.5': 'reproduced', '*': 'not-reproduced' },
  probes: {
    routes: [{ route: '/echo', path: '/echo', expectStatus: 200 }, TLS_ROUTE],
    ingresses: [
      { namespace: NS, name: 'echo' },
      { namespace: NS, name: 'tls-echo' },
      { namespace: NS, name: 'canary' },
    ],
    intervalMs: 2000,
  },
  window: { observeMs: 120_000 },
  manifests: () => [...base(), canary()],
  setup: {
    describe: `make a CA and a certificate for ${TLS_HOST} into the kubernetes.io/tls Secret ${TLS_SECRET}; apply the echo backend, Ingress /echo, Ingress /tls-echo with tls for ${TLS_HOST}, and a consumer with a basic-auth credential`,
    async run(ctx) {
      await ctx.tlsSecret(NS, TLS_SECRET, [TLS_HOST]);
      await ctx.apply(base());
    },
  },
  fault: {
    describe: 'helm upgrade KIC to the target with the TLS Ingress in place, then apply the canary Ingress /canary',
    async run(ctx) {
      await ctx.upgrade({ kic: ctx.target.kic });
      ctx.progress(`upgraded KIC to ${ctx.target.kic}`);
      await ctx.apply([canary()]);
    },
  },
});
