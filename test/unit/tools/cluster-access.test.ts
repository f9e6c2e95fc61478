/**
 * Every helm and kubectl call that talks to a cluster names both its kubeconfig and its context
 * (issue 9, item 2): with `--kubeconfig F --context C` and C not F's current context, a call
 * without `--context` acts on another cluster. The table must list every argv builder the two
 * modules export, so a new one cannot slip past.
 */
import { expect } from 'chai';
import * as helm from '../../../harness/tools/helm.ts';
import * as kubectl from '../../../harness/tools/kubectl.ts';

const cluster = { kubeconfigPath: '/home/me/.kube/lab', context: 'lab-2' };
const chart = { release: 'kong', namespace: 'kong', chart: 'kong', version: '3.4.1', repo: 'https://charts.konghq.com', valuesFiles: ['/v.json'] };

/** argv of each builder called for `cluster`; null: the builder talks to no cluster (rendering only) */
const builders: Record<string, { argv: string[] | null; contextFlag: string }> = {
  'helm.upgradeInstallArgs': { argv: helm.upgradeInstallArgs({ ...chart, wait: true, timeoutSeconds: 600, cluster }), contextFlag: '--kube-context' },
  'helm.uninstallArgs': { argv: helm.uninstallArgs({ release: 'kong', namespace: 'kong', wait: true, cluster }), contextFlag: '--kube-context' },
  'helm.templateArgs': { argv: null, contextFlag: '--kube-context' },
  'kubectl.applyUrlArgs': { argv: kubectl.applyUrlArgs('https://example.test/crds.yaml', cluster), contextFlag: '--context' },
  'kubectl.describeNamespaceArgs': { argv: kubectl.describeNamespaceArgs('kong', cluster), contextFlag: '--context' },
  'kubectl.getEventsArgs': { argv: kubectl.getEventsArgs('kong', cluster), contextFlag: '--context' },
  'kubectl.deleteNodeArgs': { argv: kubectl.deleteNodeArgs('kc-x-worker', cluster), contextFlag: '--context' },
  'kubectl.execArgs': { argv: kubectl.execArgs({ namespace: 'kong', pod: 'kong-gateway-0', container: 'proxy' }, ['true'], cluster), contextFlag: '--context' },
};

function argvBuilders(prefix: string, module: object): string[] {
  return Object.entries(module).filter(([name, value]) => typeof value === 'function' && name.endsWith('Args')).map(([name]) => `${prefix}.${name}`);
}

describe('tools: every cluster call names kubeconfig and context', () => {
  it('the table covers every argv builder of tools/helm.ts and tools/kubectl.ts', () => {
    expect([...argvBuilders('helm', helm), ...argvBuilders('kubectl', kubectl)].sort()).to.deep.equal(Object.keys(builders).sort());
  });

  for (const [name, b] of Object.entries(builders)) {
    if (b.argv === null) continue;
    it(`${name} carries --kubeconfig and ${b.contextFlag}`, () => {
      const argv = b.argv!;
      expect(argv[argv.indexOf('--kubeconfig') + 1], '--kubeconfig').to.equal(cluster.kubeconfigPath);
      expect(argv.indexOf('--kubeconfig'), '--kubeconfig').to.be.above(-1);
      expect(argv[argv.indexOf(b.contextFlag) + 1], b.contextFlag).to.equal(cluster.context);
      expect(argv.indexOf(b.contextFlag), b.contextFlag).to.be.above(-1);
    });
  }
});
