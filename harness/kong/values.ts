import { NODE_PORTS } from '../cluster/kind-config.ts';
import type { Target } from '../targets/target.ts';
import type { Versions } from '../targets/versions-types.ts';
import { gatewayImage as imageOf, isLicensed } from '../targets/edition.ts';
import { CLUSTER_CERT_SECRET, componentNames, KONG_NAMESPACE, LICENSE_SECRET, POSTGRES_SECRET } from './names.ts';

/** One Helm release as `plan` shows it and the installer runs it. */
export interface HelmRelease {
  release: string;
  namespace: string;
  chart: 'kong/kong' | 'kong/ingress';
  chartVersion: string;
  values: Values;
}

export type Values = { [key: string]: unknown };

/** Where Kong finds the harness's Postgres; the password stays in a Secret, never in values. */
export interface PostgresAddress {
  host: string;
  port: number;
  user: string;
  database: string;
}

export interface InstallOptions {
  target: Target;
  versions: Versions;
  /** the KIC version to install, when it differs from the target's (upgrade scenarios) */
  kic?: string;
  gateway?: string;
  gatewayReplicas?: number;
  postgres?: PostgresAddress;
  /** whether the license Secret exists (LICENSE_SECRET), for a Kong Gateway Enterprise image */
  license?: boolean;
  /** deep-merged over a release's values, keyed by release name */
  overrides?: Record<string, Values>;
}

/** Placeholder shown by `plan`, where the run fills in the address of its Postgres container. */
export const PLANNED_POSTGRES: PostgresAddress = { host: '<postgres container IP on the kind network>', port: 5432, user: 'kong', database: 'kong' };

const CERT_DIR = `/etc/secrets/${CLUSTER_CERT_SECRET}`;

/**
 * The Helm releases that install Kong for a target, in install order. No value may be null:
 * Helm drops a null only where the chart's defaults hold the key and passes it to the templates
 * everywhere else (coalesceTablesFullKey, pkg/chartutil/coalesce.go@v3.18.6), so what a null
 * does depends on the chart version; say the value meant instead.
 */
export function helmReleases(opts: InstallOptions): HelmRelease[] {
  const releases = releasesFor(opts);
  for (const r of releases) {
    const path = nullAt(r.values);
    if (path !== undefined) throw new Error(`Helm values of release ${r.release} hold null at ${path}; set the value meant instead`);
  }
  return releases;
}

function releasesFor(opts: InstallOptions): HelmRelease[] {
  const { target, versions } = opts;
  const kic = opts.kic ?? target.kic;
  const gatewayTag = opts.gateway ?? target.gateway;
  const names = componentNames(target.topology);
  const kongChart = (release: string, values: Values): HelmRelease => ({
    release,
    namespace: KONG_NAMESPACE,
    chart: 'kong/kong',
    chartVersion: versions.charts.kong.version,
    values: merge(values, opts.overrides?.[release] ?? {}),
  });
  const gatewayImage = { repository: imageOf(versions, gatewayTag), tag: gatewayTag };
  const enterprise = enterpriseValues(isLicensed(versions, gatewayTag), Boolean(opts.license));
  const controller = {
    image: { repository: versions.kicImage, tag: kic },
    // JSON logs: one parser for every line, whatever the KIC version's console layout
    env: { log_format: 'json', ...(target.featureGates.length ? { feature_gates: target.featureGates.join(',') } : {}) },
  };
  const replicas = opts.gatewayReplicas ?? 1;
  const db = databaseEnv(target.mode, opts.postgres);

  switch (target.topology) {
    case 'single':
      return [
        kongChart(names.gateway.release, {
          image: gatewayImage,
          ...enterprise,
          replicaCount: replicas,
          ...spread(replicas, names.gateway.labels),
          env: db,
          ingressController: { enabled: true, ...controller },
          proxy: proxyValues(),
          admin: adminValues(),
          manager: { enabled: false },
        }),
      ];
    case 'split':
      return [
        {
          release: names.gateway.release,
          namespace: KONG_NAMESPACE,
          chart: 'kong/ingress',
          chartVersion: versions.charts.ingress.version,
          values: merge(
            {
              controller: { ingressController: controller },
              gateway: {
                image: gatewayImage,
                ...enterprise,
                replicaCount: replicas,
                env: { role: 'traditional', ...db },
                proxy: proxyValues(),
                // A NodePort instead of the chart's headless Service (the chart writes `clusterIP:
                // None` only for type ClusterIP), so the host reaches the Admin API; KIC's gateway
                // discovery reads EndpointSlices by port name and finds the pods all the same.
                admin: adminValues(),
                ...spread(replicas, names.gateway.labels),
                manager: { enabled: false },
              },
            },
            opts.overrides?.[names.gateway.release] ?? {},
          ),
        },
      ];
    case 'hybrid':
      return [
        kongChart(names.controller.release, {
          image: gatewayImage,
          ...enterprise,
          env: { role: 'control_plane', cluster_cert: `${CERT_DIR}/tls.crt`, cluster_cert_key: `${CERT_DIR}/tls.key`, ...db },
          secretVolumes: [CLUSTER_CERT_SECRET],
          cluster: { enabled: true, tls: { enabled: true, servicePort: 8005, containerPort: 8005 } },
          proxy: { enabled: false },
          admin: adminValues(),
          manager: { enabled: false },
          ingressController: {
            enabled: true,
            ...controller,
            // the CP has no proxy Service of its own: publish the DP's (chart README, hybrid mode)
            env: { ...controller.env, publish_service: `${KONG_NAMESPACE}/${names.gateway.deployment}-proxy` },
          },
        }),
        kongChart(names.gateway.release, {
          image: gatewayImage,
          ...enterprise,
          replicaCount: replicas,
          ...spread(replicas, names.gateway.labels),
          // A DB-less data plane answers 503 on /status/ready until it holds a configuration, and
          // a CP with an empty database gives it none before the scenario applies anything.
          readinessProbe: { httpGet: { path: '/status', port: 'status', scheme: 'HTTP' } },
          env: {
            role: 'data_plane',
            database: 'off',
            cluster_cert: `${CERT_DIR}/tls.crt`,
            cluster_cert_key: `${CERT_DIR}/tls.key`,
            lua_ssl_trusted_certificate: `${CERT_DIR}/tls.crt`,
            cluster_control_plane: `${names.controller.deployment}-cluster.${KONG_NAMESPACE}.svc.cluster.local:8005`,
          },
          secretVolumes: [CLUSTER_CERT_SECRET],
          proxy: proxyValues(),
          admin: { enabled: false },
          manager: { enabled: false },
          ingressController: { enabled: false },
        }),
      ];
  }
}

