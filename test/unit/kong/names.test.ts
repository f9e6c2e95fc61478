import { expect } from 'chai';
import { componentNames } from '../../../harness/kong/names.ts';
import type { Topology } from '../../../harness/targets/target.ts';

/**
 * Pod labels as the charts render them: `kong.metaLabels` plus the template's own component
 * (charts/kong/templates/_helpers.tpl, deployment.yaml, migrations*.yaml @kong-3.4.1, and
 * @kong-3.2.0 for the subcharts ingress-0.24.0 pins), then what the controllers add:
 * `pod-template-hash` for a ReplicaSet's pods, the job-name labels for a Job's.
 */
function chartPod(chartName: string, release: string, component: string): Record<string, string> {
  const meta = {
    'app.kubernetes.io/name': chartName,
    'helm.sh/chart': `${chartName}-3.4.1`,
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/version': '3.9',
    'app.kubernetes.io/component': component,
  };
  if (component === 'app') return { ...meta, app: `${release}-${chartName}`, version: '3.9', 'pod-template-hash': '7c9f6d8b5d' };
  const job = `${release}-${chartName}-${component}`;
  return { ...meta, 'batch.kubernetes.io/job-name': job, 'job-name': job, 'batch.kubernetes.io/controller-uid': '0b7d1c1e-6a0e-4d7f-9a53-2f0e4b7c9d11' };
}

const MIGRATIONS = ['init-migrations', 'pre-upgrade-migrations', 'post-upgrade-migrations'];

/** What each topology installs: the chart name as Helm sees it (a kong/ingress alias is the subchart's name) and the release. */
const INSTALLED: Record<Topology, { controller: [string, string]; gateway: [string, string] }> = {
  single: { controller: ['kong', 'kong'], gateway: ['kong', 'kong'] },
  split: { controller: ['controller', 'kong'], gateway: ['gateway', 'kong'] },
  hybrid: { controller: ['kong', 'kong-cp'], gateway: ['kong', 'kong-dp'] },
};

function matches(selector: string, labels: Record<string, string>): boolean {
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=') as [string, string];
    return labels[key] === value;
  });
}

describe('kong/names selectors', () => {
  for (const topology of ['single', 'split', 'hybrid'] as const) {
    for (const component of ['controller', 'gateway'] as const) {
      const names = componentNames(topology)[component];
      const [chartName, release] = INSTALLED[topology][component];

      it(`${topology} ${component}: selects the Deployment's pods and none of the migrations Jobs' pods`, () => {
        expect(names.release).to.equal(release);
        expect(matches(names.selector, chartPod(chartName, release, 'app'))).to.equal(true);
        for (const job of MIGRATIONS) expect(matches(names.selector, chartPod(chartName, release, job)), job).to.equal(false);
      });

      it(`${topology} ${component}: the selector is its labels, and the labels are part of the pod's`, () => {
        expect(names.selector).to.equal(Object.entries(names.labels).map(([k, v]) => `${k}=${v}`).join(','));
        expect(chartPod(chartName, release, 'app')).to.include(names.labels);
      });
    }
  }

  it('split: the controller selector does not select the gateway pods, nor the other way round', () => {
    const { controller, gateway } = componentNames('split');
    expect(matches(controller.selector, chartPod('gateway', 'kong', 'app'))).to.equal(false);
    expect(matches(gateway.selector, chartPod('controller', 'kong', 'app'))).to.equal(false);
  });
});
