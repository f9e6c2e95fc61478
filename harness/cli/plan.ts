import { stringify } from 'yaml';
import { scenarioById } from '../../scenarios/index.ts';
import { buildPlan, requirementsOf, targetFor } from '../runner/plan.ts';
import { licenseForCases } from '../targets/edition.ts';
import { describeTarget, type TargetFlags } from '../targets/target.ts';
import { loadVersions } from '../targets/versions.ts';

export function plan(id: string, flags: TargetFlags & { variant?: string; json?: boolean; licenseFile?: string }): number {
  const scenario = scenarioById(id);
  const versions = loadVersions();
  const target = targetFor(scenario, versions, flags, flags.variant);
  const license = licenseForCases(versions, flags.licenseFile, [{ gateway: target.gateway, needsLicense: requirementsOf(scenario, flags.variant).license !== false }]);
  const p = buildPlan(scenario, versions, target, flags.variant, undefined, license !== undefined);
  if (flags.json) {
    console.log(JSON.stringify(p, null, 2));
    return 0;
  }
  const expectation = p.expectation ? `${p.expectation.range} -> ${[p.expectation.accepted].flat().join(' or ')}` : 'none (observe)';
  console.log(`${scenario.id}${p.variant ? ` (${p.variant})` : ''}: ${scenario.title}`);
  console.log(`target: ${describeTarget(target)}`);
  console.log(`expectation: ${expectation}\n\nsteps:`);
  p.steps.forEach((s, i) => console.log(`  ${i + 1}. ${s}`));
  console.log(`\nsignatures:`);
  for (const s of p.signatures) console.log(`  - ${s.id}: ${s.description}`);
  console.log(`\nkind config:\n${indent(p.kindConfig)}`);
  for (const h of p.helm) console.log(`helm ${h.release} (${h.chart} ${h.chartVersion}) values:\n${indent(stringify(h.values, { version: '1.1' }))}`);
  console.log(`manifests: ${p.manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return 0;
}

function indent(text: string): string {
  return text.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');
}
