import { didYouMean, quote, UserError } from '../harness/errors.ts';
import type { Scenario } from '../harness/runner/scenario.ts';
import adminApiPartition from './admin-api-partition.ts';
import adminApiTlsServername from './admin-api-tls-servername.ts';
import brokenObjectBlastRadius from './broken-object-blast-radius.ts';
import configResyncAfterRestart from './config-resync-after-restart.ts';
import credentialWebhookRace from './credential-webhook-race.ts';
import databaseOutage from './database-outage.ts';
import gatewayApiCrdUpgrade from './gateway-api-crd-upgrade.ts';
import gatewayListenerStuck from './gateway-listener-stuck.ts';
import globalPluginReenable from './global-plugin-reenable.ts';
import manualPluginConflict from './manual-plugin-conflict.ts';
import missingCrds from './missing-crds.ts';
import nodeTermination from './node-termination.ts';
import pendingMigrations from './pending-migrations.ts';
import pluginIdDrift from './plugin-id-drift.ts';
import publishServiceMissing from './publish-service-missing.ts';
import sniCertificateBackref from './sni-certificate-backref.ts';
import secureByDefaultProtocols from './secure-by-default-protocols.ts';
import unlicensedGateway from './unlicensed-gateway.ts';
import upgradeGate from './upgrade-gate.ts';

/** Every scenario, in catalog order. Ids are fixed by CATALOG.md. */
export const scenarios: readonly Scenario[] = [
  pluginIdDrift,
  credentialWebhookRace,
  gatewayListenerStuck,
  manualPluginConflict,
  publishServiceMissing,
  brokenObjectBlastRadius,
  globalPluginReenable,
  databaseOutage,
  pendingMigrations,
  missingCrds,
  adminApiPartition,
  nodeTermination,
  upgradeGate,
  adminApiTlsServername,
  sniCertificateBackref,
  secureByDefaultProtocols,
  configResyncAfterRestart,
  unlicensedGateway,
  gatewayApiCrdUpgrade,
];

export function scenarioById(id: string): Scenario {
  const found = scenarios.find((s) => s.id === id);
  if (!found) throw new UserError(`unknown scenario ${quote(id)}${didYouMean(id, scenarios.map((s) => s.id))}; known: ${scenarios.map((s) => s.id).join(', ')}`);
  return found;
}
