import { adminTlsNameLost } from '../harness/diagnose/field-signatures.ts';
import type { LogSignature } from '../harness/judge/signatures.ts';
import { componentNames } from '../harness/kong/names.ts';
import type { Values } from '../harness/kong/values.ts';
import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { defineScenario, type ScenarioContext } from '../harness/runner/scenario.ts';
import type { Target } from '../harness/targets/target.ts';
import { echoProbes } from './probes.ts';
import { deleteGatewayPods, ingressUnpublished } from './steps.ts';

// shared with diagnose: a run narrows a field signature, never forks it
export { adminTlsNameLost };

const NS = 'chaos-admin-tls';
const echoIngress = () => ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' });
/** the route change made once the gateways are back: it reaches Kong only through a ready client */
const canaryIngress = () => ingress({ namespace: NS, name: 'canary', path: '/canary', service: 'echo' });

/**
 * Two gateway pods, read one by one (the gatewayPods probe): if KIC's readiness check catches one
 * pod's restart and not the other's, the pod KIC can still reach takes the canary and the other
 * keeps the configuration from before, which only a per-pod view shows.
 */
const GATEWAY_REPLICAS = 2;

/**
 * KIC's debug line when a gateway client it created fails its readiness check
 * (checkAlreadyCreatedClient, internal/clients/readiness.go@v3.4.1, @v3.4.15, @v3.5.8,
 * @v3.5.13, same text): the moment the bug needs, a client turned pending. Every version logs
 * it; it proves the fault took, it is no symptom.
 */
const clientTurnedPending: LogSignature = {
  id: 'gateway-client-turned-pending',
  kind: 'log',
  component: 'controller',
  description: 'KIC moved a gateway client to pending after a failed readiness check',
  pattern: /Already created client is not ready, moving to pending/,
  provenance: ['internal/clients/readiness.go@v3.5.8', 'internal/clients/readiness.go@v3.4.15'],
};

/**
 * KIC's readiness check runs every 10 s with a 5 s timeout (DefaultDataPlanesReadinessReconciliationInterval
 * and DefaultDataPlanesReadinessCheckTimeout, pkg/manager/config/consts.go@v3.5.13); twice the
 * interval and the timeout together.
 */
export const PENDING_EVIDENCE_MS = 30_000;
/** a restarted Kong answering before KIC's check looked is missed; each retry stops Kong again */
export const RESTART_ATTEMPTS = 3;
/**
 * Between the proof and the canary: the kubelet starting the container again (up to its 10 s
 * back-off on a repeated restart), Kong starting, and one readiness check to re-create the client.
 * A fixed KIC is reaching the gateways again by then, so the canary is a change it can deliver.
 */
export const GATEWAYS_BACK_MS = 30_000;

/** Debug logging: the TLS failure of a re-created client is logged at debug level only (field-signatures.ts adminTlsNameLost). */
function debugLogValues(target: Target): Record<string, Values> {
  return { [componentNames(target.topology).controller.release]: { controller: { ingressController: { env: { log_level: 'debug' } } } } };
}

async function restartInPlace(ctx: ScenarioContext): Promise<void> {
  for (let attempt = 1; attempt <= RESTART_ATTEMPTS; attempt++) {
    const pods = await ctx.restartGatewayContainers();
    ctx.progress(`stopped Kong in ${pods.join(', ')} (attempt ${attempt}): the kubelet restarts the container in the same pod, same IP`);
    if (await ctx.waitForSignature(clientTurnedPending, PENDING_EVIDENCE_MS)) {
      await ctx.wait(GATEWAYS_BACK_MS);
      await ctx.apply([canaryIngress()]);
      ctx.progress('applied Ingress /canary: it reaches Kong only if KIC can re-create the gateway clients');
      return;
    }
  }
  // without a client turned pending, a clean run would read `not-reproduced` for the wrong reason
  throw new Error(`the restart did not take: KIC moved no gateway client to pending within ${PENDING_EVIDENCE_MS / 1000} s of any of ${RESTART_ATTEMPTS} restarts`);
}

