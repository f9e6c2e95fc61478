import type { Observation, PodConfigEntry } from '../harness/evidence/types.ts';
import type { ConvergenceSignature, RouteSignature } from '../harness/judge/signatures.ts';
import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { controllerEnvValues } from '../harness/manifests/controller-env.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { defineScenario, type RouteProbe, type ScenarioContext, type Step } from '../harness/runner/scenario.ts';

const NS = 'chaos-resync';

/**
 * 50 Ingresses of one path each: KIC translates objects one by one from its caches, so a push
 * built before they are all there, or a pod left with an older one, misses some routes and
 * keeps others. One Ingress with 50 paths would be all or nothing.
 */
export const PATHS = Array.from({ length: 50 }, (_, i) => `/resync-${String(i + 1).padStart(2, '0')}`);

const ROUTES: RouteProbe[] = PATHS.map((path) => ({ route: path, path, expectStatus: 200 }));

const manifests = () => [namespace(NS), ...echoBackend(NS), ...PATHS.map((path) => ingress({ namespace: NS, name: `echo${path}`, path, service: 'echo' }))];

const GATEWAY_REPLICAS = 2;

/**
 * How long the fault waits for the gateway pods to come back: a new pod starts, and KIC's
 * readiness loop adds its client every 10 s (internal/clients/manager.go@v3.4.3,
 * pkg/manager/config/consts.go@v3.5.13) before the next 3 s sync
 * (internal/dataplane/synchronizer.go@v3.5.13); after a node restart the node's kubelet starts
 * the pods again first.
 */
const BACK_WITHIN_MS = 120_000;
const ROUND_MS = 5_000;

const SOURCES = [
  'https://github.com/Kong/kubernetes-ingress-controller/issues/7685',
  'https://github.com/Kong/kubernetes-ingress-controller/issues/7205',
  'https://github.com/Kong/kubernetes-ingress-controller/issues/861',
  'https://github.com/Kong/kubernetes-ingress-controller/issues/2107',
];

