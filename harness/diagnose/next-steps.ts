import semver from 'semver';
import type { ExpectationTable } from '../judge/expectations.ts';

/**
 * What an SRE does about each failure mode: the documented fix or workaround, as a sentence or
 * a command, with where it is written down. The affected and fixed versions are not repeated
 * here: they come from each scenario's expectations (see versionsOf).
 */
export const WORKAROUNDS: Readonly<Record<string, { action: string; sources: string[] }>> = {
  'plugin-id-drift': {
    action: 'Upgrade KIC to 3.4.6 or later, which keeps the ID of a plugin Kong already holds; until then delete the drifted plugins KIC manages through the Admin API and let KIC re-create them.',
    sources: ['KIC CHANGELOG 3.4.6', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7440'],
  },
  'manual-plugin-conflict': {
    action: 'Delete the plugin made by hand (`curl -X DELETE <admin-url>/plugins/<id>`, the id is in the 409 body) and let KIC create its own; in DB mode change Kong only through KIC.',
    sources: ['https://github.com/Kong/kong/issues/8276', 'kong/db/errors.lua@3.9.1'],
  },
  'gateway-listener-stuck': {
    action: 'Upgrade KIC to 3.4.4 or later: the Gateway reconciler then requeues while no gateway client is ready instead of marking listeners UnsupportedProtocol.',
    sources: ['KIC CHANGELOG 3.4.4', 'https://github.com/Kong/kubernetes-ingress-controller/pull/7293', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7015'],
  },
  'publish-service-missing': {
    action: "Point the controller at a proxy Service that exists, as `namespace/name`; in hybrid mode the data plane's: `helm upgrade <cp-release> kong/kong --reuse-values --set ingressController.env.publish_service=<ns>/<dp-release>-kong-proxy`.",
    sources: ['https://github.com/Kong/charts/blob/main/charts/kong/README.md#hybrid-mode', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7822'],
  },
  'missing-crds': {
    action: "Install the CRDs of the KIC version you run (the chart's `crds/` directory, or `kubectl apply -k https://github.com/Kong/kubernetes-ingress-controller/config/crd?ref=v<version>`): Helm installs them only on first install and skips them with `--skip-crds`, and `helm upgrade` never updates them.",
    sources: ['config/crd@v3.4.20', 'https://helm.sh/docs/chart_best_practices/custom_resource_definitions/', 'https://github.com/Kong/charts/issues/1433'],
  },
  'pending-migrations': {
    action: "Run the migrations with the new Kong image before starting it: `kong migrations up`, then `kong migrations finish` once every node runs the new version (the chart's `migrations.preUpgrade` and `migrations.postUpgrade` jobs do both).",
    sources: ['kong/cmd/utils/migrations.lua@3.9.1', 'https://github.com/Kong/kong/issues/7762'],
  },
  'database-outage': {
    action: 'Make Postgres reachable from Kong again (pg_host, pg_port, credentials, its connection limit: `sorry, too many clients already` is max_connections); the lines stop once it answers.',
    sources: ['kong/db/strategies/postgres/connector.lua@3.9.1', 'kong/cluster_events/init.lua@3.9.1', 'https://github.com/Kong/kong/issues/11677'],
  },
  'admin-api-partition': {
    action: "Restore the path from KIC to Kong's Admin API (NetworkPolicies, the admin Service's endpoints, `admin_listen`); `--proxy-timeout-seconds` helps only an Admin API that answers slowly.",
    sources: ['internal/dataplane/kong_client.go@v3.5.13', 'internal/dataplane/synchronizer.go@v3.5.13'],
  },
  'credential-webhook-race': {
    action: 'Delete every object but one that claims the same credential, consumer or vault prefix (the Event names them); since KIC 3.x the translator leaves such conflicts out and records KongConfigurationTranslationFailed instead of breaking the whole configuration.',
    sources: ['https://github.com/Kong/kubernetes-ingress-controller/issues/6577', 'https://github.com/Kong/kubernetes-ingress-controller/pull/6585', 'internal/dataplane/kongstate/kongstate.go@v3.4.20'],
  },
  'admin-api-tls-servername': {
    action:
      'Upgrade KIC to 3.4.16 / 3.5.9 or later, which keeps the server name of a gateway client that turns pending. Until then, delete the gateway pods KIC fails to verify (`kubectl delete pod <gateway pod>`) or restart KIC (`kubectl rollout restart deployment <controller>`): either way KIC discovers the gateways anew, with the server name. Debug logging (CONTROLLER_LOG_LEVEL=debug) shows the failure; at info level KIC reports only that no gateway client is ready, or nothing while another gateway still takes the configuration.',
    // the workaround is read from the code, no public report states it: a started KIC and a new pod get their clients from discovery, server name included
    sources: ['KIC CHANGELOG 3.5.9', 'KIC CHANGELOG 3.4.16', 'https://github.com/Kong/kubernetes-ingress-controller/pull/7950', 'internal/manager/setup.go@v3.5.8', 'internal/adminapi/endpoints.go@v3.5.8', 'internal/clients/manager.go@v3.5.8'],
  },
  'broken-object-blast-radius': {
    action: 'Fix or delete the object the KongConfigurationApplyFailed Event names; with KIC 3.2 or later turn on the `FallbackConfiguration` feature gate (`CONTROLLER_FEATURE_GATES=FallbackConfiguration=true`) so that one broken object no longer stops every later change.',
    sources: ['KIC CHANGELOG 3.2.0', 'https://github.com/Kong/kubernetes-ingress-controller/issues/5854', 'internal/dataplane/kong_client.go@v3.4.20'],
  },
  'sni-certificate-backref': {
    action: 'Upgrade KIC to 3.4.13 or 3.5.6 or later (the certificate back reference on SNIs is restored), or go back to 3.4.11 / 3.5.4; or move Kong to 3.10 or later, which fills the back reference itself. Until then Kong keeps the configuration it had, and no change reaches it.',
    sources: ['KIC CHANGELOG 3.5.6', 'KIC CHANGELOG 3.4.13', 'https://github.com/Kong/kubernetes-ingress-controller/pull/7873', 'https://github.com/Kong/kong/pull/14082'],
  },
  'secure-by-default-protocols': {
    action: 'Name the protocols on every Ingress that plain-HTTP clients use: `konghq.com/protocols: "http,https"` (or `"http"`), or move those clients to HTTPS; attach HTTPRoutes to an HTTP listener of their Gateway (a `parentRef.sectionName` must name one). KIC 3.4.14 / 3.5.7 and later leave an Ingress route without protocols to Kong\'s default, HTTPS only from Kong Gateway 3.14 by its docs (http and https on Kong OSS 3.9).',
    sources: ['KIC CHANGELOG 3.5.7', 'KIC CHANGELOG 3.4.14', 'https://github.com/Kong/developer.konghq.com/issues/4383'],
  },
  'config-resync-after-restart': {
    action: "Compare `configuration_hash` on each gateway pod's `GET /status` (port 8100): a pod on `00000000000000000000000000000000` or on another hash than its peers is the one left behind. Restart the controller (`kubectl rollout restart deployment/<release>-controller -n <namespace>`): a new KIC has pushed nothing to any gateway yet, so its first sync sends the whole configuration to every pod; with KIC in the Kong pod (kong/kong chart), delete that pod.",
    sources: ['internal/dataplane/sendconfig/sendconfig.go@v3.5.13', 'internal/dataplane/sendconfig/config_change_detector.go@v3.5.13', 'https://github.com/Kong/kong/issues/7541', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7685'],
  },
  'unlicensed-gateway': {
    action:
      "Give Kong Gateway Enterprise 3.10+ a license: a Secret with key `license` named in the chart's `enterprise.license_secret` (it becomes KONG_LICENSE_DATA), or a KongLicense object, which KIC sends to Kong with its configuration (whether a read-only 3.15 takes it that way is unconfirmed); or run the OSS `kong` image, whose last line is 3.9 (kong:3.9.3).",
    sources: [
      'https://developer.konghq.com/gateway/entities/license/',
      'https://developer.konghq.com/kubernetes-ingress-controller/license/',
      'charts/kong/templates/_helpers.tpl@kong-3.4.1',
      'internal/dataplane/translator/translator.go@v3.5.13',
      ],
    },
  'gateway-api-crd-upgrade': {
    action:
      "Do not roll the Gateway API CRDs back below v1.5 once v1.5+ is installed: its safe-upgrades ValidatingAdmissionPolicy refuses them (v1.6's refuses v1.5 too). Gateway API's own advice, when a downgrade must happen: delete the `safe-upgrades.gateway.networking.k8s.io` ValidatingAdmissionPolicy first (`kubectl delete validatingadmissionpolicy safe-upgrades.gateway.networking.k8s.io`, and its binding of the same name), then apply the older release. KIC 3.4/3.5 are built against v1.3.0 and use only versions v1.5/v1.6 still serve.",
    sources: [
      'https://github.com/kubernetes-sigs/gateway-api/blob/v1.5.1/CHANGELOG/1.5-CHANGELOG.md',
      'https://gateway-api.sigs.k8s.io/guides/crd-management',
      'config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml@v1.6.1',
      'internal/manager/controllerdef.go@v3.5.13',
    ],
  },
};

export interface Versions {
  /** the ranges of KIC versions the catalog expects the failure on; empty when nobody has confirmed any */
  affected: string[];
  /** the lowest KIC version the catalog expects it fixed in */
  fixedIn?: string;
}

/** Affected ranges and first fixed version, read from a scenario's expectations (keyed by KIC version). */
export function versionsOf(table: ExpectationTable): Versions {
  const affected: string[] = [];
  const unaffected: string[] = [];
  for (const [range, value] of Object.entries(table)) {
    if (value === 'observe') continue;
    const outcomes = [value].flat();
    if (outcomes.includes('reproduced')) affected.push(range);
    else if ((outcomes.includes('not-reproduced') || outcomes.includes('recovered')) && range !== '*') unaffected.push(range);
  }
  // a range that ends before the first affected version predates the bug, it does not fix it
  const firstAffected = affected.map((r) => semver.minVersion(r)).filter((v) => v !== null).sort(semver.compare)[0];
  const fixedIn = unaffected
    .map((r) => semver.minVersion(r))
    .filter((v) => v !== null && (!firstAffected || semver.gt(v, firstAffected)))
    .map((v) => v!.version)
    .sort(semver.compare)[0];
  return { affected, ...(fixedIn ? { fixedIn } : {}) };
}

/** Whether one of the KIC versions seen in the files is in an affected range; undefined when none was seen or nothing is known. */
export function seenAffected(versions: Versions, seen: readonly string[]): boolean | undefined {
  if (seen.length === 0 || versions.affected.length === 0) return undefined;
  return seen.some((v) => versions.affected.some((range) => semver.satisfies(v, range)));
}
