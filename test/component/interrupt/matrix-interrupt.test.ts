/**
 * `matrix` interrupted twice: the shared cluster a group's runs use outlives each run, so when a
 * second Ctrl-C cuts its deletion short, the CLI must name it (issue 9, item 10).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { alive, StubWorld, until, type CliRun } from '../../support/stub-world.ts';

describe('matrix: a second Ctrl-C names the shared cluster left', function () {
  this.timeout(150_000);
  let world: StubWorld;
  let out: string;
  let run: CliRun | undefined;

  beforeEach(async () => {
    world = await StubWorld.start();
    out = await mkdtemp(join(tmpdir(), 'kong-chaos-matrix-interrupt-'));
  });

  afterEach(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    for (const h of await world.stubs.hung()) if (alive(h.pid)) process.kill(h.pid, 'SIGKILL');
    run = undefined;
    await world.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('while the shared cluster is being deleted', async () => {
    const created = join(world.scratch, 'clusters');
    // kind as the runs on a shared cluster meet it: it lists and serves the cluster it created
    await world.stubs.hook('kind', [
      `if [ "$1" = version ]; then echo 'kind v0.31.0 go1.24.0 linux/amd64'; exit 0; fi`,
      'if [ "$1" = create ]; then',
      `  prev=; for a in "$@"; do if [ "$prev" = --kubeconfig ]; then cp '${world.kubeconfig}' "$a"; fi; if [ "$prev" = --name ]; then echo "$a" >> '${created}'; fi; prev=$a; done`,
      'fi',
      `if [ "$1 $2" = "get clusters" ]; then cat '${created}'; exit 0; fi`,
      `if [ "$1 $2" = "get kubeconfig" ]; then cat '${world.kubeconfig}'; exit 0; fi`,
      '',
    ].join('\n'));
    await world.stubs.hook('docker', [
      `if [ "$1" = version ]; then echo 28.0.0; exit 0; fi`,
      `if [ "$1" = inspect ]; then echo '[{"Id":"x","Name":"/n","State":{"Status":"running","Running":true,"Pid":1},"Config":{"Labels":null},"NetworkSettings":{"Ports":{}}}]'; exit 0; fi`,
      '',
    ].join('\n'));
    world.stubs.behave('kind', { hang: true, whenFirstArg: 'delete' });
    run = world.spawnCli(
      ['matrix', '--scenarios', 'gateway-listener-stuck', '--kic', '3.4.4', '--modes', 'dbless', '--k8s', '1.33', '--out', out],
      { KONG_CHAOS_TIMEOUT_STEADY_STATE: '30000' },
    );
    await run.waitForStderr(/▶ steady-state/, 30_000);
    run.child.kill('SIGINT');
    await until(async () => (await world.stubs.hung()).some((h) => h.tool === 'kind' && h.args[0] === 'delete'), 'the shared cluster deletion to hang', 30_000);
    run.child.kill('SIGINT');
    expect(await run.exited).to.equal(130);
    const name = (await world.stubs.calls()).find((c) => c.tool === 'kind' && c.args[0] === 'create')!.args[3];
    expect(name).to.match(/^kc-/);
    expect(run.stderr).to.match(new RegExp(`leaving now; not cleaned up: .*delete shared cluster ${name}`));
  });
});
