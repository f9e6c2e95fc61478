import { expect } from 'chai';
import { describeNodeStep, nodeFaultSteps, runNodeStep, type NodeStep } from '../../../harness/faults/node.ts';
import { ToolError } from '../../../harness/tools/exec.ts';
import { StubTools } from '../../support/stub-tools.ts';

const NODE = 'kc-r1-worker2';
const KUBECONFIG = '/tmp/kc-r1/kubeconfig';
const CLUSTER = { kubeconfigPath: KUBECONFIG };

async function runAll(steps: NodeStep[], signal?: AbortSignal): Promise<void> {
  for (const step of steps) await runNodeStep(step, CLUSTER, signal);
}

describe('faults/node', () => {
  it('kill: the node container is killed, then its Node object deleted (as an autoscaler would)', () => {
    expect(nodeFaultSteps(NODE, 'kill')).to.deep.equal([
      { tool: 'docker', action: 'kill', container: NODE },
      { tool: 'kubectl', action: 'delete-node', node: NODE },
    ]);
  });

  it('restart: the container is stopped and started again, the Node object is left alone', () => {
    const steps = nodeFaultSteps(NODE, 'restart');
    expect(steps).to.deep.equal([
      { tool: 'docker', action: 'stop', container: NODE },
      { tool: 'docker', action: 'start', container: NODE },
    ]);
    expect(steps.some((s) => s.tool === 'kubectl')).to.equal(false);
  });

  it('describes each step as the command it runs', () => {
    expect(nodeFaultSteps(NODE, 'kill').map(describeNodeStep)).to.deep.equal([`docker kill ${NODE}`, `kubectl delete node ${NODE}`]);
    expect(nodeFaultSteps(NODE, 'restart').map(describeNodeStep)).to.deep.equal([`docker stop ${NODE}`, `docker start ${NODE}`]);
  });

  describe('runNodeStep with stub docker and kubectl', () => {
    let stubs: StubTools;
    beforeEach(async () => {
      stubs = await StubTools.install(['docker', 'kubectl']);
    });
    afterEach(() => stubs.restore());

    it('kill runs `docker kill <node>`, then `kubectl delete node <node>` with the explicit kubeconfig', async () => {
      await runAll(nodeFaultSteps(NODE, 'kill'));
      expect(await stubs.calls()).to.deep.equal([
        { tool: 'docker', args: ['kill', NODE] },
        { tool: 'kubectl', args: ['delete', 'node', NODE, '--kubeconfig', KUBECONFIG] },
      ]);
    });

    it('restart runs `docker stop <node>`, then `docker start <node>`, and no kubectl', async () => {
      await runAll(nodeFaultSteps(NODE, 'restart'));
      expect(await stubs.lines()).to.deep.equal([`docker stop ${NODE}`, `docker start ${NODE}`]);
    });

    it('what describeNodeStep records on the timeline is what was executed', async () => {
      const steps = [...nodeFaultSteps(NODE, 'kill'), ...nodeFaultSteps(NODE, 'restart')];
      await runAll(steps);
      const executed = await stubs.lines();
      // the kubeconfig flag is the only part left out of the description
      expect(executed.map((line) => line.replace(` --kubeconfig ${KUBECONFIG}`, ''))).to.deep.equal(steps.map(describeNodeStep));
    });

    it('a failing step surfaces docker\'s own reason as a ToolError', async () => {
      stubs.behave('docker', { whenFirstArg: 'start', exitCode: 1, stderr: `Error response from daemon: No such container: ${NODE}` });
      const steps = nodeFaultSteps(NODE, 'restart');
      await runNodeStep(steps[0]!, CLUSTER);
      const error = await runNodeStep(steps[1]!, CLUSTER).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ToolError);
      expect((error as ToolError).message).to.equal(`docker start ${NODE} failed (exit 1): Error response from daemon: No such container: ${NODE}`);
      expect(await stubs.lines()).to.deep.equal([`docker stop ${NODE}`, `docker start ${NODE}`]);
    });

    it('the run\'s abort signal reaches the child: a hanging docker kill is cancelled', async () => {
      stubs.behave('docker', { hang: true });
      const controller = new AbortController();
      const started = Date.now();
      const running = runNodeStep(nodeFaultSteps(NODE, 'kill')[0]!, CLUSTER, controller.signal).then(
        () => undefined,
        (e: unknown) => e,
      );
      setTimeout(() => controller.abort(), 200);
      const error = await running;
      expect(error).to.be.instanceOf(ToolError);
      expect((error as ToolError).message).to.equal(`docker kill ${NODE} was cancelled`);
      expect(Date.now() - started).to.be.below(5_000);
    });
  });
});
