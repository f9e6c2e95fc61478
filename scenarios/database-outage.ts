import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { defineScenario, type ScenarioContext } from '../harness/runner/scenario.ts';
import { echoProbes } from './probes.ts';
import { ingressUnpublished, deleteGatewayPods } from './steps.ts';

const NS = 'chaos-database';
const echoIngress = () => ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' });
/** the change made while Postgres is unreachable (variant change-during-outage) */
const changedIngress = () => ingress({ namespace: NS, name: 'changed', path: '/changed', service: 'echo' });

const manifests = (variant: string | undefined) => [
  namespace(NS),
  ...echoBackend(NS),
  echoIngress(),
  ...(variant === 'change-during-outage' ? [changedIngress()] : []),
];

async function bringBack(ctx: ScenarioContext): Promise<void> {
  if (ctx.variant === 'stop') await ctx.database.start();
  else await ctx.database.restore();
  ctx.progress('Postgres reachable again');
}

async function cut(ctx: ScenarioContext): Promise<void> {
  await ctx.database.cut();
  ctx.progress('Toxiproxy disabled: every connection to Postgres is refused');
}

/**
 * How this reads. The outage lasts the whole observation window: the ScenarioContext has no
 * clock to hold a fault for a while, so the database comes back in the remediation, and the
 * recovery window shows whether the system catches up. A running Kong logs its failed reads of
 * Postgres (cluster events, every db_update_frequency) throughout the outage, so the outcome at the end of the window is `reproduced` whenever Kong
 * noticed the outage at all; what tells the variants apart is which other signatures fired and
 * whether the remediation (the database returning) cleared them. Should Kong log nothing and
 * every route keep serving, the outcome is `not-reproduced`, no remediation runs, and the
 * cleanup step brings the database back.
 *
 * Expected, per the catalog (unconfirmed on a real cluster, so every verdict is `observe`):
 * - default: existing routes keep serving from Kong's cache (`route-unreachable` and
 *   `traffic-slo` never fire; the catalog's `not-reproduced` for traffic);
 * - change-during-outage: the new Ingress stays unpublished while Postgres is down and is
 *   pushed once it returns (the catalog's `recovered`: reproduced, remediation cleared);
 * - pod-restart: the replacement gateway pod cannot start without Postgres, so with one replica
 *   the route fails until the database is back (`reproduced`, remediation cleared);
 * - stop: as the default, with the Postgres container itself stopped and started.
 */
export default defineScenario({
  id: 'database-outage',
  title: 'Postgres becomes unreachable',
  namespace: NS,
  sources: [
    'https://docs.konghq.com/gateway/latest/reference/configuration/',
    'https://github.com/Kong/kong/issues/13597',
    'https://github.com/Kong/kong/issues/14373',
    'https://github.com/Kong/kong/issues/4807',
  ],
  requires: { modes: ['postgres'], topologies: ['single', 'split'] },
  install: () => ({ databaseProxy: true }),
  signatures: [
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'Ingress /echo, routed before the outage, not answering 200',
      route: '/echo',
      // DB mode keeps proxying with the router and entities it already holds (stale router used)
      provenance: ['kong/runloop/handler.lua@3.9.1'],
    },
    {
      id: 'traffic-slo',
      kind: 'slo',
      description: 'traffic success below 99% during the outage',
      minSuccessRatio: 0.99,
      provenance: ['kong/runloop/handler.lua@3.9.1'],
    },
    {
      // A running Kong reports a lost database only through what it polls or rebuilds: cluster
      // events every db_update_frequency (3.9.1 logs the error as is, 3.8.1 after `failed to
      // poll: `), the upstreams list (CRIT) and the router (only with worker_consistency=strict).
      // `server_version_num` is queried once, when `kong start` initialises the connector: it
      // fires only for a Kong that starts during the outage (variant pod-restart).
      id: 'kong-database-unreachable',
      kind: 'log',
      component: 'gateway',
      description: 'Kong cannot reach Postgres: cluster events, upstreams or router read fails (running Kong), or the connector cannot start (starting Kong)',
      pattern:
        /\[cluster_events\] (failed to poll: )?failed to retrieve events from DB: |could not obtain list of upstreams: |could not rebuild router: .*\(stale router will be used\)|failed to retrieve PostgreSQL server_version_num: /,
      provenance: [
        'kong/cluster_events/init.lua@3.9.1',
        'kong/cluster_events/init.lua@3.8.1',
        'kong/runloop/balancer/upstreams.lua@3.9.1',
        'kong/runloop/handler.lua@3.9.1',
        'kong/db/strategies/postgres/connector.lua@3.9.1',
        'kong/cmd/start.lua@3.9.1',
      ],
    },
    {
      ...ingressUnpublished('change-not-applied', 'an Ingress whose configuration KIC has not pushed to Kong (status.loadBalancer empty)'),
      provenance: ['internal/controllers/configuration/zz_generated.controllers.go@v3.5.13'],
    },
  ],
  expectations: { '*': 'observe' },
  variants: {
    'pod-restart': {
      description: 'delete the gateway pods during the outage: a Kong pod cannot start while Postgres is unreachable',
      fault: {
        describe: 'disable Toxiproxy in front of Postgres, then delete the gateway pods',
        async run(ctx) {
          await cut(ctx);
          await deleteGatewayPods(ctx);
        },
      },
    },
    'change-during-outage': {
      description: 'apply a new Ingress during the outage; KIC must push it once Postgres is back',
      fault: {
        describe: 'disable Toxiproxy in front of Postgres, then apply Ingress changed (/changed)',
        async run(ctx) {
          await cut(ctx);
          await ctx.apply([changedIngress()]);
        },
      },
    },
    stop: {
      description: 'stop the Postgres container instead of cutting the proxy in front of it',
      fault: {
        describe: 'docker stop the Postgres container',
        async run(ctx) {
          await ctx.database.stop();
          ctx.progress('Postgres container stopped');
        },
      },
    },
  },
  probes: echoProbes(NS, 'changed'),
  window: { observeMs: 120_000, recoverMs: 180_000 },
  manifests: (_target, variant) => manifests(variant),
  setup: {
    describe: 'apply the echo backend and Ingress /echo; Kong reaches Postgres through Toxiproxy',
    run: (ctx) => ctx.apply(manifests(undefined)),
  },
  fault: {
    describe: 'disable Toxiproxy in front of Postgres for the whole observation window',
    run: cut,
  },
  remediation: {
    describe: 'bring Postgres back (Toxiproxy enabled again, or the container started) and watch Kong and KIC catch up',
    run: bringBack,
  },
  // when nothing was reproduced no remediation ran: the database still comes back before teardown
  cleanup: {
    describe: 'make sure Postgres is reachable again',
    run: bringBack,
  },
});
