import semver from 'semver';
import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { gateway, gatewayClass, httpRoute } from '../harness/manifests/gateway-api.ts';
import { ingress } from '../harness/manifests/kong.ts';
import type { RouteSignature } from '../harness/judge/signatures.ts';
import { defineScenario, type RouteProbe, type ScenarioContext } from '../harness/runner/scenario.ts';

const NS = 'chaos-protocols';

/**
 * The patch releases that stopped setting route protocols (KIC CHANGELOG 3.4.14 and 3.5.7, #7901):
 * until 3.4.13 / 3.5.6 every Ingress and HTTPRoute route got `http` and `https`
 * (internal/dataplane/translator/subtranslator/ingress.go and httproute.go@v3.5.6); since, an
 * Ingress route gets only what `konghq.com/protocols` names, else none and so Kong's default, and
 * an HTTPRoute route the protocols of the Gateway listeners it attaches to (same files @v3.5.7,
 * unchanged at v3.4.20 and v3.5.13).
 */
export const FIRST_CHANGED = { '3.4': '3.4.14', '3.5': '3.5.7' } as const;
const LAST_UNCHANGED = { '3.4': '3.4.13', '3.5': '3.5.6' } as const;

/** Where the upgrade starts: the last release of the target's line that still set `http,https`. */
export function lastUnchanged(kic: string): string {
  return semver.satisfies(kic, '<3.5.0') ? LAST_UNCHANGED['3.4'] : LAST_UNCHANGED['3.5'];
}

const INGRESS_ROUTE = '/sbd-ingress';
const HTTPROUTE_ROUTE = '/sbd-httproute';

/** Plain-HTTP requests, as the clients that worked before the patch send them. */
const ROUTES: RouteProbe[] = [
  { route: INGRESS_ROUTE, path: INGRESS_ROUTE, expectStatus: 200 },
  { route: HTTPROUTE_ROUTE, path: HTTPROUTE_ROUTE, expectStatus: 200 },
];

/** The Ingress as operators wrote it before the patch: no `konghq.com/protocols`. */
const defaultIngress = (protocols: string | null = null) => ingress({ namespace: NS, name: 'sbd-ingress', path: INGRESS_ROUTE, service: 'echo', protocols });

/**
 * No protocol annotation anywhere: the Ingress route takes Kong's default, the HTTPRoute its
 * Gateway's only listener, plain HTTP (harness/manifests/gateway-api.ts).
 */
const manifests = () => [
  namespace(NS),
  ...echoBackend(NS),
  defaultIngress(),
  gatewayClass('kong'),
  gateway({ namespace: NS, name: 'kong', className: 'kong' }),
  httpRoute({ namespace: NS, name: 'sbd-httproute', gateway: 'kong', path: HTTPROUTE_ROUTE, service: 'echo', listenerProtocols: true }),
];

/**
 * 426 is what Kong answers when a route's protocols hold `https` but not `http` and the request
 * came in plain (kong/runloop/handler.lua@3.9.3; `https_redirect_status_code` defaults to 426,
 * kong/db/schema/entities/routes.lua@3.9.3). Only that answer is this symptom: a route that
 * answers 404 or 503 after the upgrade is broken another way (upgrade-gate watches for those).
 */
const answers426 = (id: string, route: string, why: string, provenance: string[]): RouteSignature => ({
  id,
  kind: 'route',
  route,
  status: 426,
  description: `plain HTTP to ${route} answered 426 (Upgrade Required): ${why}`,
  provenance: ['KIC CHANGELOG 3.4.14', 'KIC CHANGELOG 3.5.7', 'kong/runloop/handler.lua@3.9.3', ...provenance],
});

/**
 * The protocols Kong holds for the scenario's routes, recorded as a fact before and after the
 * upgrade: what Kong's default made of a route KIC sent without protocols, per Kong version. KIC
 * tags each route with its object's namespace (internal/util/k8s.go@v3.5.7).
 */
async function recordRouteProtocols(ctx: ScenarioContext, when: string): Promise<void> {
  const routes = await ctx.admin.list('/routes');
  const ours = routes.filter((r) => r.tags?.includes(`k8s-namespace:${NS}`));
  const value = Object.fromEntries(ours.map((r) => [r.name ?? r.id, r.protocols ?? null]));
  ctx.record({ kind: 'fact', at: Date.now(), name: `route-protocols-${when}`, value });
  ctx.progress(`route protocols in Kong ${when}: ${JSON.stringify(value)}`);
}

