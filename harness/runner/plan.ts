import { defaultHostPorts, readShape, renderKindConfig } from '../cluster/kind-config.ts';
import { expectationFor, type Expectation } from '../judge/expectations.ts';
import { describeSignature, isMadeByFault } from '../judge/signatures.ts';
import { helmReleases, PLANNED_ADMIN_TLS, type HelmRelease, type PostgresAddress } from '../kong/values.ts';
import type { KubeObject } from '../manifests/types.ts';
import { quote, UserError } from '../errors.ts';
import { ADMIN_CERT_DNS_NAME, ADMIN_CLIENT_CERT_SECRET, ADMIN_SERVER_CERT_SECRET, LICENSE_SECRET } from '../kong/names.ts';
import { installsLicense, isLicensed } from '../targets/edition.ts';
import { gatewayApiInstallUrl } from '../targets/gateway-api.ts';
import type { Target, TargetFlags } from '../targets/target.ts';
import { resolveTarget } from '../targets/target.ts';
import type { Versions } from '../targets/versions-types.ts';
import type { ClusterShape, Scenario } from './scenario.ts';

/** Everything a run will do, computed offline: what `plan` prints and what `run` executes. */
export interface Plan {
  scenario: { id: string; title: string; sources: string[] };
  variant: string | null;
  target: Target;
  shape: ClusterShape;
  kindConfig: string;
  /** the Gateway API release installed before KIC starts, if any */
  gatewayApi: { version: string; url: string } | null;
  postgres: { image: string } | null;
  helm: HelmRelease[];
  manifests: KubeObject[];
  steps: string[];
  signatures: Record<string, unknown>[];
  expectation: Expectation | null;
  window: { observeSeconds: number; recoverSeconds: number | null };
}

export function variantOf(scenario: Scenario, name: string | undefined) {
  if (name === undefined) return undefined;
  const variant = scenario.variants[name];
  if (!variant) {
    const known = Object.keys(scenario.variants);
    throw new UserError(`${scenario.id} has no variant ${quote(name)}; known: ${known.length ? known.join(', ') : 'none'}`);
  }
  return variant;
}

/** The scenario's requirements, narrowed by the variant's. */
export function requirementsOf(scenario: Scenario, variantName: string | undefined) {
  return { ...scenario.requires, ...variantOf(scenario, variantName)?.requires };
}

export function targetFor(scenario: Scenario, versions: Versions, flags: TargetFlags, variant?: string): Target {
  return resolveTarget(versions, requirementsOf(scenario, variant), flags, scenario.id);
}

export function expectationsOf(scenario: Scenario, variant: string | undefined) {
  return variantOf(scenario, variant)?.expectations ?? scenario.expectations;
}

