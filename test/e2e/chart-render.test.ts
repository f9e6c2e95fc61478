import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { buildPlan, targetFor } from '../../harness/runner/plan.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import { template } from '../../harness/tools/helm.ts';
import { toolBinDir } from '../../harness/tools/exec.ts';
import { ensureTool } from '../../harness/tools/install.ts';
import { scenarios } from '../../scenarios/index.ts';
import { e2eBlocker } from './blocker.ts';

/**
 * Every scenario and variant's Helm values rendered by the pinned helm with the real charts
 * (`helm template`). The values are checked offline against the chart sources by reading them;
 * this is the proof by the chart itself, with the pinned helm and the chart repository (network).
 */
const why = await e2eBlocker();
const versions = loadVersions();

interface Rendered {
  kind?: string;
  metadata?: { name?: string };
  spec?: { template?: { spec?: { containers?: { name: string; image: string }[] } } };
}

describe('e2e: every plan renders with the real charts', function () {
  this.timeout(10 * 60_000);
  let dir = '';
  before(async function () {
    if (why) throw new Error(`the end-to-end proofs cannot start: ${why}`);
    await ensureTool(versions.tools.helm, { binDir: toolBinDir() });
    dir = mkdtempSync(join(tmpdir(), 'kong-chaos-render-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const scenario of scenarios) {
    for (const variant of [undefined, ...Object.keys(scenario.variants)]) {
      const title = `${scenario.id}${variant ? `[${variant}]` : ''} renders`;
      it(title, async () => {
        const target = targetFor(scenario, versions, {}, variant);
        const plan = buildPlan(scenario, versions, target, variant, { host: 'postgres.invalid', port: 5432, user: 'kong', database: 'kong' });
        for (const release of plan.helm) {
          const file = join(dir, `${scenario.id}-${variant ?? 'default'}-${release.release}.json`);
          writeFileSync(file, JSON.stringify(release.values));
          const out = await template({ release: release.release, namespace: release.namespace, chart: release.chart.split('/')[1]!, version: release.chartVersion, repo: versions.charts.repo, valuesFiles: [file] });
          const images = parseAllDocuments(out)
            .map((d) => d.toJS() as Rendered | null)
            .filter((o): o is Rendered => o?.kind === 'Deployment')
            .flatMap((o) => o.spec?.template?.spec?.containers ?? [])
            .map((c) => c.image);
          const gateway = scenario.install(target, variant).initialGateway ?? target.gateway;
          expect(images.some((i) => i.endsWith(`:${gateway}`)), `${release.release} runs Kong ${gateway}: ${images.join(', ')}`).to.equal(true);
        }
      });
    }
  }
});
