import type { Scenario } from '../harness/runner/scenario.ts';
import gatewayListenerStuck from './gateway-listener-stuck.ts';
import pluginIdDrift from './plugin-id-drift.ts';

/** Every scenario, in catalog order. Ids are fixed by CATALOG.md. */
export const scenarios: readonly Scenario[] = [pluginIdDrift, gatewayListenerStuck];
