import { scenarios } from '../../scenarios/index.ts';
import { targetFor } from '../runner/plan.ts';
import type { Scenario } from '../runner/scenario.ts';
import { nodeImageVersion } from '../targets/pinned.ts';
import { loadVersions } from '../targets/versions.ts';
import type { Versions } from '../targets/versions-types.ts';

/** Whether the scenario installs the Gateway API CRDs, so `--gateway-api` and the matrix vary them. */
function usesGatewayApi(s: Scenario, versions: Versions): boolean {
  return s.install(targetFor(s, versions, {}), undefined).gatewayApi === true;
}

/** The contract of `list --json`: one entry per scenario. */
export function listEntry(s: Scenario, versions: Versions = loadVersions()) {
  return {
    id: s.id,
    title: s.title,
    sources: s.sources,
    modes: s.requires.modes,
    topologies: s.requires.topologies,
    kic: s.requires.kic ?? '*',
    gateway: s.requires.gateway ?? '*',
    gatewayApi: usesGatewayApi(s, versions),
    expectations: s.expectations,
    variants: Object.entries(s.variants).map(([name, v]) => ({ name, description: v.description, expectations: v.expectations ?? s.expectations })),
  };
}

/** The pinned target dimensions, one line each, for people. */
function pinnedLines(v: Versions): string[] {
  const kinds = [...new Set(v.kind.nodeImages.map((n) => n.kind))].map((k) => `${k}: ${v.kind.nodeImages.filter((n) => n.kind === k).map(nodeImageVersion).join(', ')}`);
  return [
    `Kubernetes (--k8s, default ${v.kind.defaultK8s}) by kind release: ${kinds.join('; ')}`,
    `KIC (--kic, default ${v.kic.default}): ${v.kic.versions[0]} … ${v.kic.versions.at(-1)}`,
    `Kong Gateway OSS ${v.gateway.image} (--gateway, default ${v.gateway.default}): ${v.gateway.versions.join(', ')}`,
    `Kong Gateway Enterprise ${v.enterprise.image} (--gateway, needs KONG_LICENSE_DATA or --license-file): ${v.enterprise.versions.join(', ')}`,
    `Gateway API, standard channel (--gateway-api, default ${v.gatewayApi.default}): ${v.gatewayApi.versions.join(', ')}`,
  ];
}

export function list(json: boolean): number {
  const versions = loadVersions();
  if (json) {
    console.log(JSON.stringify(scenarios.map((s) => listEntry(s, versions)), null, 2));
    return 0;
  }
  console.log(`${pinnedLines(versions).join('\n')}\n`);
  for (const s of scenarios) {
    const expectations = Object.entries(s.expectations).map(([range, e]) => `${range}: ${[e].flat().join('|')}`).join(', ');
    const gatewayApi = usesGatewayApi(s, versions) ? ' · Gateway API' : '';
    const gateway = s.requires.gateway ? ` · Kong ${s.requires.gateway}` : '';
    console.log(`${s.id}\n  ${s.title}\n  modes ${s.requires.modes.join(',')} · topology ${s.requires.topologies.join(',')}${gateway}${gatewayApi} · expect ${expectations}`);
    for (const [name, v] of Object.entries(s.variants)) console.log(`  variant ${name}: ${v.description}`);
    console.log(`  sources: ${s.sources.join(' ')}`);
  }
  return 0;
}
