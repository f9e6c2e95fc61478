import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { defaultHostPorts, KIND_CONFIG_DIR, NODE_PORTS } from '../../../harness/cluster/kind-config.ts';
import { helmReleases, merge, type HelmRelease, type Values } from '../../../harness/kong/values.ts';
import { resolveTarget, type Requirements, type TargetFlags } from '../../../harness/targets/target.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { ADMIN_CLIENT_CERT_SECRET, ADMIN_SERVER_CERT_SECRET } from '../../../harness/kong/names.ts';
import { coalesce, controllerEnv, gatewayEnv, KIC_ADMIN_CERT_MOUNT, kicAdminCertSecret, KONG_CHART_DEFAULTS, secretVolumeMounts } from '../../support/kong-chart.ts';
import { feasibleNodes, type ModelNode, type ModelPod, type SpreadConstraint } from '../../support/topology-spread.ts';

const versions = loadVersions();
const ANY: Requirements = { modes: ['dbless', 'postgres'], topologies: ['single', 'split', 'hybrid'] };
const target = (flags: TargetFlags) => resolveTarget(versions, ANY, flags, 'values-test');

/** Walks a plain object by keys, failing loudly when a key is missing. */
function at(values: unknown, ...path: string[]): unknown {
  let here = values;
  for (const key of path) {
    expect(here, `missing ${path.join('.')} (at ${key})`).to.be.an('object').that.has.property(key);
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

/** Every object in `values` that has property `key`, anywhere. */
function collect(values: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(values)) values.forEach((v) => collect(v, key, out));
  else if (values && typeof values === 'object') {
    for (const [k, v] of Object.entries(values)) {
      if (k === key) out.push(v);
      collect(v, key, out);
    }
  }
  return out;
}

/** The containerPorts the kind config files map, read from the YAML files themselves. */
function mappedContainerPorts(shape: string): number[] {
  const doc = parse(readFileSync(`${KIND_CONFIG_DIR}${shape}.yaml`, 'utf8')) as { nodes: { extraPortMappings?: { containerPort: number }[] }[] };
  return doc.nodes.flatMap((n) => (n.extraPortMappings ?? []).map((m) => m.containerPort));
}

const COMBINATIONS = [
  { topology: 'single', mode: 'dbless' },
  { topology: 'single', mode: 'postgres' },
  { topology: 'split', mode: 'dbless' },
  { topology: 'split', mode: 'postgres' },
  { topology: 'hybrid', mode: 'postgres' },
] as const;

/** The gateway (proxy-serving) values and controller values of a release list, per topology. */
function parts(topology: string, releases: HelmRelease[]) {
  if (topology === 'single') return { gateway: releases[0]!.values, controller: at(releases[0]!.values, 'ingressController') as Values, cp: undefined };
  if (topology === 'split') return { gateway: at(releases[0]!.values, 'gateway') as Values, controller: at(releases[0]!.values, 'controller', 'ingressController') as Values, cp: undefined };
  return { gateway: releases[1]!.values, controller: at(releases[0]!.values, 'ingressController') as Values, cp: releases[0]!.values };
}

describe('kong/values helmReleases', () => {
  for (const { topology, mode } of COMBINATIONS) {
    describe(`${topology} × ${mode}`, () => {
      const t = target({ topology, mode, kic: '3.4.3', gateway: '3.8.1' });
      const releases = helmReleases({ target: t, versions });
      const { gateway, controller } = parts(topology, releases);

      it('uses the chart and chart version pinned in versions.yaml', () => {
        const expected =
          topology === 'split'
            ? [{ release: 'kong', chart: 'kong/ingress', chartVersion: versions.charts.ingress.version }]
            : topology === 'single'
              ? [{ release: 'kong', chart: 'kong/kong', chartVersion: versions.charts.kong.version }]
              : [
                  { release: 'kong-cp', chart: 'kong/kong', chartVersion: versions.charts.kong.version },
                  { release: 'kong-dp', chart: 'kong/kong', chartVersion: versions.charts.kong.version },
                ];
        expect(releases.map((r) => ({ release: r.release, chart: r.chart, chartVersion: r.chartVersion }))).to.deep.equal(expected);
        expect(releases.every((r) => r.namespace === 'kong')).to.equal(true);
        expect(versions.charts.kong.version).to.equal('3.4.1');
        expect(versions.charts.ingress.version).to.equal('0.24.0');
      });

      it('runs kong:<gateway> and kong/kubernetes-ingress-controller:<kic>', () => {
        expect(at(gateway, 'image')).to.deep.equal({ repository: 'kong', tag: '3.8.1' });
        expect(at(controller, 'image')).to.deep.equal({ repository: 'kong/kubernetes-ingress-controller', tag: '3.4.3' });
        if (topology === 'hybrid') expect(at(releases[0]!.values, 'image')).to.deep.equal({ repository: 'kong', tag: '3.8.1' });
      });

      it('installs an older KIC when the kic override asks for one (upgrade from)', () => {
        const upgraded = parts(topology, helmReleases({ target: t, versions, kic: '3.4.1' }));
        expect(at(upgraded.controller, 'image', 'tag')).to.equal('3.4.1');
        expect(at(upgraded.gateway, 'image', 'tag')).to.equal('3.8.1');
      });

      it('exposes the proxy on NodePort 30080, which every kind config maps', () => {
        expect(at(gateway, 'proxy', 'http', 'nodePort')).to.equal(30080);
        expect(at(gateway, 'proxy', 'type')).to.equal('NodePort');
        expect(NODE_PORTS.proxy).to.equal(30080);
        for (const shape of ['single-node', 'multi-node']) {
          expect(mappedContainerPorts(shape), shape).to.include(at(gateway, 'proxy', 'http', 'nodePort'));
          expect(() => defaultHostPorts(readFileSync(`${KIND_CONFIG_DIR}${shape}.yaml`, 'utf8'))).not.to.throw();
        }
      });

      it('exposes the Admin API on NodePort 30001, which every kind config maps', () => {
        const adminValues = topology === 'hybrid' ? releases[0]!.values : gateway;
        expect(at(adminValues, 'admin', 'http', 'nodePort')).to.equal(30001);
        expect(at(adminValues, 'admin', 'type')).to.equal('NodePort');
        expect(NODE_PORTS.admin).to.equal(30001);
        for (const shape of ['single-node', 'multi-node']) {
          expect(mappedContainerPorts(shape), shape).to.include(at(adminValues, 'admin', 'http', 'nodePort'));
        }
      });

      it('never puts a literal password into any values (serialized)', () => {
        const text = JSON.stringify(releases);
        const passwords = collect(releases, 'pg_password');
        for (const p of passwords) {
          expect(p).to.deep.equal({ valueFrom: { secretKeyRef: { name: 'kong-chaos-postgres', key: 'password' } } });
        }
        // the only "password" in the serialized values is the Secret key name
        expect(text.match(/password/gi) ?? []).to.have.length(passwords.length * 2);
      });

      it('sets no feature_gates when none were asked for', () => {
        expect(collect(releases, 'feature_gates')).to.deep.equal([]);
      });
    });
  }

  describe('database env', () => {
    it('dbless sets env.database to the string "off", and it stays a string through the JSON values file', () => {
      for (const topology of ['single', 'split'] as const) {
        const { gateway } = parts(topology, helmReleases({ target: target({ topology, mode: 'dbless' }), versions }));
        expect(at(gateway, 'env', 'database')).to.equal('off');
        const reread = JSON.parse(JSON.stringify(gateway)) as Values;
        expect(at(reread, 'env', 'database')).to.be.a('string').that.equals('off');
        expect(collect(gateway, 'pg_host')).to.deep.equal([]);
      }
    });

    it('postgres sets host, port, user, database and the password only as a secretKeyRef', () => {
      for (const topology of ['single', 'split'] as const) {
        const pg = { host: '172.18.0.9', port: 5433, user: 'chaos', database: 'kongdb' };
        const { gateway } = parts(topology, helmReleases({ target: target({ topology, mode: 'postgres' }), versions, postgres: pg }));
        expect(at(gateway, 'env')).to.include({ database: 'postgres', pg_host: '172.18.0.9', pg_port: 5433, pg_user: 'chaos', pg_database: 'kongdb' });
        expect(at(gateway, 'env', 'pg_password')).to.deep.equal({ valueFrom: { secretKeyRef: { name: 'kong-chaos-postgres', key: 'password' } } });
      }
    });

    it('postgres without an address uses the planned placeholder, not an empty host', () => {
      const [release] = helmReleases({ target: target({ topology: 'single', mode: 'postgres' }), versions });
      expect(at(release!.values, 'env', 'pg_host')).to.be.a('string').with.length.greaterThan(0);
      expect(at(release!.values, 'env', 'pg_port')).to.equal(5432);
    });

    it('hybrid keeps the database on the control plane and runs the data plane with database off', () => {
      const [cp, dp] = helmReleases({ target: target({ topology: 'hybrid', mode: 'postgres' }), versions });
      expect(at(cp!.values, 'env', 'database')).to.equal('postgres');
      expect(at(dp!.values, 'env', 'database')).to.equal('off');
      expect(collect(dp!.values, 'pg_host')).to.deep.equal([]);
      expect(collect(dp!.values, 'pg_password')).to.deep.equal([]);
    });
  });

  describe('split topology', () => {
    const [release] = helmReleases({ target: target({ topology: 'split', mode: 'dbless' }), versions });
    const values = release!.values;

    it('nests the controller and the gateway under their own keys, as kong/ingress expects', () => {
      expect(Object.keys(values).sort()).to.deep.equal(['controller', 'gateway']);
      expect(at(values, 'controller', 'ingressController', 'image', 'repository')).to.equal('kong/kubernetes-ingress-controller');
      expect(at(values, 'gateway', 'env', 'role')).to.equal('traditional');
    });

    it('gives the gateway Admin API a NodePort (the chart makes it headless only for ClusterIP)', () => {
      expect(at(values, 'gateway', 'admin', 'type')).to.equal('NodePort');
      expect(at(values, 'gateway', 'admin', 'enabled')).to.equal(true);
      expect(at(values, 'gateway', 'admin')).not.to.have.property('clusterIP');
    });

    it('leaves gateway discovery to the chart (no discovery or admin URL settings)', () => {
      expect(collect(values, 'gatewayDiscovery')).to.deep.equal([]);
      expect(collect(values, 'kong_admin_url')).to.deep.equal([]);
      expect(collect(values, 'konnect')).to.deep.equal([]);
      expect(Object.keys(at(values, 'controller', 'ingressController') as Values).sort()).to.deep.equal(['env', 'image']);
    });
  });

  describe('hybrid topology', () => {
    const [cp, dp] = helmReleases({ target: target({ topology: 'hybrid', mode: 'postgres' }), versions });

    it('runs the control plane with role control_plane, the cluster certificate and no proxy', () => {
      expect(at(cp!.values, 'env')).to.include({
        role: 'control_plane',
        cluster_cert: '/etc/secrets/kong-cluster-cert/tls.crt',
        cluster_cert_key: '/etc/secrets/kong-cluster-cert/tls.key',
      });
      expect(at(cp!.values, 'secretVolumes')).to.deep.equal(['kong-cluster-cert']);
      expect(at(cp!.values, 'proxy', 'enabled')).to.equal(false);
      expect(at(cp!.values, 'cluster', 'enabled')).to.equal(true);
      expect(at(cp!.values, 'cluster', 'tls', 'servicePort')).to.equal(8005);
    });

    it('lets the control plane KIC publish the data plane proxy Service', () => {
      expect(at(cp!.values, 'ingressController', 'enabled')).to.equal(true);
      expect(at(cp!.values, 'ingressController', 'env', 'publish_service')).to.equal('kong/kong-dp-kong-proxy');
      expect(at(cp!.values, 'ingressController', 'env', 'log_format')).to.equal('json');
    });

    it('runs the data plane with role data_plane against the control plane cluster Service on 8005', () => {
      expect(at(dp!.values, 'env')).to.include({
        role: 'data_plane',
        cluster_control_plane: 'kong-cp-kong-cluster.kong.svc.cluster.local:8005',
        cluster_cert: '/etc/secrets/kong-cluster-cert/tls.crt',
        cluster_cert_key: '/etc/secrets/kong-cluster-cert/tls.key',
        lua_ssl_trusted_certificate: '/etc/secrets/kong-cluster-cert/tls.crt',
      });
      expect(at(dp!.values, 'ingressController', 'enabled')).to.equal(false);
      expect(at(dp!.values, 'admin', 'enabled')).to.equal(false);
      expect(at(dp!.values, 'proxy', 'enabled')).to.equal(true);
    });

    it('honours gatewayReplicas on the data plane only', () => {
      const [cp3, dp3] = helmReleases({ target: target({ topology: 'hybrid', mode: 'postgres' }), versions, gatewayReplicas: 3 });
      expect(at(dp3!.values, 'replicaCount')).to.equal(3);
      expect(cp3!.values).not.to.have.property('replicaCount');
    });
  });

  describe('feature gates', () => {
    const featureGates = 'FallbackConfiguration=true,CombinedServices=false';
    for (const topology of ['single', 'split', 'hybrid'] as const) {
      it(`end up in the controller's env.feature_gates (${topology})`, () => {
        const releases = helmReleases({ target: target({ topology, mode: 'postgres', featureGates }), versions });
        const { controller } = parts(topology, releases);
        expect(at(controller, 'env', 'feature_gates')).to.equal(featureGates);
        expect(collect(releases, 'feature_gates')).to.deep.equal([featureGates]);
      });
    }
  });

  describe('overrides', () => {
    it('deep-merge into the named release and keep every sibling value', () => {
      const t = target({ topology: 'single', mode: 'dbless' });
      const [release] = helmReleases({
        target: t,
        versions,
        overrides: { kong: { env: { log_level: 'debug' }, proxy: { http: { nodePort: 31111 } } } },
      });
      expect(at(release!.values, 'env')).to.deep.equal({ database: 'off', log_level: 'debug' });
      expect(at(release!.values, 'proxy', 'http')).to.deep.equal({ enabled: true, servicePort: 80, containerPort: 8000, nodePort: 31111 });
      expect(at(release!.values, 'proxy', 'type')).to.equal('NodePort');
    });

    it('apply to the split release as a whole and reach the nested gateway values', () => {
      const [release] = helmReleases({
        target: target({ topology: 'split', mode: 'dbless' }),
        versions,
        overrides: { kong: { gateway: { env: { log_level: 'debug' } } } },
      });
      expect(at(release!.values, 'gateway', 'env')).to.deep.equal({ role: 'traditional', database: 'off', log_level: 'debug' });
      expect(at(release!.values, 'gateway', 'admin', 'type')).to.equal('NodePort');
    });

    it('touch only the release they are keyed by (hybrid)', () => {
      const [cp, dp] = helmReleases({
        target: target({ topology: 'hybrid', mode: 'postgres' }),
        versions,
        overrides: { 'kong-dp': { replicaCount: 4 } },
      });
      expect(at(dp!.values, 'replicaCount')).to.equal(4);
      expect(cp!.values).not.to.have.property('replicaCount');
    });
  });
});

describe('kong/values merge', () => {
  it('merges nested objects key by key', () => {
    expect(merge({ a: { b: 1, c: { d: 2 } }, e: 3 }, { a: { c: { f: 4 } } })).to.deep.equal({ a: { b: 1, c: { d: 2, f: 4 } }, e: 3 });
  });

  it('replaces arrays instead of concatenating or merging them by index', () => {
    expect(merge({ list: [1, 2, 3], o: { l: ['a', 'b'] } }, { list: [9], o: { l: [] } })).to.deep.equal({ list: [9], o: { l: [] } });
  });

  it('lets a scalar or null replace an object, and an object replace a scalar', () => {
    expect(merge({ a: { b: 1 }, c: 'x' }, { a: null, c: { d: 1 } })).to.deep.equal({ a: null, c: { d: 1 } });
  });

  it('does not change either input', () => {
    const base = { a: { b: 1 }, l: [1] };
    const over = { a: { c: 2 }, l: [2] };
    const out = merge(base, over);
    (out.a as Values).z = 1;
    expect(base).to.deep.equal({ a: { b: 1 }, l: [1] });
    expect(over).to.deep.equal({ a: { c: 2 }, l: [2] });
  });
});

describe('kong/values for node faults and hybrid readiness', () => {
  it('spreads two or more gateway replicas one per node, and leaves a single replica alone', () => {
    const [one] = helmReleases({ target: target({ topology: 'single' }), versions });
    const [two] = helmReleases({ target: target({ topology: 'single' }), versions, gatewayReplicas: 2 });
    expect(one!.values).not.to.have.property('topologySpreadConstraints');
    expect(at(two!.values, 'topologySpreadConstraints')).to.deep.equal([
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        nodeTaintsPolicy: 'Honor',
        matchLabelKeys: ['pod-template-hash'],
        labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/component': 'app' } },
      },
    ]);
    const [split] = helmReleases({ target: target({ topology: 'split' }), versions, gatewayReplicas: 3 });
    const [constraint] = at(split!.values, 'gateway', 'topologySpreadConstraints') as Values[];
    expect(constraint!['labelSelector']).to.deep.equal({ matchLabels: { 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/component': 'app' } });
  });

  describe('where the scheduler can put gateway pods on the multi-node kind cluster', () => {
    /**
     * The nodes kind makes from kind-config/multi-node.yaml: named `<cluster>-<role>[N]`
     * (pkg/cluster/internal/providers/common/namer.go@v0.31.0), and the control plane keeps
     * kubeadm's NoSchedule taint because the cluster has more than one node
     * (pkg/cluster/internal/create/actions/kubeadminit/init.go@v0.31.0).
     */
    function kindNodes(): ModelNode[] {
      const doc = parse(readFileSync(`${KIND_CONFIG_DIR}multi-node.yaml`, 'utf8')) as { nodes: { role: string }[] };
      const seen: Record<string, number> = {};
      return doc.nodes.map(({ role }) => {
        seen[role] = (seen[role] ?? 0) + 1;
        const name = `kc-r1-${role}${seen[role] > 1 ? seen[role] : ''}`;
        const taints = role === 'control-plane' && doc.nodes.length > 1 ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const }] : [];
        return { name, labels: { 'kubernetes.io/hostname': name }, taints };
      });
    }

    /** A gateway pod of ReplicaSet `hash`, labelled as the chart and the ReplicaSet controller label it. */
    const gatewayPod = (hash: string, node?: string): ModelPod => ({
      labels: { 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/component': 'app', app: 'kong-kong', 'pod-template-hash': hash },
      ...(node ? { node } : {}),
    });

    const [release] = helmReleases({ target: target({ topology: 'single' }), versions, gatewayReplicas: 2 });
    const constraints = at(release!.values, 'topologySpreadConstraints') as SpreadConstraint[];
    const nodes = kindNodes();
    const workers = nodes.filter((n) => n.taints.length === 0).map((n) => n.name);

    it('the cluster has a tainted control plane and two workers', () => {
      expect(nodes).to.have.length(3);
      expect(workers).to.have.length(2);
    });

    it('puts the two replicas of an install on the two workers', () => {
      const first = feasibleNodes(gatewayPod('5d7f8c9b6'), constraints, nodes, []);
      expect(first).to.have.members(workers);
      const placed = [gatewayPod('5d7f8c9b6', first[0])];
      expect(feasibleNodes(gatewayPod('5d7f8c9b6'), constraints, nodes, placed)).to.deep.equal(workers.filter((w) => w !== first[0]));
    });

    it('schedules a rollout\'s surge pod next to the two old replicas, and spreads the new ReplicaSet', () => {
      const old = workers.map((w) => gatewayPod('5d7f8c9b6', w));
      const surge = feasibleNodes(gatewayPod('66b4d7c8f9'), constraints, nodes, old);
      expect(surge).to.have.members(workers);
      // the old pod on the surge pod's node goes; the second new pod must take the other worker
      const rest = [...old.filter((p) => p.node !== surge[0]), gatewayPod('66b4d7c8f9', surge[0])];
      expect(feasibleNodes(gatewayPod('66b4d7c8f9'), constraints, nodes, rest)).to.deep.equal(workers.filter((w) => w !== surge[0]));
    });

    it('schedules the replacement after a worker and its Node object are gone', () => {
      const [survivor, killed] = workers as [string, string];
      const left = nodes.filter((n) => n.name !== killed);
      expect(feasibleNodes(gatewayPod('5d7f8c9b6'), constraints, left, [gatewayPod('5d7f8c9b6', survivor)])).to.deep.equal([survivor]);
    });

    it('does not count a completed migrations Job pod (no pod-template-hash)', () => {
      const job: ModelPod = { labels: { 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/component': 'init-migrations', 'job-name': 'kong-kong-init-migrations' }, node: workers[0]! };
      expect(feasibleNodes(gatewayPod('5d7f8c9b6'), constraints, nodes, [job])).to.have.members(workers);
    });
  });

  it('lets the hybrid data plane be Ready before it holds a configuration', () => {
    const [cp, dp] = helmReleases({ target: target({ topology: 'hybrid', mode: 'postgres' }), versions });
    expect(at(dp!.values, 'readinessProbe', 'httpGet', 'path')).to.equal('/status');
    expect(cp!.values).not.to.have.property('readinessProbe');
  });
});

describe('kong/values for the licensed Kong Gateway (kong/kong-gateway)', () => {
  for (const { topology, mode } of COMBINATIONS) {
    it(`${topology} × ${mode}: the Enterprise image, enterprise.enabled and the license Secret by name, on every release that runs Kong`, () => {
      const t = target({ topology, mode, gateway: '3.14' });
      const releases = helmReleases({ target: t, versions, license: true });
      const { gateway, cp } = parts(topology, releases);
      for (const kong of [gateway, ...(cp ? [cp] : [])]) {
        expect(at(kong, 'image')).to.deep.equal({ repository: 'kong/kong-gateway', tag: '3.14.0.10' });
        // the chart sets KONG_LICENSE_DATA from this Secret's key `license` (charts/kong/templates/_helpers.tpl@kong-3.4.1)
        expect(at(kong, 'enterprise')).to.deep.equal({ enabled: true, license_secret: 'kong-enterprise-license' });
      }
      // kong/ingress has no enterprise values of its own: they belong to its gateway subchart only
      if (topology === 'split') expect(Object.keys(releases[0]!.values)).to.not.include('enterprise');
    });
  }

  it('without a license (a scenario that opts out) still runs the Enterprise image, with no Secret named', () => {
    const { gateway } = parts('split', helmReleases({ target: target({ topology: 'split', mode: 'dbless', gateway: '3.10' }), versions }));
    expect(at(gateway, 'image')).to.deep.equal({ repository: 'kong/kong-gateway', tag: '3.10.0.9' });
    expect(at(gateway, 'enterprise')).to.deep.equal({ enabled: true });
  });

  it('leaves the OSS image as it was: kong, no enterprise values, even when a license is at hand', () => {
    const releases = helmReleases({ target: target({ topology: 'single', mode: 'dbless', gateway: '3.9' }), versions, license: true });
    expect(at(releases[0]!.values, 'image')).to.deep.equal({ repository: 'kong', tag: '3.9.3' });
    expect(collect(releases, 'enterprise')).to.deep.equal([]);
  });
});

describe('kong/values for an mTLS Admin API that KIC verifies by name (adminTls)', () => {
  const CA = '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpegNw4RMA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNVBAYTAlVT\n-----END CERTIFICATE-----\n';
  // the ingress chart's subcharts, as Helm hands them their values: the release's `controller` and `gateway` over kong/kong's defaults
  const rendered = () => {
    const [release] = helmReleases({ target: target({ topology: 'split', mode: 'dbless' }), versions, adminTls: { caCert: CA } });
    const values = release!.values as { controller: Values; gateway: Values };
    return { controller: coalesce(values.controller, KONG_CHART_DEFAULTS), gateway: values.gateway };
  };

  it('KIC verifies the gateway with the run CA, by name, and shows its client certificate', () => {
    const { controller } = rendered();
    const env = controllerEnv(controller, { name: 'kong-controller', namespace: 'kong' });
    // the chart's own CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY=true is overridden, or nothing is verified at all
    expect(env['CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY']).to.equal('false');
    expect(env['CONTROLLER_KONG_ADMIN_TLS_SERVER_NAME']).to.equal('pod.kong-gateway-admin.kong.svc');
    // the CA and the client pair come from the one Secret the chart mounts in KIC's container
    expect(kicAdminCertSecret(controller, 'kong-controller')).to.equal(ADMIN_CLIENT_CERT_SECRET);
    expect(env['CONTROLLER_KONG_ADMIN_CA_CERT_FILE']).to.equal(`${KIC_ADMIN_CERT_MOUNT}/ca.crt`);
    expect(env['CONTROLLER_KONG_ADMIN_TLS_CLIENT_CERT_FILE']).to.equal(`${KIC_ADMIN_CERT_MOUNT}/tls.crt`);
    expect(env['CONTROLLER_KONG_ADMIN_TLS_CLIENT_KEY_FILE']).to.equal(`${KIC_ADMIN_CERT_MOUNT}/tls.key`);
    // the CA makes no Secret of the chart's own: certProvided
    expect(at(controller, 'ingressController', 'adminApi', 'tls', 'client', 'certProvided')).to.equal(true);
  });

  it('the gateway asks for a client certificate of the run CA and serves the run certificate from its mounted Secret', () => {
    const { gateway } = rendered();
    const env = gatewayEnv(gateway);
    expect(env['KONG_NGINX_ADMIN_SSL_VERIFY_CLIENT']).to.equal('on');
    expect(at(gateway, 'admin', 'tls', 'client', 'caBundle')).to.equal(CA);
    const dir = secretVolumeMounts(gateway)[ADMIN_SERVER_CERT_SECRET];
    expect(dir, 'server certificate Secret mounted').to.be.a('string');
    expect(env['KONG_ADMIN_SSL_CERT']).to.equal(`${dir}/tls.crt`);
    expect(env['KONG_ADMIN_SSL_CERT_KEY']).to.equal(`${dir}/tls.key`);
    // the TLS listener stays on, and the plain one the harness reads too
    expect(at(gateway, 'admin', 'tls', 'enabled')).to.equal(true);
    expect(at(gateway, 'admin', 'http', 'enabled')).to.equal(true);
  });

  it('keeps the database env and the rest of the gateway values', () => {
    const [release] = helmReleases({ target: target({ topology: 'split', mode: 'postgres' }), versions, adminTls: { caCert: CA } });
    const env = gatewayEnv((release!.values as { gateway: Values }).gateway);
    expect(env['KONG_DATABASE']).to.equal('postgres');
    expect(env['KONG_ROLE']).to.equal('traditional');
  });

  it('leaves KIC skipping verification and the Admin API open to any client without it', () => {
    const [release] = helmReleases({ target: target({ topology: 'split', mode: 'dbless' }), versions });
    const values = release!.values as { controller: Values; gateway: Values };
    expect(controllerEnv(coalesce(values.controller, KONG_CHART_DEFAULTS), { name: 'kong-controller', namespace: 'kong' })['CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY']).to.equal('true');
    expect(gatewayEnv(values.gateway)).to.not.have.property('KONG_NGINX_ADMIN_SSL_VERIFY_CLIENT');
  });

  for (const topology of ['single', 'hybrid'] as const) {
    it(`is refused in ${topology}: only gateway discovery verifies gateways by a server name of its own`, () => {
      expect(() => helmReleases({ target: target({ topology, mode: 'postgres' }), versions, adminTls: { caCert: CA } })).to.throw(/needs gateway discovery \(topology split\)/);
    });
  }
});
