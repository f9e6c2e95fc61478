import { scenarios } from '../../scenarios/index.ts';
import type { Scenario } from '../runner/scenario.ts';

/** The contract of `list --json`: one entry per scenario. */
export function listEntry(s: Scenario) {
  return {
    id: s.id,
    title: s.title,
    sources: s.sources,
    modes: s.requires.modes,
    topologies: s.requires.topologies,
    kic: s.requires.kic ?? '*',
    expectations: s.expectations,
    variants: Object.entries(s.variants).map(([name, v]) => ({ name, description: v.description, expectations: v.expectations ?? s.expectations })),
  };
}

export function list(json: boolean): number {
  if (json) {
    console.log(JSON.stringify(scenarios.map(listEntry), null, 2));
    return 0;
  }
  for (const s of scenarios) {
    const expectations = Object.entries(s.expectations).map(([range, e]) => `${range}: ${[e].flat().join('|')}`).join(', ');
    console.log(`${s.id}\n  ${s.title}\n  modes ${s.requires.modes.join(',')} · topology ${s.requires.topologies.join(',')} · expect ${expectations}`);
    for (const [name, v] of Object.entries(s.variants)) console.log(`  variant ${name}: ${v.description}`);
  }
  return 0;
}
