import { expect } from 'chai';
import { EnvironmentError } from '../../../harness/errors.ts';
import { describeNodeStep, nodeFaultSteps, nodeToFault, readyAfter, restartNodesSteps, runNodeStep, workerNodes, type NodeStep } from '../../../harness/faults/node.ts';
import type { KubeObject } from '../../../harness/k8s/client.ts';
import { ToolError } from '../../../harness/tools/exec.ts';
import { StubTools } from '../../support/stub-tools.ts';

const NODE = 'kc-r1-worker2';
const KUBECONFIG = '/tmp/kc-r1/kubeconfig';
const CLUSTER = { kubeconfigPath: KUBECONFIG };

async function runAll(steps: NodeStep[], signal?: AbortSignal): Promise<void> {
  for (const step of steps) await runNodeStep(step, CLUSTER, signal);
}

/** A pod as the API lists it, with the fields nodeToFault reads. */
function pod(name: string, nodeName: string, phase: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kong', ...extra },
    spec: { nodeName, containers: [{ name: 'proxy', image: 'kong:3.9.1' }] },
    status: { phase, conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False' }] },
  };
}

describe('faults/node nodeToFault', () => {
  it('skips a completed migrations Job pod listed first and picks the Running pod\'s node', () => {
    const pods = [pod('kong-gateway-init-migrations-8xk2p', 'kc-r1-worker2', 'Succeeded'), pod('kong-gateway-7c9f6d8b5d-4kq2x', 'kc-r1-worker', 'Running')];
    expect(nodeToFault(pods, 'gateway')).to.equal('kc-r1-worker');
  });

  it('skips a pod being deleted, whose node may already be gone', () => {
    const pods = [
      pod('kong-gateway-7c9f6d8b5d-4kq2x', 'kc-r1-worker2', 'Running', { deletionTimestamp: '2026-11-23T10:00:05Z', deletionGracePeriodSeconds: 30 }),
      pod('kong-gateway-7c9f6d8b5d-m8n3z', 'kc-r1-worker', 'Running'),
    ];
    expect(nodeToFault(pods, 'gateway')).to.equal('kc-r1-worker');
  });

  it('prefers a worker when one Running pod sits on the control plane', () => {
    const pods = [pod('kong-kong-7c9f6d8b5d-4kq2x', 'kc-r1-control-plane', 'Running'), pod('kong-kong-7c9f6d8b5d-m8n3z', 'kc-r1-worker2', 'Running')];
    expect(nodeToFault(pods, 'gateway')).to.equal('kc-r1-worker2');
  });

  it('refuses when the only Running pod is on the control plane, or none is Running', () => {
    expect(() => nodeToFault([pod('kong-kong-7c9f6d8b5d-4kq2x', 'kc-r1-control-plane', 'Running')], 'gateway')).to.throw(EnvironmentError, /runs on the control plane \(kc-r1-control-plane\)/);
    expect(() => nodeToFault([pod('kong-gateway-init-migrations-8xk2p', 'kc-r1-worker2', 'Succeeded'), pod('kong-gateway-7c9f6d8b5d-4kq2x', '', 'Pending')], 'gateway')).to.throw(
      EnvironmentError,
      'no Running gateway pod to find a node by (2 pod(s) found)',
    );
  });
});

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

/** A Node as the API lists it after kubelets posted their status. */
function node(name: string, ready: { status: string; lastHeartbeatTime?: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: '2026-11-23T10:00:09Z' },
        { type: 'Ready', reason: ready.status === 'True' ? 'KubeletReady' : 'NodeStatusUnknown', ...ready },
      ],
    },
  };
}

describe('faults/node restart of every worker', () => {
  const NODES = [node('kc-r1-control-plane', { status: 'True' }), node('kc-r1-worker', { status: 'True' }), node('kc-r1-worker2', { status: 'True' })];

  it('restarts the workers and keeps the control plane, which the probes need', () => {
    expect(workerNodes(NODES)).to.deep.equal(['kc-r1-worker', 'kc-r1-worker2']);
    expect(() => workerNodes([NODES[0]!])).to.throw(EnvironmentError, /no worker node to restart \(1 node\(s\), all control plane\)/);
  });

  it('stops every worker in one wave, then starts every one in the next', async () => {
    const { stop, start } = restartNodesSteps(['kc-r1-worker', 'kc-r1-worker2']);
    expect(stop.map(describeNodeStep)).to.deep.equal(['docker stop kc-r1-worker', 'docker stop kc-r1-worker2']);
    expect(start.map(describeNodeStep)).to.deep.equal(['docker start kc-r1-worker', 'docker start kc-r1-worker2']);
    const stubs = await StubTools.install(['docker']);
    try {
      for (const wave of [stop, start]) await Promise.all(wave.map((step) => runNodeStep(step, CLUSTER)));
      const lines = await stubs.lines();
      expect(lines.slice(0, 2)).to.have.members(['docker stop kc-r1-worker', 'docker stop kc-r1-worker2']);
      expect(lines.slice(2)).to.have.members(['docker start kc-r1-worker', 'docker start kc-r1-worker2']);
    } finally {
      await stubs.restore();
    }
  });

  describe('readyAfter: Ready again from the restarted kubelet, not the stopped one', () => {
    const STARTED = Date.parse('2026-11-23T10:00:05.400Z');

    it('reads the Ready=True the stopped kubelet left as not back yet, even within the same second', () => {
      expect(readyAfter(node('kc-r1-worker', { status: 'True', lastHeartbeatTime: '2026-11-23T09:59:58Z' }), STARTED)).to.equal(false);
      expect(readyAfter(node('kc-r1-worker', { status: 'True', lastHeartbeatTime: '2026-11-23T10:00:05Z' }), STARTED)).to.equal(false);
    });

    it('is back once a kubelet posted Ready=True after the start', () => {
      expect(readyAfter(node('kc-r1-worker', { status: 'True', lastHeartbeatTime: '2026-11-23T10:00:17Z' }), STARTED)).to.equal(true);
    });

    it('is not back while the new kubelet reports NotReady or the condition is Unknown', () => {
      expect(readyAfter(node('kc-r1-worker', { status: 'False', lastHeartbeatTime: '2026-11-23T10:00:12Z' }), STARTED)).to.equal(false);
      expect(readyAfter(node('kc-r1-worker', { status: 'Unknown', lastHeartbeatTime: '2026-11-23T10:00:12Z' }), STARTED)).to.equal(false);
      expect(readyAfter({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'kc-r1-worker' } }, STARTED)).to.equal(false);
    });
  });
});
