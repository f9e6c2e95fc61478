import { quote, UserError } from '../harness/errors.ts';
import type { Scenario } from '../harness/runner/scenario.ts';
import gatewayListenerStuck from './gateway-listener-stuck.ts';
import pluginIdDrift from './plugin-id-drift.ts';

/** Every scenario, in catalog order. Ids are fixed by CATALOG.md. */
export const scenarios: readonly Scenario[] = [pluginIdDrift, gatewayListenerStuck];

export function scenarioById(id: string): Scenario {
  const found = scenarios.find((s) => s.id === id);
  if (!found) throw new UserError(`unknown scenario ${quote(id)}; known: ${scenarios.map((s) => s.id).join(', ')}`);
  return found;
}