/** `license`: whether the user gave a Kong Gateway Enterprise license; the plan names its Secret, never its text */
export function buildPlan(scenario: Scenario, versions: Versions, target: Target, variantName?: string, postgres?: PostgresAddress, license = false): Plan {
  const variant = variantOf(scenario, variantName);
  const shape = variant?.shape ?? scenario.shape;
  const install = scenario.install(target, variantName);
  const shapeText = readShape(shape);
  const gateways = [target.gateway, install.initialGateway];
  const usesLicense = gateways.some((g) => g !== undefined && isLicensed(versions, g));
  const withLicense = license && installsLicense(versions, gateways, requirementsOf(scenario, variantName).license !== false);
  const helm = helmReleases({
    target,
    versions,
    kic: install.initialKic,
    gateway: install.initialGateway,
    gatewayReplicas: install.gatewayReplicas,
    postgres,
    license: withLicense,
    ...(install.values ? { overrides: install.values } : {}),
    ...(install.adminTls ? { adminTls: PLANNED_ADMIN_TLS } : {}),
  });
  const fault = variant?.fault ?? scenario.fault;
  /** the release installed before KIC starts */
  const gatewayApi = install.initialGatewayApi ?? target.gatewayApi;
  const observe = scenario.window.observeMs / 1000;
  const recover = scenario.remediation ? (scenario.window.recoverMs ?? scenario.window.observeMs) / 1000 : null;

  const steps = [
    `provision: kind ${target.k8s.kind} cluster (${shape}) on ${target.k8s.image}@${target.k8s.digest}`,
    ...(install.gatewayApi ? [`install Gateway API ${gatewayApi} CRDs (standard channel) before KIC starts${install.initialGatewayApi ? `; the fault moves them to ${target.gatewayApi}` : ''}`] : []),
    ...(target.mode === 'postgres' ? [`start Postgres (${versions.postgres.image}) with testcontainers on the kind network; password into Secret, never into values`] : []),
    ...(target.mode === 'postgres' && install.databaseProxy ? [`start Toxiproxy (${versions.toxiproxy.image}) in front of Postgres; Kong connects through it`] : []),
    ...(usesLicense ? [withLicense ? `create the Secret ${LICENSE_SECRET} (key license) from KONG_LICENSE_DATA or --license-file; the license is registered as a secret and appears in no values, log or report` : `no license, whatever KONG_LICENSE_DATA or --license-file hold: Kong Gateway ${target.gateway} runs as with an expired license (the scenario asks for that)`] : []),
    ...(target.topology === 'hybrid' ? ['create the cluster certificate Secret kong-cluster-cert for control plane / data plane mTLS'] : []),
    ...(install.adminTls ? [`make a CA, the Admin API server certificate (${ADMIN_CERT_DNS_NAME}, no IP) and KIC's client certificate; create the Secrets ${ADMIN_SERVER_CERT_SECRET} and ${ADMIN_CLIENT_CERT_SECRET} (keys registered as secrets); the CA certificate goes into the gateway's admin.tls.client.caBundle`] : []),
    ...helm.map((h) => `helm upgrade --install ${h.release} ${h.chart} ${h.chartVersion} in namespace ${h.namespace}${install.skipCrds ? ' --skip-crds' : ''}${install.awaitRollout === false ? ' without waiting for the rollout' : ''} (KIC ${install.initialKic ?? target.kic}, Kong ${install.initialGateway ?? target.gateway})`),
    `setup: ${scenario.setup.describe}`,
    `steady state: every probe healthy (${probeSummary(scenario)}), else inconclusive${afterFault(scenario)}`,
    `fault: ${fault.describe}`,
    `observe for ${observe}s: probes every ${(scenario.probes.intervalMs ?? 2000) / 1000}s, controller and gateway logs, Events`,
    ...(scenario.remediation ? [`remediate, only if the symptom is still present: ${scenario.remediation.describe}`, `observe recovery for ${recover}s`] : []),
    'judge the evidence; collect diagnostics on any non-pass; tear the cluster down unless --keep-cluster',
  ];

  return {
    scenario: { id: scenario.id, title: scenario.title, sources: scenario.sources },
    variant: variantName ?? null,
    target,
    shape,
    kindConfig: renderKindConfig(shapeText, target.k8s, defaultHostPorts(shapeText)),
    gatewayApi: install.gatewayApi ? { version: gatewayApi, url: gatewayApiInstallUrl(versions, gatewayApi) } : null,
    postgres: target.mode === 'postgres' ? { image: versions.postgres.image } : null,
    helm,
    manifests: scenario.manifests(target, variantName),
    steps,
    signatures: scenario.signatures.map(describeSignature),
    expectation: expectationFor(expectationsOf(scenario, variantName), target.kic) ?? null,
    window: { observeSeconds: observe, recoverSeconds: recover },
  };
}

/** The signatures the steady state does not wait for: what they read only exists once the fault made it. */
function afterFault(s: Scenario): string {
  const ids = s.signatures.filter(isMadeByFault).map((x) => x.id);
  return ids.length ? `; not awaited, the fault creates what they read: ${ids.join(', ')}` : '';
}

function probeSummary(s: Scenario): string {
  const parts = [
    ...(s.probes.routes ?? []).map((r) => `GET ${r.path} -> ${r.expectStatus ?? 200}`),
    ...(s.probes.conditions ?? []).map((c) => `${c.kind} ${c.namespace}/${c.name} conditions`),
    ...(s.probes.ingresses ?? []).map((i) => `Ingress ${i.namespace}/${i.name} address published`),
    ...(s.probes.containers ?? []).map((c) => `${c} container restarts`),
    ...(s.probes.admin ?? []).map((q) => `Admin API ${q}`),
    ...(s.probes.gatewayPods ? [`every gateway pod directly: its configuration hash and the routes${s.probes.gatewayPods.kic ? '; what KIC last pushed' : ''}`] : []),
  ];
  return parts.join(', ');
}
