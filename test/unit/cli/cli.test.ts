import { scenarios } from '../../../scenarios/index.ts';
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { BundleWriter, EVIDENCE_FILE } from '../../../harness/evidence/bundle.ts';
import type { ConditionEntry, Observation } from '../../../harness/evidence/types.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';
import { cli, expectOneLineRefusal, type CliResult } from '../../support/capture.ts';
import { RUN_HEADER, step, T0 } from '../../support/bundle-fixtures.ts';

function json<T = any>(r: CliResult): T {
  expect(r.code, r.stderr).to.equal(0);
  return JSON.parse(r.stdout) as T;
}

describe('cli contracts', () => {
  describe('list --json', () => {
    it('lists every scenario with id, title, sources, modes and expectations', async () => {
      const entries = json<any[]>(await cli('list', '--json'));
      expect(entries).to.be.an('array');
      expect(entries.map((e) => e.id).sort()).to.deep.equal(scenarios.map((s) => s.id).sort());
      expect(entries.map((e) => e.id)).to.include.members(['gateway-listener-stuck', 'plugin-id-drift']);
      for (const e of entries) {
        expect(e).to.include.keys('id', 'title', 'sources', 'modes', 'expectations');
        expect(e.title).to.be.a('string').with.length.greaterThan(10);
        expect(e.sources).to.be.an('array').that.is.not.empty;
        for (const s of e.sources) expect(s).to.match(/^https:\/\//);
        expect(e.modes).to.be.an('array').that.is.not.empty;
        for (const m of e.modes) expect(['dbless', 'postgres']).to.include(m);
        expect(e.expectations).to.be.an('object').that.is.not.empty;
      }
      const drift = entries.find((e) => e.id === 'plugin-id-drift');
      expect(drift.modes).to.deep.equal(['postgres']);
      expect(drift.expectations).to.deep.equal({ '3.4.5': 'reproduced', '>=3.4.6': 'not-reproduced' });
      const stuck = entries.find((e) => e.id === 'gateway-listener-stuck');
      expect(stuck.expectations).to.deep.equal({ '<=3.4.3': 'reproduced', '>=3.4.4': ['recovered', 'not-reproduced'] });
    });

    it('list without --json prints every scenario id for people', async () => {
      const r = await cli('list');
      expect(r.code).to.equal(0);
      expect(r.stdout).to.include('gateway-listener-stuck').and.include('plugin-id-drift');
      for (const s of scenarios) expect(r.stdout, s.id).to.include(`${s.id}\n`).and.include(`  sources: ${s.sources.join(' ')}`);
      expect(r.stdout).to.include('modes dbless · topology split · Kong <3.10.0 · expect');
      expect(() => JSON.parse(r.stdout)).to.throw();
    });

    it('list shows the pinned dimensions (kind per node image, Kong OSS and Enterprise, Gateway API) and which scenarios vary Gateway API', async () => {
      const versions = loadVersions();
      const r = await cli('list');
      const lines = r.stdout.split('\n');
      expect(lines.find((l) => l.startsWith('Kubernetes'))).to.include('v0.32.0: 1.36.1').and.include('v0.31.0: 1.35.0, 1.34.3, 1.33.7, 1.32.11, 1.31.14');
      expect(lines.find((l) => l.startsWith('Kong Gateway Enterprise'))).to.include(versions.enterprise.versions.join(', ')).and.include('KONG_LICENSE_DATA');
      expect(lines.find((l) => l.startsWith('Gateway API'))).to.include(versions.gatewayApi.versions.join(', '));
      const entries = json<any[]>(await cli('list', '--json'));
      expect(entries.find((e) => e.id === 'gateway-listener-stuck').gatewayApi).to.equal(true);
      expect(entries.find((e) => e.id === 'plugin-id-drift').gatewayApi).to.equal(false);
    });
  });

  describe('plan --json', () => {
    it('plans gateway-listener-stuck on KIC 3.4.3: target, pinned kind config, helm releases, manifests, steps, signatures, expectation', async () => {
      const versions = loadVersions();
      const p = json(await cli('plan', 'gateway-listener-stuck', '--kic', '3.4.3', '--json'));

      expect(p.scenario.id).to.equal('gateway-listener-stuck');
      expect(p.scenario.sources).to.include('https://github.com/Kong/kubernetes-ingress-controller/issues/7015');
      expect(p.target).to.include({ kic: '3.4.3', gateway: versions.gateway.default, mode: 'dbless', topology: 'split' });

      expect(p.kindConfig).to.be.a('string');
      const kind = parse(p.kindConfig) as { kind: string; nodes: { image: string }[] };
      expect(kind.kind).to.equal('Cluster');
      const image = versions.kind.nodeImages.find((n) => n.k8s === versions.kind.defaultK8s)!;
      expect(kind.nodes.map((n) => n.image)).to.deep.equal([`${image.image}@${image.digest}`]);

      expect(p.helm).to.be.an('array').with.length(1);
      const [release] = p.helm;
      expect(Object.keys(release).sort()).to.deep.equal(['chart', 'chartVersion', 'namespace', 'release', 'values']);
      expect(release).to.include({ release: 'kong', namespace: 'kong', chart: 'kong/ingress', chartVersion: versions.charts.ingress.version });
      expect(release.values.controller.ingressController.image).to.deep.equal({ repository: 'kong/kubernetes-ingress-controller', tag: '3.4.3' });
      expect(release.values.gateway.env.database).to.equal('off');

      expect(p.manifests).to.be.an('array').that.is.not.empty;
      for (const m of p.manifests) {
        expect(m).to.be.an('object');
        expect(m.apiVersion).to.be.a('string');
        expect(m.kind).to.be.a('string');
        expect(m.metadata.name).to.be.a('string');
      }
      expect(p.manifests.map((m: { kind: string }) => m.kind)).to.include.members(['Namespace', 'GatewayClass', 'Gateway', 'HTTPRoute']);

      expect(p.steps).to.be.an('array').that.is.not.empty;
      expect(p.steps.every((s: unknown) => typeof s === 'string')).to.equal(true);
      expect(p.steps[0]).to.include(`${image.image}@${image.digest}`);
      expect(p.signatures.map((s: { id: string }) => s.id)).to.deep.equal(['listener-unsupported-protocol', 'route-unreachable']);
      expect(p.expectation).to.deep.equal({ range: '<=3.4.3', accepted: ['reproduced'] });
    });

    it('plans plugin-id-drift on KIC 3.4.5 in postgres mode by installing 3.4.4 first, with the database env', async () => {
      const p = json(await cli('plan', 'plugin-id-drift', '--mode', 'postgres', '--kic', '3.4.5', '--json'));

      expect(p.target).to.include({ kic: '3.4.5', mode: 'postgres', topology: 'single' });
      expect(p.helm).to.have.length(1);
      const values = p.helm[0].values;
      expect(p.helm[0].chart).to.equal('kong/kong');
      expect(values.ingressController.image).to.deep.equal({ repository: 'kong/kubernetes-ingress-controller', tag: '3.4.4' });
      expect(values.env).to.include({ database: 'postgres', pg_user: 'kong', pg_database: 'kong', pg_port: 5432 });
      expect(values.env.pg_host).to.be.a('string').that.is.not.empty;
      expect(values.env.pg_password).to.deep.equal({ valueFrom: { secretKeyRef: { name: 'kong-chaos-postgres', key: 'password' } } });
      expect(p.postgres).to.deep.equal({ image: loadVersions().postgres.image });
      expect(p.expectation).to.deep.equal({ range: '3.4.5', accepted: ['reproduced'] });
      expect(p.steps.join('\n')).to.include('KIC 3.4.4');
    });
  });

  describe('one-line refusals', () => {
    it('unknown scenario', async () => {
      expectOneLineRefusal(await cli('plan', 'no-such-scenario', '--json'), /unknown scenario "no-such-scenario"; known: .*gateway-listener-stuck/);
    });

    it('unknown KIC version', async () => {
      expectOneLineRefusal(await cli('plan', 'gateway-listener-stuck', '--kic', '9.9.9'), /unknown KIC version "9\.9\.9"; known: 3\.4\.1/);
    });

    it('unknown mode', async () => {
      expectOneLineRefusal(await cli('plan', 'gateway-listener-stuck', '--mode', 'mysql'), /unknown mode "mysql"/);
    });

    it('mode the scenario does not allow', async () => {
      expectOneLineRefusal(await cli('plan', 'plugin-id-drift', '--mode', 'dbless'), /plugin-id-drift does not run with mode dbless; it needs postgres/);
    });

    it('KIC version outside the scenario range', async () => {
      expectOneLineRefusal(await cli('plan', 'plugin-id-drift', '--kic', '3.4.4'), /plugin-id-drift needs KIC >=3\.4\.5/);
    });

    it('unknown command', async () => {
      expectOneLineRefusal(await cli('frobnicate'), /unknown command 'frobnicate'/);
    });

    it('unknown option', async () => {
      expectOneLineRefusal(await cli('list', '--yaml'), /unknown option '--yaml'/);
    });
  });

  describe('replay --json', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'kc-replay-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const HEADER = RUN_HEADER;
    const listener = (at: number, stuck: boolean): ConditionEntry => ({
      kind: 'condition',
      at: T0 + at,
      object: { kind: 'Gateway', name: 'kong', namespace: 'chaos-gateway' },
      scope: 'listener/http',
      type: 'Accepted',
      status: stuck ? 'False' : 'True',
      reason: stuck ? 'UnsupportedProtocol' : 'Accepted',
    });
    const echo = (at: number, status: number): Observation => ({ kind: 'route', at: T0 + at, route: '/echo', ok: status === 200, status, latencyMs: 4 });

    /** A whole run on KIC 3.4.3: healthy until the gateway restart, then the listener stays UnsupportedProtocol. */
    function stuckRun(): Observation[] {
      return [
        step(1, 'provision', 'start'), step(2, 'provision', 'end'),
        step(3, 'install', 'start'), step(4, 'install', 'end'),
        step(5, 'setup', 'start'), step(6, 'setup', 'end'),
        step(7, 'steady-state', 'start'), listener(8, false), echo(9, 200), step(10, 'steady-state', 'end'),
        step(20, 'fault', 'start'), { kind: 'fault', at: T0 + 21, name: 'delete-pods', detail: 'gateway' }, step(22, 'fault', 'end'),
        step(23, 'observe', 'start'),
        listener(2_000, true), echo(2_001, 404),
        listener(60_000, true), echo(60_001, 404),
        listener(179_000, true), echo(179_001, 404),
        step(180_000, 'observe', 'end'),
        step(180_001, 'judge', 'start'), step(180_002, 'judge', 'end'),
        step(180_003, 'teardown', 'start'), step(180_004, 'teardown', 'end'),
      ];
    }

    function writeBundle(observations: Observation[]): string {
      const runDir = join(dir, 'run');
      const writer = new BundleWriter(runDir, HEADER);
      for (const o of observations) writer.append(o);
      writer.close();
      return runDir;
    }

    it('re-judges a bundle: the listener stuck on KIC 3.4.3 is reproduced, as expected', async () => {
      const out = json(await cli('replay', writeBundle(stuckRun()), '--json'));
      expect(out.scenario).to.equal('gateway-listener-stuck');
      expect(out.target).to.deep.equal(HEADER.target);
      expect(out.outcome).to.equal('reproduced');
      expect(out.verdict).to.equal('pass');
      expect(out.problems).to.deep.equal([]);
      expect(out.symptoms.map((s: { signature: string; subject: string }) => [s.signature, s.subject])).to.deep.equal([
        ['listener-unsupported-protocol', 'Gateway/kong/listener/http'],
        ['route-unreachable', '/echo'],
      ]);
      for (const s of out.symptoms) {
        expect(s).not.to.have.property('evidence');
        expect(s).not.to.have.property('clearedAt');
      }
    });

    it('judges a bundle whose listener came back as recovered, better than the 3.4.3 expectation: fixed', async () => {
      const healed = stuckRun().map((o) =>
        o.kind === 'condition' && o.at > T0 + 100_000 ? listener(o.at - T0, false) : o.kind === 'route' && o.at > T0 + 100_000 ? echo(o.at - T0, 200) : o,
      );
      const r = await cli('replay', writeBundle(healed), '--json');
      const out = JSON.parse(r.stdout);
      expect(out.outcome).to.equal('recovered');
      expect(out.verdict).to.equal('fixed');
      // the same exit-code rule as `run`: anything but pass or observed is 1
      expect(r.code, r.stderr).to.equal(1);
    });

    it('exits 1 for a regression: the listener stuck on KIC 3.4.4, which should recover', async () => {
      const runDir = join(dir, 'run-344');
      const writer = new BundleWriter(runDir, { ...HEADER, target: { ...HEADER.target, kic: '3.4.4' } });
      for (const o of stuckRun()) writer.append(o);
      writer.close();
      const r = await cli('replay', runDir);
      expect(r.stdout).to.match(/^gateway-listener-stuck: regression \(outcome reproduced\)/);
      expect(r.code, r.stderr).to.equal(1);
    });

    it('still judges a bundle cut short by a crash, and lists the problem', async () => {
      const runDir = writeBundle(stuckRun());
      const file = join(runDir, EVIDENCE_FILE);
      truncateSync(file, statSync(file).size - 10);
      const out = json(await cli('replay', runDir, '--json'));
      expect(out.outcome).to.equal('reproduced');
      expect(out.verdict).to.equal('pass');
      expect(out.problems).to.have.length(1);
      expect(out.problems[0]).to.match(/cut short/);
    });

    it('warns about a cut-short bundle on stderr in the human output', async () => {
      const runDir = writeBundle(stuckRun());
      const file = join(runDir, EVIDENCE_FILE);
      truncateSync(file, statSync(file).size - 10);
      const r = await cli('replay', runDir);
      expect(r.code).to.equal(0);
      expect(r.stderr).to.match(/warning: .*cut short/);
      expect(r.stdout).to.match(/^gateway-listener-stuck: pass \(outcome reproduced\)/);
    });

    it('refuses a directory that is not a run directory with exit 2 and one line', async () => {
      expectOneLineRefusal(await cli('replay', dir, '--json'), /is not a run directory/);
    });
  });
});

