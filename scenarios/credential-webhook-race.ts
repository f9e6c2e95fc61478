import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { keyAuthCredential, kongConsumer } from '../harness/manifests/consumers.ts';
import { jwtCredential, kongVault } from '../harness/manifests/credentials.ts';
import { ingress } from '../harness/manifests/kong.ts';
import type { KubeObject } from '../harness/manifests/types.ts';
import type { ExpectationTable } from '../harness/judge/expectations.ts';
import { defineScenario, type Admission, type ScenarioContext, type Step } from '../harness/runner/scenario.ts';
import { echoProbes } from './probes.ts';
import { ingressUnpublished } from './steps.ts';

const NS = 'chaos-credentials';
/** how many conflicting objects are created at the same moment */
export const RACERS = 5;
/** the one value every racer shares; a fixture, not a credential anyone uses */
const SHARED_KEY = 'kong-chaos-race-key';
const SHARED_USERNAME = 'kong-chaos-race';
const SHARED_VAULT_PREFIX = 'chaos-race';
export const ADMISSIONS_FACT = 'admissions';

type Race = 'jwt-key' | 'keyauth-key' | 'consumer-username' | 'vault-prefix';
const indexes = Array.from({ length: RACERS }, (_, i) => i + 1);
const secretName = (i: number) => `race-credential-${i}`;

function raceOf(variant: string | undefined): Race {
  return (variant ?? 'jwt-key') as Race;
}

/**
 * Credential Secrets that no consumer references yet: KIC's webhook checks a Secret's unique
 * fields only once a managed KongConsumer references it, so these are admitted one by one.
 */
function credentials(race: Race): KubeObject[] {
  if (race === 'jwt-key') return indexes.map((i) => jwtCredential({ namespace: NS, name: secretName(i), key: SHARED_KEY, secret: `kong-chaos-race-secret-${i}` }));
  if (race === 'keyauth-key') return indexes.map((i) => keyAuthCredential({ namespace: NS, name: secretName(i), key: SHARED_KEY }));
  return [];
}

/**
 * The objects created at the same moment, all carrying the same unique value. For credentials
 * the racers are the consumers: each one's admission builds its uniqueness index from the
 * consumers its cached client lists, which does not hold the other racers yet.
 */
function racers(race: Race): KubeObject[] {
  switch (race) {
    case 'jwt-key':
    case 'keyauth-key':
      return indexes.map((i) => kongConsumer({ namespace: NS, name: `race-${i}`, username: `race-${i}`, credentials: [secretName(i)] }));
    case 'consumer-username':
      return indexes.map((i) => kongConsumer({ namespace: NS, name: `race-${i}`, username: SHARED_USERNAME }));
    case 'vault-prefix':
      return indexes.map((i) => kongVault({ name: `chaos-race-${i}`, prefix: SHARED_VAULT_PREFIX, config: { prefix: 'KONG_CHAOS_RACE_' } }));
  }
}

const echoIngress = () => ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' });
/** a valid change made after the conflict: does it still reach Kong? */
const canary = () => ingress({ namespace: NS, name: 'canary', path: '/canary', service: 'echo' });
const baseline = (race: Race) => [namespace(NS), ...echoBackend(NS), echoIngress(), ...credentials(race)];

const RACE_DESCRIPTIONS: Record<Race, string> = {
  'jwt-key': `${RACERS} KongConsumers, each referencing a jwt credential Secret with the same key`,
  'keyauth-key': `${RACERS} KongConsumers, each referencing a key-auth credential Secret with the same key`,
  'consumer-username': `${RACERS} KongConsumers with the same username`,
  'vault-prefix': `${RACERS} KongVaults with the same spec.prefix`,
};

function raceFault(r: Race): Step {
  return { describe: `create ${RACE_DESCRIPTIONS[r]} at once, then the canary Ingress /canary`, run: (ctx) => race(ctx, r) };
}

async function race(ctx: ScenarioContext, r: Race): Promise<void> {
  const objects = racers(r);
  const admissions = await ctx.createConcurrently(objects);
  const admitted = admissions.filter((a) => a.admitted);
  ctx.record({ kind: 'fact', at: Date.now(), name: ADMISSIONS_FACT, value: summary(admissions) });
  ctx.progress(`admitted ${admitted.length} of ${objects.length} conflicting objects`);
  // Without two admitted racers no conflict reaches KIC, and the blast radius cannot be judged.
  if (admitted.length < 2) {
    const refused = admissions.find((a) => !a.admitted);
    throw new Error(`the webhook admitted ${admitted.length} of ${objects.length} conflicting objects, so no conflict reached KIC${refused?.message ? ` (${refused.message})` : ''}`);
  }
  await ctx.apply([canary()]);
}

function summary(admissions: Admission[]): { admitted: number; of: number; refused: Admission[] } {
  return { admitted: admissions.filter((a) => a.admitted).length, of: admissions.length, refused: admissions.filter((a) => !a.admitted) };
}

