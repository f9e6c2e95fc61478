import { expect } from 'chai';
import { createClusterArgs, deleteClusterArgs, exportLogsArgs, getClustersArgs, getKubeconfigArgs, parseClusterList } from '../../../harness/tools/kind.ts';

describe('tools/kind argv', () => {
  it('creates a cluster with a pinned image, its own kubeconfig and a wait', () => {
    expect(createClusterArgs({
      name: 'kc-abc',
      configPath: '/repo/kind-config/single.yaml',
      image: 'kindest/node:v1.33.1@sha256:0123',
      kubeconfigPath: '/runs/abc/kubeconfig',
      waitSeconds: 120,
    })).to.deep.equal([
      'create', 'cluster', '--name', 'kc-abc', '--config', '/repo/kind-config/single.yaml',
      '--image', 'kindest/node:v1.33.1@sha256:0123', '--kubeconfig', '/runs/abc/kubeconfig', '--wait', '120s',
    ]);
  });

  it('deletes a cluster, with or without its kubeconfig', () => {
    expect(deleteClusterArgs('kc-abc')).to.deep.equal(['delete', 'cluster', '--name', 'kc-abc']);
    expect(deleteClusterArgs('kc-abc', '/k')).to.deep.equal(['delete', 'cluster', '--name', 'kc-abc', '--kubeconfig', '/k']);
  });

  it('lists clusters and reads kubeconfigs', () => {
    expect(getClustersArgs()).to.deep.equal(['get', 'clusters']);
    expect(getKubeconfigArgs('kc-abc')).to.deep.equal(['get', 'kubeconfig', '--name', 'kc-abc']);
    expect(getKubeconfigArgs('kc-abc', { internal: true })).to.deep.equal(['get', 'kubeconfig', '--name', 'kc-abc', '--internal']);
  });

  it('exports logs into a directory', () => {
    expect(exportLogsArgs('kc-abc', '/runs/abc/kind-logs')).to.deep.equal(['export', 'logs', '/runs/abc/kind-logs', '--name', 'kc-abc']);
  });

  it('parses the cluster list', () => {
    expect(parseClusterList('kc-a\nkc-b\n\n')).to.deep.equal(['kc-a', 'kc-b']);
    expect(parseClusterList('')).to.deep.equal([]);
  });
});
