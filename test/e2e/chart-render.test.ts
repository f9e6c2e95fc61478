import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import type { Scenario } from '../../harness/runner/scenario.ts';
import { buildPlan, targetFor } from '../../harness/runner/plan.ts';
import { gatewayImage } from '../../harness/targets/edition.ts';
import type { TargetFlags } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import { template } from '../../harness/tools/helm.ts';
import { toolBinDir } from '../../harness/tools/exec.ts';
import { ensureTool } from '../../harness/tools/install.ts';
import { scenarios } from '../../scenarios/index.ts';
import { e2eBlocker } from './blocker.ts';

/**
 * Every scenario and variant's Helm values, and every new pin, rendered by the pinned helm with
 * the real charts (`helm template`). The values are checked offline against the chart sources by
 * reading them; this is the proof by the chart itself, with the pinned helm and the chart
 * repository (network).
 */
const why = await e2eBlocker();
const versions = loadVersions();
const POSTGRES = { host: 'postgres.invalid', port: 5432, user: 'kong', database: 'kong' };

interface Rendered {
  kind?: string;
  spec?: { template?: { spec?: { containers?: { name: string; image: string }[] } } };
}

let dir = '';
before(async function () {
  if (why) return;
  this.timeout(10 * 60_000);
  await ensureTool(versions.tools.helm, { binDir: toolBinDir() });
  dir = mkdtempSync(join(tmpdir(), 'kong-chaos-render-'));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

/**
 * Renders each release of the plan and checks that its Deployments run the Kong image the target
 * names (kong or kong/kong-gateway); returns the rendered manifests.
 */
async function renderPlan(scenario: Scenario, flags: TargetFlags, variant: string | undefined, licensed = false): Promise<string[]> {
  const target = targetFor(scenario, versions, flags, variant);
  const plan = buildPlan(scenario, versions, target, variant, POSTGRES, licensed);
  const gateway = scenario.install(target, variant).initialGateway ?? target.gateway;
  const image = `${gatewayImage(versions, gateway)}:${gateway}`;
  const rendered: string[] = [];
  for (const release of plan.helm) {
    const file = join(dir, `${scenario.id}-${variant ?? 'default'}-${release.release}-${Object.values(flags).join('-')}.json`);
    writeFileSync(file, JSON.stringify(release.values));
    const out = await template({ release: release.release, namespace: release.namespace, chart: release.chart.split('/')[1]!, version: release.chartVersion, repo: versions.charts.repo, valuesFiles: [file] });
    const images = parseAllDocuments(out)
      .map((d) => d.toJS() as Rendered | null)
      .filter((o): o is Rendered => o?.kind === 'Deployment')
      .flatMap((o) => o.spec?.template?.spec?.containers ?? [])
      .map((c) => c.image);
    expect(images.some((i) => i.endsWith(image)), `${release.release} runs ${image}: ${images.join(', ')}`).to.equal(true);
    rendered.push(out);
  }
  return rendered;
}

function failUnlessRunnable(): void {
  if (why) throw new Error(`the end-to-end proofs cannot start: ${why}`);
}

describe('e2e: every plan renders with the real charts', function () {
  this.timeout(10 * 60_000);
  before(failUnlessRunnable);
  for (const scenario of scenarios) {
    for (const variant of [undefined, ...Object.keys(scenario.variants)]) {
      it(`${scenario.id}${variant ? `[${variant}]` : ''} renders`, () => renderPlan(scenario, {}, variant));
    }
  }
});

describe('e2e: the new pins render with the real charts', function () {
  this.timeout(10 * 60_000);
  before(failUnlessRunnable);
  const cases: { title: string; flags: TargetFlags; license?: boolean; scenario?: string }[] = [
    { title: 'Kubernetes 1.36 (kind v0.32.0)', flags: { k8s: '1.36' } },
    { title: 'Kubernetes 1.37 (kind v0.33.0)', flags: { k8s: '1.37' } },
    { title: 'Gateway API 1.6', flags: { gatewayApi: '1.6' } },
    { title: 'Kong 3.9.3', flags: { gateway: '3.9.3' } },
    { title: 'licensed Kong Gateway 3.14, split', flags: { gateway: '3.14' }, license: true },
    { title: 'licensed Kong Gateway 3.14, single × postgres', flags: { gateway: '3.14', topology: 'single', mode: 'postgres' }, license: true, scenario: 'upgrade-gate' },
  ];
  for (const c of cases) {
    const id = c.scenario ?? 'gateway-listener-stuck';
    it(`${id} on ${c.title} renders`, async () => {
      const rendered = await renderPlan(scenarios.find((s) => s.id === id)!, c.flags, undefined, Boolean(c.license));
      // the chart's own wiring of the license (secretkeyref in charts/kong/templates/_helpers.tpl@kong-3.4.1):
      // KONG_LICENSE_DATA from the Secret's key `license`, the license itself nowhere in the values
      if (c.license) for (const out of rendered) expect(out).to.match(/name: KONG_LICENSE_DATA\s+valueFrom:\s+secretKeyRef:\s+name: kong-enterprise-license\s+key: license/);
    });
  }
});
