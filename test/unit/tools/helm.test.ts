import { expect } from 'chai';
import { templateArgs, uninstallArgs, upgradeInstallArgs, type UpgradeInstallOptions } from '../../../harness/tools/helm.ts';

const base: UpgradeInstallOptions = {
  release: 'kong',
  namespace: 'kong',
  chart: 'kong',
  version: '2.52.0',
  repo: 'https://charts.konghq.com',
  valuesFiles: ['/runs/abc/values-base.yaml', '/runs/abc/values-postgres.yaml'],
  wait: true,
  timeoutSeconds: 600,
  cluster: { kubeconfigPath: '/runs/abc/kubeconfig' },
};

describe('tools/helm argv', () => {
  it('upgrade --install from a repo URL with values files', () => {
    expect(upgradeInstallArgs(base)).to.deep.equal([
      'upgrade', '--install', 'kong', 'kong',
      '--namespace', 'kong', '--version', '2.52.0', '--repo', 'https://charts.konghq.com',
      '--values', '/runs/abc/values-base.yaml', '--values', '/runs/abc/values-postgres.yaml',
      '--wait', '--timeout', '600s', '--kubeconfig', '/runs/abc/kubeconfig',
    ]);
  });

  it('upgrade --install with every optional flag and no repo', () => {
    expect(upgradeInstallArgs({
      ...base, chart: 'kong/ingress', repo: undefined, valuesFiles: [], wait: false, timeoutSeconds: 90,
      skipCrds: true, createNamespace: true, cluster: { kubeconfigPath: '/runs/abc/kubeconfig', context: 'kind-kc-abc' },
    })).to.deep.equal([
      'upgrade', '--install', 'kong', 'kong/ingress', '--namespace', 'kong', '--version', '2.52.0',
      '--timeout', '90s', '--skip-crds', '--create-namespace', '--kubeconfig', '/runs/abc/kubeconfig', '--kube-context', 'kind-kc-abc',
    ]);
  });

  it('never passes values with --set', () => {
    expect(upgradeInstallArgs(base).some((arg) => arg.startsWith('--set'))).to.equal(false);
  });

  it('uninstall treats a release that is not there as uninstalled, so teardown goes on', () => {
    expect(uninstallArgs({ release: 'kong', namespace: 'kong', cluster: { kubeconfigPath: '/k' }, wait: true })).to.deep.equal(
      ['uninstall', 'kong', '--namespace', 'kong', '--ignore-not-found', '--wait', '--kubeconfig', '/k'],
    );
    expect(uninstallArgs({ release: 'kong', namespace: 'kong', cluster: { kubeconfigPath: '/k', context: 'c' }, wait: false })).to.deep.equal(
      ['uninstall', 'kong', '--namespace', 'kong', '--ignore-not-found', '--kubeconfig', '/k', '--kube-context', 'c'],
    );
  });

  it('template accepts install options and includes CRDs unless skipped', () => {
    expect(templateArgs(base)).to.deep.equal([
      'template', 'kong', 'kong', '--namespace', 'kong', '--version', '2.52.0', '--repo', 'https://charts.konghq.com',
      '--values', '/runs/abc/values-base.yaml', '--values', '/runs/abc/values-postgres.yaml', '--include-crds',
    ]);
    expect(templateArgs({ ...base, skipCrds: true })).not.to.include('--include-crds');
  });
});