/** KIC 3.4.0 (#6585) drops every consumer whose credential conflicts, so the rest of the config still applies. */
const CREDENTIALS_CONTAINED: ExpectationTable = { '<3.4.0': 'reproduced', '>=3.4.0': ['not-reproduced', 'recovered'] };
const VAULTS_CONTAINED: ExpectationTable = { '*': ['not-reproduced', 'recovered'] };

/**
 * How this reads. The outcome is the blast radius of the conflict: Kong rejecting the whole
 * configuration (`KongConfigurationApplyFailed`), the canary Ingress created after the conflict
 * never published (KIC publishes an Ingress's address only once Kong holds it), or the route
 * that served before the conflict failing. That the webhook admitted more than one racer is the
 * precondition, recorded as the `admissions` fact; with fewer than two the fault fails and the run
 * is inconclusive. A contained conflict — `KongConfigurationTranslationFailed` with `Secret has
 * conflicting credential: conflict detected in "jwt-auth on 'key'" index`, or `spec.prefix "…" is
 * duplicate` for vaults — is on the timeline as an Event but is not a symptom: it is what the fixed
 * versions are expected to do. The canary needs one sync before KIC publishes it even when all is
 * well, so a contained conflict may read `recovered` rather than `not-reproduced`; both pass.
 *
 * Every pinned KIC is ≥3.4.1 (3.4.0's images were withdrawn), so the `<3.4.0` rule, the catalog's
 * `reproduced`, applies to no version that can run here.
 */
export default defineScenario({
  id: 'credential-webhook-race',
  title: 'Conflicting resources created concurrently pass validation',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kubernetes-ingress-controller/issues/6577',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/6585',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/5412',
    'https://github.com/Kong/kubernetes-ingress-controller/issues/4063',
  ],
  requires: { modes: ['dbless', 'postgres'], topologies: ['single', 'split'] },
  signatures: [
    {
      id: 'config-apply-failed',
      kind: 'event',
      description: 'Kong rejected the configuration KIC pushed (the whole config in DB-less mode)',
      reason: 'KongConfigurationApplyFailed',
      provenance: ['internal/dataplane/kong_client.go@v3.4.20', 'https://github.com/Kong/kubernetes-ingress-controller/issues/6577'],
    },
    {
      ...ingressUnpublished('canary-unpublished', 'an Ingress KIC has not pushed to Kong (status.loadBalancer empty): the canary created after the conflict'),
      // the Ingress reconciler publishes an address only for objects a successful push reported
      provenance: ['internal/controllers/configuration/zz_generated.controllers.go@v3.4.20', 'https://github.com/Kong/kubernetes-ingress-controller/issues/6577'],
    },
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'Ingress /echo, routed before the conflict, not answering 200',
      route: '/echo',
      // DB-less: Kong refuses the whole POST /config, so nothing after the conflict is served either
      provenance: ['internal/dataplane/sendconfig/inmemory.go@v3.4.20', 'https://github.com/Kong/kubernetes-ingress-controller/issues/6577'],
    },
  ],
  expectations: CREDENTIALS_CONTAINED,
  variants: {
    'keyauth-key': {
      description: `${RACE_DESCRIPTIONS['keyauth-key']}, created at once`,
      expectations: CREDENTIALS_CONTAINED,
      fault: raceFault('keyauth-key'),
    },
    'consumer-username': {
      description: `${RACE_DESCRIPTIONS['consumer-username']}, created at once; no translation-level dedup is known (#4063), unconfirmed`,
      expectations: { '*': 'observe' },
      fault: raceFault('consumer-username'),
    },
    'vault-prefix': {
      description: `${RACE_DESCRIPTIONS['vault-prefix']}, created at once; KIC translates one KongVault per prefix. The kong/kong chart's webhook does not watch KongVaults, so all are admitted`,
      // KongVault arrived in KIC 3.1.0 with the duplicate-prefix drop built in (#5354, #5412,
      // KIC CHANGELOG 3.1.0): no KIC with KongVaults lacks it, so no version reproduces
      expectations: VAULTS_CONTAINED,
      fault: raceFault('vault-prefix'),
    },
  },
  probes: echoProbes(NS, 'canary'),
  window: { observeMs: 120_000, recoverMs: 90_000 },
  manifests: (_target, variant) => {
    const r = raceOf(variant);
    return [...baseline(r), ...racers(r), canary()];
  },
  setup: {
    describe: `apply the echo backend, Ingress /echo and, for credential races, ${RACERS} unreferenced credential Secrets with the same key`,
    run: (ctx) => ctx.apply(baseline(raceOf(ctx.variant))),
  },
  // the default race is the reported one (#6577): jwt credentials with the same key
  fault: raceFault('jwt-key'),
  remediation: {
    describe: 'delete every conflicting object but the first (and its credential Secret), so the canary can be pushed',
    async run(ctx) {
      const r = raceOf(ctx.variant);
      await ctx.remove([...racers(r).slice(1), ...credentials(r).slice(1)]);
      ctx.progress(`deleted ${RACERS - 1} of ${RACERS} conflicting objects`);
    },
  },
});