/**
 * Kong Gateway Enterprise reads its license from KONG_LICENSE_DATA, which the chart sets from the
 * Secret `enterprise.license_secret` names, key `license`, only under `enterprise.enabled`
 * (charts/kong/templates/_helpers.tpl@kong-3.4.1 and @kong-3.2.0, the subchart ingress-0.24.0
 * pins as `gateway`; kong/ingress has no `enterprise` values of its own, so they go under
 * `gateway.`). The values name the Secret, never the license. Without a license (a scenario that
 * opts out) the image still runs as Enterprise, as with an expired license.
 */
function enterpriseValues(licensed: boolean, hasLicense: boolean): Values {
  if (!licensed) return {};
  return { enterprise: { enabled: true, ...(hasLicense ? { license_secret: LICENSE_SECRET } : {}) } };
}

/**
 * Gateway replicas one per node, so a node fault takes only part of the traffic. The chart copies
 * `topologySpreadConstraints` into the pod spec as given (charts/kong/templates/deployment.yaml
 * @kong-3.4.1, and @kong-3.2.0 which ingress-0.24.0 pins for its subcharts).
 *
 * `nodeTaintsPolicy: Honor`: kind keeps the control-plane taint on a cluster of more than one
 * node (pkg/cluster/internal/create/actions/kubeadminit/init.go@v0.31.0 removes it only when
 * there is one), and the pods tolerate no control-plane taint (chart `tolerations: []`; the
 * harness adds only not-ready / unreachable ones). Under the default policy (Ignore) the
 * scheduler still counts the control plane as a domain holding 0 pods (kubernetes/kubernetes
 * pkg/scheduler/framework/plugins/podtopologyspread/filtering.go@01c2588, calPreFilterState
 * and Filter: matching pods + 1 - global minimum <= maxSkew), so with one replica on each of the two
 * workers any further pod — a rollout's surge pod, the replacement after a node kill — would
 * have skew 2 everywhere and stay Pending. Honor leaves out the nodes whose taints the pod
 * does not tolerate.
 * `matchLabelKeys: [pod-template-hash]`: only pods of the same ReplicaSet count, so a rollout
 * spreads its new pods among themselves, however the old ones sit.
 * Both fields are on by default on every node image versions.yaml pins (1.31–1.35):
 * NodeInclusionPolicyInPodTopologySpread beta since 1.26, GA in 1.33;
 * MatchLabelKeysInPodTopologySpread beta since 1.27 (kubernetes/kubernetes
 * pkg/features/kube_features.go; kubernetes/website feature-gates pages).
 * DoNotSchedule rather than ScheduleAnyway: a soft spread may put both replicas on one worker,
 * and a node kill would then take all the traffic, which is not the fault the scenarios mean.
 */
function spread(replicas: number, labels: Record<string, string>): Values {
  if (replicas < 2) return {};
  return {
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        nodeTaintsPolicy: 'Honor',
        matchLabelKeys: ['pod-template-hash'],
        labelSelector: { matchLabels: labels },
      },
    ],
  };
}

function databaseEnv(mode: Target['mode'], pg: PostgresAddress | undefined): Values {
  if (mode === 'dbless') return { database: 'off' };
  const address = pg ?? PLANNED_POSTGRES;
  return {
    database: 'postgres',
    pg_host: address.host,
    pg_port: address.port,
    pg_user: address.user,
    pg_database: address.database,
    pg_password: { valueFrom: { secretKeyRef: { name: POSTGRES_SECRET, key: 'password' } } },
  };
}

/** Plain HTTP on the NodePort that kind maps to the host. */
function proxyValues(): Values {
  return { enabled: true, type: 'NodePort', http: { enabled: true, servicePort: 80, containerPort: 8000, nodePort: NODE_PORTS.proxy }, tls: { enabled: true } };
}

function adminValues(): Values {
  return {
    enabled: true,
    type: 'NodePort',
    http: { enabled: true, servicePort: 8001, containerPort: 8001, nodePort: NODE_PORTS.admin },
    tls: { enabled: true },
  };
}

/** The dotted path of the first null in `values`, if any. */
function nullAt(values: unknown, path = ''): string | undefined {
  if (values === null) return path || '(root)';
  if (typeof values !== 'object') return undefined;
  for (const [key, value] of Object.entries(values)) {
    const found = nullAt(value, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Deep merge of plain objects; arrays and scalars from `over` replace those in `base`. */
export function merge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlain(current) && isPlain(value) ? merge(current, value) : value;
  }
  return out;
}

function isPlain(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
