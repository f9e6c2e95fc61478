/**
 * `matrix` interrupted twice: the shared cluster a group's runs use outlives each run, so when a
 * second Ctrl-C cuts its deletion short, the CLI must name it (issue 9, item 10).
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { until, withStubWorld } from '../../support/stub-world.ts';

describe('matrix: a second Ctrl-C names the shared cluster left', function () {
  this.timeout(150_000);
  const t = withStubWorld('kong-chaos-matrix-interrupt-');

  it('while the shared cluster is being deleted', async () => {
    const created = join(t.world.scratch, 'clusters');
    // kind as the runs on a shared cluster meet it: it lists and serves the cluster it created
    await t.world.hookOutlivingClusters(created, true);
    t.world.stubs.behave('kind', { hang: true, whenFirstArg: 'delete' });
    const run = (t.run = t.world.spawnCli(
      ['matrix', '--scenarios', 'gateway-listener-stuck', '--kic', '3.4.4', '--modes', 'dbless', '--k8s', '1.33', '--out', t.out],
      { KONG_CHAOS_TIMEOUT_STEADY_STATE: '30000' },
    ));
    await run.waitForStderr(/▶ steady-state/, 30_000);
    run.child.kill('SIGINT');
    await until(async () => (await t.world.stubs.hung()).some((h) => h.tool === 'kind' && h.args[0] === 'delete'), 'the shared cluster deletion to hang', 30_000);
    run.child.kill('SIGINT');
    expect(await run.exited).to.equal(130);
    const name = (await t.world.stubs.calls()).find((c) => c.tool === 'kind' && c.args[0] === 'create')!.args[3];
    expect(name).to.match(/^kc-/);
    expect(run.stderr).to.match(new RegExp(`leaving now; not cleaned up: .*delete shared cluster ${name}`));
  });
});