const routeMissing: RouteSignature[] = ROUTES.map((r) => ({
  id: `route-missing${r.route.replaceAll('/', '-')}`,
  kind: 'route',
  description: `${r.route} not answering 200 through the proxy Service: a route the pods were not (re)configured with`,
  route: r.route,
  // every pod goes at once: each route is down until the fault step has the pods back
  fromFaultEnd: true,
  provenance: ['https://github.com/Kong/kubernetes-ingress-controller/issues/7685', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7205'],
}));

/**
 * The pods compared with each other (judge/convergence.ts): Kong's `configuration_hash` and the
 * 50 routes on each pod. What KIC last pushed is read too (`/debug/config/successful`), but its
 * hash is a SHA-256 of KIC's own content (GenerateSHA, internal/dataplane/deckgen/deckgen.go
 * @v3.5.13) and Kong's the MD5 of the body it took (kong/db/declarative/init.lua@3.9.3), so the two are shown side by
 * side in the report, never compared.
 */
const podStale: ConvergenceSignature = {
  id: 'gateway-pod-stale',
  kind: 'convergence',
  description: 'after the restart, a gateway pod holds another configuration than its peers, or fails routes they serve, for longer than 15 s',
  persistMs: 15_000,
  // the fault ends once the pods are back; before that a pod between start and first push is expected
  fromFaultEnd: true,
  provenance: ['kong/api/routes/health.lua@3.9.3', 'internal/dataplane/sendconfig/config_change_detector.go@v3.5.13', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7685'],
};

/**
 * A DB-less pod KIC never configures stays not Ready (kong/status/ready.lua@3.9.3: no Ready on
 * the empty configuration): out of the Service, so no route signature sees it. 60 s is a pod
 * start, KIC's 10 s readiness loop and several syncs.
 */
const podUnconfigured: ConvergenceSignature = {
  id: 'gateway-pod-unconfigured',
  kind: 'convergence',
  reads: 'unready',
  description: 'after the restart, a gateway pod stays not Ready (for DB-less Kong: holds no configuration) for longer than 60 s while another serves',
  persistMs: 60_000,
  fromFaultEnd: true,
  provenance: ['kong/status/ready.lua@3.9.3', 'internal/dataplane/sendconfig/config_change_detector.go@v3.5.13', 'https://github.com/Kong/kubernetes-ingress-controller/issues/6219'],
};

const gatewayPodsOf = (round: readonly Observation[]): PodConfigEntry[] => round.filter((o): o is PodConfigEntry => o.kind === 'pod-config');

/** Restart counts of the gateway pods' containers, from the `containers` probe's `LastTermination` entries (probes/container-state.ts). */
export function restartsOf(round: readonly Observation[]): Map<string, number> {
  const gateways = new Set(gatewayPodsOf(round).map((p) => p.pod));
  const out = new Map<string, number>();
  for (const o of round) {
    if (o.kind !== 'condition' || o.type !== 'LastTermination' || !gateways.has(o.object.name)) continue;
    const restarts = /restarts=(\d+)/.exec(o.message ?? '');
    if (restarts) out.set(o.object.name, Number(restarts[1]));
  }
  return out;
}

/**
 * Where the restarted gateway pods stand in one probe round: `back` once at least one of them
 * is Ready and was read; `unreadable` with the probe's error while Ready ones exist but none
 * could be read. A restarted pod that never turns Ready is no failed fault: it is what
 * `gateway-pod-unconfigured` judges.
 */
export function standingOfRestarted(round: readonly Observation[], restarted: (pod: string) => boolean): { seen: number; back: boolean; unreadable?: string } {
  const pods = gatewayPodsOf(round).filter((p) => restarted(p.pod));
  const ready = pods.filter((p) => p.ready);
  const read = ready.filter((p) => p.error === undefined);
  const unreadable = read.length === 0 ? ready.find((p) => p.error !== undefined)?.error : undefined;
  return { seen: pods.length, back: read.length > 0, ...(unreadable !== undefined ? { unreadable } : {}) };
}

/**
 * Probes until the restarted gateway pods are back, and fails the fault (the run is
 * `inconclusive`) when none restarted, or when Ready ones exist that the convergence probe
 * cannot read: then nothing can be said about their configuration.
 */
async function awaitRestartedPods(ctx: ScenarioContext, restarted: (round: readonly Observation[]) => (pod: string) => boolean, what: string): Promise<void> {
  let seen = 0;
  let unreadable: string | undefined;
  for (let waited = 0; waited <= BACK_WITHIN_MS; waited += ROUND_MS) {
    const round = await ctx.probe();
    const standing = standingOfRestarted(round, restarted(round));
    if (standing.back) {
      ctx.progress(`${standing.seen} ${what} gateway pod(s) back and read`);
      return;
    }
    seen = Math.max(seen, standing.seen);
    unreadable = standing.unreadable ?? unreadable;
    await ctx.wait(ROUND_MS);
  }
  if (seen === 0) throw new Error(`the fault did not take: no ${what} gateway pod within ${BACK_WITHIN_MS / 1000} s`);
  if (unreadable !== undefined) throw new Error(`the convergence probe could not read the ${what} gateway pods: ${unreadable}`);
  ctx.progress(`${seen} ${what} gateway pod(s), none Ready after ${BACK_WITHIN_MS / 1000} s: the window judges them`);
}

const deleteAll: Step = {
  describe: `delete every gateway pod at once (${GATEWAY_REPLICAS}), and wait until their replacements are up`,
  async run(ctx) {
    const deleted = new Set(await ctx.deletePods('gateway'));
    ctx.progress(`deleted gateway pods ${[...deleted].join(', ')}`);
    await awaitRestartedPods(ctx, () => (pod) => !deleted.has(pod), 'replacement');
  },
};

const restartAllNodes: Step = {
  describe: 'docker stop every kind worker node at once, then docker start them all (the control plane stays up), and wait until the gateway pods restarted on them are up',
  async run(ctx) {
    const before = restartsOf(await ctx.probe());
    const nodes = await ctx.restartWorkerNodes();
    ctx.progress(`restarted nodes ${nodes.join(', ')}; each Ready again`);
    // the pods stay bound to their nodes: the kubelet starts their containers again
    await awaitRestartedPods(ctx, (round) => {
      const now = restartsOf(round);
      return (pod) => !before.has(pod) || (now.get(pod) ?? 0) > before.get(pod)!;
    }, 'restarted');
  },
};

/**
 * KIC decides per gateway client whether to push (internal/dataplane/sendconfig/sendconfig.go
 * @v3.4.3 and @v3.5.13, PerformUpdate): when the SHA of the new configuration equals the one
 * last pushed to that client it skips the push, logging `No configuration change, skipping sync
 * to Kong` at debug level, unless Kong's `/status` reports the empty hash
 * `00000000000000000000000000000000` (config_change_detector.go, `WellKnownInitialHash`). A pod
 * that comes back under the address of a client KIC kept (clients are keyed by address,
 * internal/clients/manager.go) and holds anything but the empty configuration is never pushed
 * again until the configuration changes. A KIC restarted with the nodes starts from caches still
 * filling, and in DB-less mode takes as its last valid configuration whatever a gateway with a
 * non-empty hash holds (internal/dataplane/configfetcher/config_fetcher.go, used by
 * kong_client.go to recover from a rejected push). Both issues are open and none of these paths
 * differs between 3.4.3 and 3.5.13: every expectation is `observe`.
 */
export default defineScenario({
  id: 'config-resync-after-restart',
  title: 'Gateways left with stale or partial configuration after restarts',
  namespace: NS,
  sources: SOURCES,
  requires: { modes: ['dbless'], topologies: ['split'] },
  install: (target) => ({ gatewayReplicas: GATEWAY_REPLICAS, values: controllerEnvValues(target.topology, { dump_config: 'true' }) }),
  signatures: [...routeMissing, podStale, podUnconfigured],
  expectations: { '*': 'observe' },
  variants: {
    'all-nodes': {
      description: 'restart every worker node container at once, KIC and gateway pods with them, as in #7205',
      shape: 'multi-node',
      fault: restartAllNodes,
    },
  },
  probes: { routes: ROUTES, gatewayPods: { kic: true }, containers: ['gateway'], intervalMs: ROUND_MS },
  window: { observeMs: 180_000 },
  manifests,
  setup: {
    describe: `install ${GATEWAY_REPLICAS} gateway replicas with KIC's diagnostics server on, apply the echo backend and ${PATHS.length} Ingresses of one path each`,
    run: (ctx) => ctx.apply(manifests()),
  },
  fault: deleteAll,
});