/** KIC's next syncs after the rollout (3 s apart, internal/dataplane/synchronizer.go@v3.5.13), with margin */
const AFTER_UPGRADE_SYNC_MS = 15_000;

/**
 * Expectations stay `observe`, for every KIC the scenario accepts, because the answer depends on
 * Kong, and expectations are keyed by KIC only. Read at the pinned sources: Kong OSS 3.9.x
 * defaults route protocols to `http, https` (kong/db/schema/entities/routes.lua@3.9.0 to @3.9.3),
 * so the Ingress route keeps answering plain HTTP there, and the HTTPRoute, given `http` by its
 * HTTP listener, does on any Kong. Kong Gateway Enterprise 3.14 is documented to default to
 * `https` alone (https://github.com/Kong/developer.konghq.com/issues/4383, "[3.14] Secure by
 * default: Default HTTPS routes"; Enterprise source is not public), where the Ingress would answer
 * 426. Each run's bundle names the Kong version it ran against, and the protocols Kong holds are
 * recorded as facts, so the matrix shows the answer per Kong version.
 */
export default defineScenario({
  id: 'secure-by-default-protocols',
  title: 'Plain HTTP answered with 426 after a KIC patch upgrade (route protocols follow Kong defaults)',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kubernetes-ingress-controller/blob/main/CHANGELOG.md#357',
    'https://github.com/Kong/kubernetes-ingress-controller/blob/main/CHANGELOG.md#3414',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7901',
    'https://github.com/Kong/developer.konghq.com/issues/4383',
  ],
  // the upgrade crosses the change on its own line; hybrid's control plane has no proxy to probe
  requires: { modes: ['dbless', 'postgres'], topologies: ['single', 'split'], kic: `>=${FIRST_CHANGED['3.4']} <3.5.0 || >=${FIRST_CHANGED['3.5']}` },
  install: (target) => ({ initialKic: lastUnchanged(target.kic), gatewayApi: true }),
  signatures: [
    answers426('ingress-answers-426', INGRESS_ROUTE, "the Ingress route took Kong's default protocols, HTTPS only", [
      'internal/dataplane/translator/subtranslator/ingress.go@v3.5.7',
      'kong/db/schema/entities/routes.lua@3.9.3',
      'https://github.com/Kong/developer.konghq.com/issues/4383',
    ]),
    answers426('httproute-answers-426', HTTPROUTE_ROUTE, "the HTTPRoute route did not take its HTTP listener's protocol", [
      'internal/dataplane/translator/subtranslator/httproute.go@v3.5.7',
    ]),
  ],
  expectations: { '*': 'observe' },
  probes: { routes: ROUTES, intervalMs: 3000 },
  window: { observeMs: 90_000, recoverMs: 60_000 },
  manifests,
  setup: {
    describe: 'apply an echo backend, an Ingress without konghq.com/protocols, a Gateway with one HTTP listener and an HTTPRoute without konghq.com/protocols',
    run: (ctx) => ctx.apply(manifests()),
  },
  fault: {
    describe: 'helm upgrade from the last KIC of the line that set http,https on every route to the target KIC, under plain-HTTP traffic; record the route protocols Kong holds before and after',
    async run(ctx) {
      await recordRouteProtocols(ctx, 'before-upgrade');
      await ctx.upgrade({ kic: ctx.target.kic });
      ctx.progress(`upgraded to KIC ${ctx.target.kic} on Kong ${ctx.target.gateway}`);
      await ctx.wait(AFTER_UPGRADE_SYNC_MS);
      await recordRouteProtocols(ctx, 'after-upgrade');
    },
  },
  remediation: {
    // the CHANGELOG's way out: name the protocols on the Ingress; `http,https` is what KIC set before
    // (a comma-separated list, internal/annotations/annotations.go@v3.5.7)
    describe: 'annotate the Ingress with konghq.com/protocols: "http,https" (KIC CHANGELOG 3.5.7); its route must answer plain HTTP again',
    run: (ctx) => ctx.apply([defaultIngress('http,https')]),
  },
});
