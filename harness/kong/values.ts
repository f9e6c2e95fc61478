import { NODE_PORTS } from '../cluster/kind-config.ts';
import type { Target } from '../targets/target.ts';
import type { Versions } from '../targets/versions-types.ts';
import { gatewayImage as imageOf, isLicensed } from '../targets/edition.ts';
import { ADMIN_CLIENT_CERT_SECRET, ADMIN_SERVER_CERT_SECRET, ADMIN_TLS_SERVER_NAME, CLUSTER_CERT_SECRET, componentNames, KONG_NAMESPACE, LICENSE_SECRET, POSTGRES_SECRET } from './names.ts';

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
  /** an mTLS Admin API that KIC verifies by name (split topology only); see adminTlsValues */
  adminTls?: AdminTls;
}

/** What the values of an mTLS Admin API carry: the CA's certificate (public), never a key. */
export interface AdminTls {
  /** PEM of the CA that signed the Admin API's server certificate and KIC's client certificate */
  caCert: string;
}

/** Placeholder shown by `plan`, where the run fills in the CA certificate it made. */
export const PLANNED_ADMIN_TLS: AdminTls = { caCert: '<PEM of the CA the run makes for the Admin API>' };

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
  if (opts.adminTls && target.topology !== 'split') throw new Error(`an mTLS Admin API verified by name needs gateway discovery (topology split), not ${target.topology}`);
  const tls = opts.adminTls ? adminTlsValues(opts.adminTls) : { controller: {}, gateway: {} };

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
            merge(
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
              { controller: tls.controller, gateway: tls.gateway },
            ),
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

const ADMIN_SERVER_CERT_DIR = `/etc/secrets/${ADMIN_SERVER_CERT_SECRET}`;
/** where the chart mounts `ingressController.adminApi.tls.client.secretName` in KIC's container */
const KIC_ADMIN_CERT_DIR = '/etc/secrets/admin-api-cert';

/**
 * An Admin API that takes only clients with a certificate of the run's CA, and a KIC that checks
 * the gateway's certificate by name, as a hardened gateway-discovery install has it:
 * - gateway: `admin.tls.client.caBundle` makes the chart write the CA into a ConfigMap and set
 *   KONG_NGINX_ADMIN_SSL_VERIFY_CLIENT=on with its path (charts/kong/templates/_helpers.tpl and
 *   service-kong-admin.yaml@kong-3.2.0, the subchart ingress-0.24.0 pins). The bundle rather than
 *   `secretName`: the chart reads a Secret with `lookup` at render time and fails without one,
 *   which `helm template` (the chart-render tests) never has. Kong serves its Admin API with the
 *   run's certificate (`admin_ssl_cert`, `admin_ssl_cert_key`, kong.conf.default@3.9.3) from a
 *   mounted Secret; it verifies client certificates on TLS connections only, so the plain HTTP
 *   NodePort the harness reads stays open.
 * - controller: `ingressController.adminApi.tls.client` with `certProvided` mounts the client
 *   Secret at /etc/secrets/admin-api-cert and sets CONTROLLER_KONG_ADMIN_TLS_CLIENT_CERT_FILE /
 *   _KEY_FILE (same files). The chart also sets CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY=true, which
 *   `ingressController.env` overrides (mergeOverwrite of the user's env over the chart's);
 *   `kong_admin_ca_cert_file` is the CA (`ca.crt` in the same Secret). `kong_admin_tls_server_name`
 *   is what KIC before 3.4.3 verifies every gateway against (internal/manager/config.go and
 *   internal/adminapi/kong.go@v3.4.1: its discovery addresses are bare IPs); from 3.4.3 on,
 *   discovery sets each client's server name itself and overrides the flag
 *   (CreateAdminAPIClient, internal/adminapi/client.go@v3.4.3 and @v3.5.13).
 */
function adminTlsValues(tls: AdminTls): { controller: Values; gateway: Values } {
  return {
    controller: {
      ingressController: {
        adminApi: { tls: { client: { enabled: true, certProvided: true, secretName: ADMIN_CLIENT_CERT_SECRET } } },
        env: {
          kong_admin_tls_skip_verify: 'false',
          kong_admin_ca_cert_file: `${KIC_ADMIN_CERT_DIR}/ca.crt`,
          kong_admin_tls_server_name: ADMIN_TLS_SERVER_NAME,
        },
      },
    },
    gateway: {
      admin: { tls: { client: { caBundle: tls.caCert } } },
      env: { admin_ssl_cert: `${ADMIN_SERVER_CERT_DIR}/tls.crt`, admin_ssl_cert_key: `${ADMIN_SERVER_CERT_DIR}/tls.key` },
      secretVolumes: [ADMIN_SERVER_CERT_SECRET],
    },
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
