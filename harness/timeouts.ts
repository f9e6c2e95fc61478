/**
 * Every deadline the harness uses, in one place. A run that hits one becomes `inconclusive`
 * with the step named, instead of hanging. Override any of them with
 * KONG_CHAOS_TIMEOUT_<NAME>=<ms>, e.g. KONG_CHAOS_TIMEOUT_HELM_INSTALL=900000.
 */
const defaults = {
  /** a quick CLI call: `kind get clusters`, `docker version`, `helm version` */
  toolQuick: 30_000,
  clusterCreate: 300_000,
  clusterDelete: 120_000,
  /** `kind load docker-image` of the Kong and KIC images into every node of a new cluster */
  imageLoad: 300_000,
  helmInstall: 600_000,
  kubeRequest: 30_000,
  adminRequest: 10_000,
  routeRequest: 5_000,
  rollout: 300_000,
  steadyState: 300_000,
  download: 300_000,
  postgresStart: 180_000,
  diagnostics: 180_000,
  /**
   * removed namespaces gone from a cluster that outlives the run: Kong pods run their preStop
   * `kong quit --wait=15` within terminationGracePeriodSeconds 30 (charts/kong/values.yaml@kong-3.4.1)
   */
  namespaceGone: 180_000,
  /** handing a reused or user cluster back (helm uninstall, namespaces gone); its own deadline, as Ctrl-C has aborted the run's */
  teardown: 600_000,
  /** a scenario's own setup, fault or remediation step, end to end */
  scenarioStep: 900_000,
} as const;

export type TimeoutName = keyof typeof defaults;

function envName(name: string): string {
  return `KONG_CHAOS_TIMEOUT_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export function timeout(name: TimeoutName, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[envName(name)];
  if (raw === undefined || raw === '') return defaults[name];
  const ms = Number(raw);
  return Number.isFinite(ms) && ms > 0 ? ms : defaults[name];
}