describe('doctor --json', function () {
  this.timeout(60_000);
  it('gives a severity to failed checks only, so no line says ok and error at once', async () => {
    const r = await cli('doctor', '--json');
    const checks = JSON.parse(r.stdout) as { name: string; ok: boolean; severity?: string }[];
    expect(checks.map((c) => c.name)).to.include.members(['docker', 'memory']);
    for (const c of checks) {
      if (c.ok) expect(c, c.name).not.to.have.property('severity');
      else expect(c.severity, c.name).to.be.oneOf(['error', 'warning']);
    }
    expect(r.code).to.equal(checks.some((c) => c.severity === 'error') ? 3 : 0);
  });
});

describe('counts in CLI output', () => {
  const wrongPlural = /\b1 (cases|clusters|shards|lines|observations|runs|versions|KIC versions|catalog cases|shard reports)\b/;
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'kc-plural-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('matrix --dry-run of one case on one cluster says "1 case", "1 shard", "1 cluster"', async () => {
    const r = await cli('matrix', '--dry-run', '--scenarios', 'gateway-listener-stuck', '--kic', '3.4.3', '--modes', 'dbless', '--gateway-api', '1.3');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).not.to.match(wrongPlural);
    expect(r.stdout).to.include('1 case in 1 shard').and.include('1 case, 1 cluster,');
  });

  it('diagnose of a one-line log says "1 line"', async () => {
    const file = join(dir, 'one.log');
    writeFileSync(file, '2025-05-19T12:43:10Z\tinfo\tsetup\tconfiguration synced\n');
    const r = await cli('diagnose', file);
    expect(r.stdout).not.to.match(wrongPlural);
    expect(r.stdout).to.include(`${file} (1 line)`);
  });
});
