import { echoBackend, namespace } from '../harness/manifests/backend.ts';
import { ingress } from '../harness/manifests/kong.ts';
import { gatewayDeployment, progressDeadline } from '../harness/manifests/kong-workload.ts';
import { withoutMigrations } from '../harness/faults/upgrade.ts';
import { defineScenario, type ScenarioContext } from '../harness/runner/scenario.ts';
import type { Target } from '../harness/targets/target.ts';

const NS = 'chaos-migrations';
/**
 * The Kong installed first. Kong 3.9 adds core migration `024_380_to_390` (the
 * clustering_sync tables), so 3.8.1 → 3.9.x cannot start on an unmigrated schema.
 * Source: Kong/kong kong/db/migrations/core/024_380_to_390.lua.
 */
const INITIAL_GATEWAY = '3.8.1';
/** well inside the window; Kubernetes' default of 600 s is not */
const PROGRESS_DEADLINE_S = 90;

const manifests = (target: Target) => [
  namespace(NS),
  ...echoBackend(NS),
  ingress({ namespace: NS, name: 'echo', path: '/echo', service: 'echo' }),
  progressDeadline(target.topology, PROGRESS_DEADLINE_S),
];

async function upgradeGateway(ctx: ScenarioContext, migrations: boolean): Promise<void> {
  const to = ctx.target.gateway;
  if (to === INITIAL_GATEWAY) throw new Error(`the target Kong must differ from ${INITIAL_GATEWAY}, the version installed first (pass --gateway)`);
  if (migrations) await ctx.upgrade({ gateway: to });
  // helm would wait for a rollout that, without migrations, never finishes
  else await ctx.upgrade({ gateway: to, values: { kong: withoutMigrations() }, wait: false });
  ctx.progress(`Kong image ${INITIAL_GATEWAY} → ${to}, migration jobs ${migrations ? 'on' : 'off'}`);
}

const deployment = gatewayDeployment('single');

/**
 * The variable here is the Kong pair (3.8.1 → the target's Kong), not KIC: the expectation
 * table is keyed over KIC versions as every table is, so it holds for every KIC. With the
 * migration jobs off, the new Kong pods loop in the chart's wait-for-db init container
 * (`kong start` refuses the old schema) while the old pod keeps serving, and the rollout
 * exceeds its progress deadline: `reproduced`. The remediation runs the migrations the way the
 * chart does (pre-upgrade `kong migrations up`, post-upgrade `finish`) and must clear it. With
 * the chart's default hooks the upgrade completes: `not-reproduced`. Which other minor pairs
 * carry migrations is not covered here (the catalog's `observe`).
 */
export default defineScenario({
  id: 'pending-migrations',
  title: 'Kong upgraded without running migrations',
  namespace: NS,
  sources: [
    'https://github.com/Kong/kong/blob/master/kong/cmd/utils/migrations.lua',
    'https://github.com/Kong/kong/blob/master/kong/db/migrations/core/024_380_to_390.lua',
    'https://github.com/Kong/charts/blob/main/charts/kong/README.md',
  ],
  requires: { modes: ['postgres'], topologies: ['single'] },
  install: () => ({ initialGateway: INITIAL_GATEWAY }),
  signatures: [
    {
      // `kong start` (the chart's wait-for-db loop, then the proxy) checks the schema and stops
      // with this error (kong/cmd/utils/migrations.lua `check_state`), printed as `Error: ...` by
      // kong/cmd/init.lua; an empty database says it needs bootstrapping instead
      id: 'kong-pending-migrations',
      kind: 'log',
      component: 'gateway',
      description: 'Kong refuses to start on a schema older than its own',
      pattern: /New migrations available; run 'kong migrations up' to proceed|Database needs bootstrapping or is older than Kong 1\.0/,
      provenance: [
        'kong/cmd/utils/migrations.lua@3.9.1',
        'kong/cmd/start.lua@3.9.1',
        'kong/cmd/init.lua@3.9.1',
        'https://github.com/Kong/charts/blob/kong-3.4.1/charts/kong/templates/_helpers.tpl',
      ],
    },
    {
      id: 'rollout-stuck',
      kind: 'condition',
      description: `the gateway Deployment's new pods never become Ready (progress deadline ${PROGRESS_DEADLINE_S} s)`,
      objectKind: 'Deployment',
      type: 'Progressing',
      reason: 'ProgressDeadlineExceeded',
      provenance: ['https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment', 'kong/db/migrations/core/024_380_to_390.lua@3.9.1'],
    },
    {
      id: 'route-unreachable',
      kind: 'route',
      description: 'Ingress /echo not answering 200 through the proxy',
      route: '/echo',
      // the old pod keeps serving while the new ones loop in wait-for-db: a failing route is a worse outcome
      provenance: ['https://github.com/Kong/charts/blob/kong-3.4.1/charts/kong/templates/_helpers.tpl'],
    },
  ],
  expectations: { '*': 'reproduced' },
  variants: {
    'with-migrations': {
      description: "the chart's default pre- and post-upgrade migration jobs run with the upgrade",
      expectations: { '*': 'not-reproduced' },
      fault: {
        describe: `helm upgrade the Kong image from ${INITIAL_GATEWAY} to the target Kong with the migration jobs on, and wait for the rollout`,
        run: (ctx) => upgradeGateway(ctx, true),
      },
    },
  },
  probes: {
    routes: [{ route: '/echo', path: '/echo', expectStatus: 200 }],
    conditions: [{ apiVersion: 'apps/v1', kind: 'Deployment', ...deployment }],
    intervalMs: 3000,
  },
  window: { observeMs: 210_000, recoverMs: 180_000 },
  manifests,
  setup: {
    describe: `install Kong ${INITIAL_GATEWAY} in DB mode, apply the echo backend and Ingress /echo, and lower the gateway Deployment's progress deadline to ${PROGRESS_DEADLINE_S} s`,
    run: (ctx) => ctx.apply(manifests(ctx.target)),
  },
  fault: {
    describe: `helm upgrade the Kong image from ${INITIAL_GATEWAY} to the target Kong with migrations.preUpgrade and migrations.postUpgrade off, without waiting`,
    run: (ctx) => upgradeGateway(ctx, false),
  },
  remediation: {
    describe: "turn the chart's migration jobs back on: helm upgrade runs kong migrations up before the rollout and finish after it",
    async run(ctx) {
      await ctx.upgrade({ values: { kong: { migrations: { preUpgrade: true, postUpgrade: true } } } });
      ctx.progress('migrations ran; the rollout finished');
    },
  },
});