/**
 * How this reads (#7950). KIC's gateway discovery names each Admin API by its pod IP and gives the
 * client the server name `pod.<admin Service>.<namespace>.svc` to verify the certificate against
 * (internal/adminapi/endpoints.go@v3.4.3 and @v3.5.8). When a client fails the readiness check, KIC
 * moves it to pending with its address and pod only, not the server name
 * (checkAlreadyExistingClients, internal/clients/readiness.go@v3.4.15 and @v3.5.8), and re-creates it
 * from that, so Go verifies the certificate against the pod IP and fails on every later attempt.
 * Nothing corrects it while the pod stays: discovery notifies only when the set of discovered
 * Admin APIs changes (kongadminapi_controller.go@v3.5.8), and a pod restarted in place keeps its
 * IP, its name and so its entry. So the fault restarts Kong inside its container; a deleted pod
 * would come back as a new pod with a new IP, discovered afresh with its server name (variant
 * `delete-pods`). The same reading gives the remediation: deleting the stuck pods gives KIC new
 * entries, with the name (adjustGatewayClients, internal/clients/manager.go@v3.5.8).
 *
 * KIC before 3.4.3 discovered addresses without a server name and verified every client against
 * `--kong-admin-tls-server-name` (internal/adminapi/endpoints.go, kong.go and client.go@v3.4.1),
 * which the harness sets: nothing to lose there. 3.4.3 (#7033) brought the per-client name, and
 * 3.4.16 / 3.5.9 keep it on the pending client (KIC CHANGELOG 3.4.16 and 3.5.9).
 *
 * Symptoms: KIC's TLS failure towards a restarted pod (debug level, so the install turns debug
 * logging on); the canary never configured (its Ingress never published); and, when only some
 * clients were lost, a pod that keeps the configuration from before the restart while the others
 * take the canary. A restarted Kong keeps serving what it had: DB-less Kong loads the
 * configuration persisted in LMDB under its prefix (kong/init.lua@3.9.3, "found persisted lmdb
 * config"), an emptyDir the restart keeps (charts/kong/templates/_helpers.tpl@kong-3.2.0), and DB
 * mode reads Postgres; /echo stays up, and only changes are lost.
 */
export default defineScenario({
  id: 'admin-api-tls-servername',
  title: 'Admin API mTLS fails for good after a gateway container restarts',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7950',
    'https://github.com/Kong/kubernetes-ingress-controller/blob/main/CHANGELOG.md#359',
    'https://github.com/Kong/kubernetes-ingress-controller/blob/main/CHANGELOG.md#3416',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7033',
  ],
  // gateway discovery, where KIC names each gateway by its pod IP, exists only in `split`
  requires: { modes: ['dbless', 'postgres'], topologies: ['split'] },
  install: (target) => ({ adminTls: true, gatewayReplicas: GATEWAY_REPLICAS, values: debugLogValues(target) }),
  signatures: [
    adminTlsNameLost,
    {
      ...ingressUnpublished('canary-not-applied', 'Ingress /canary, applied after the gateways came back, not configured in Kong (status.loadBalancer empty)'),
      // KIC publishes an Ingress address once its configuration reached Kong
      provenance: ['internal/controllers/configuration/zz_generated.controllers.go@v3.5.13', 'https://github.com/Kong/kubernetes-ingress-controller/pull/7950'],
    },
    {
      id: 'gateway-pods-diverged',
      kind: 'convergence',
      description: 'after the restart, a gateway pod keeps another configuration than the others for longer than 15 s',
      // the pods restart during the fault by design; a pod left behind after it is the failure
      fromFaultEnd: true,
      provenance: ['kong/api/routes/health.lua@3.9.3', 'kong/db/declarative/init.lua@3.9.3', 'internal/clients/manager.go@v3.5.8', 'https://github.com/Kong/kubernetes-ingress-controller/pull/7950'],
    },
  ],
  expectations: {
    '<3.4.3': 'not-reproduced',
    '>=3.4.3 <3.4.16': 'reproduced',
    '>=3.4.16 <3.5.0': 'not-reproduced',
    '>=3.5.0 <3.5.9': 'reproduced',
    '>=3.5.9': 'not-reproduced',
  },
  variants: {
    'delete-pods': {
      description: "delete the gateway pods instead: the new pods get new IPs and KIC discovers them afresh, server name included, so the lost name is never used",
      // a control of the fault, not of the storage: DB-less alone keeps its matrix cost down
      requires: { modes: ['dbless'] },
      expectations: { '*': 'not-reproduced' },
      fault: {
        describe: 'delete the gateway pods, wait for the new ones, then apply Ingress /canary',
        async run(ctx) {
          await deleteGatewayPods(ctx);
          await ctx.wait(GATEWAYS_BACK_MS);
          await ctx.apply([canaryIngress()]);
        },
      },
    },
  },
  probes: { ...echoProbes(NS, 'canary'), gatewayPods: {} },
  window: { observeMs: 90_000, recoverMs: 120_000 },
  manifests: () => [namespace(NS), ...echoBackend(NS), echoIngress(), canaryIngress()],
  setup: {
    describe: 'apply the echo backend and Ingress /echo (KIC reaches the gateways over mTLS, verifying their certificate by name)',
    run: (ctx) => ctx.apply([namespace(NS), ...echoBackend(NS), echoIngress()]),
  },
  fault: {
    describe: `stop Kong inside every gateway pod (the kubelet restarts the container in the same pod) until KIC moves a gateway client to pending (up to ${RESTART_ATTEMPTS} times), wait for the gateways to come back, then apply Ingress /canary`,
    run: restartInPlace,
  },
  remediation: {
    describe: 'delete the gateway pods: their replacements have new IPs, which KIC discovers with the server name; the canary must reach Kong within the recovery window',
    run: deleteGatewayPods,
  },
});
