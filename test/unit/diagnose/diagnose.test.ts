import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnose } from '../../../harness/cli/diagnose.ts';
import { diagnoseFiles } from '../../../harness/diagnose/diagnose.ts';
import { formatReport, type DiagnoseReport } from '../../../harness/diagnose/report.ts';
import { UserError } from '../../../harness/errors.ts';
import { defineScenario, type Scenario } from '../../../harness/runner/scenario.ts';
import { scenarios } from '../../../scenarios/index.ts';
import manualPluginConflict from '../../../scenarios/manual-plugin-conflict.ts';
import pluginIdDrift from '../../../scenarios/plugin-id-drift.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/diagnose/${name}`, import.meta.url));
const noop = { describe: 'nothing', run: async () => undefined };

/**
 * A stand-in for manual-plugin-conflict (catalog: KIC `failed updating gateway entity` with a
 * 409 / `UNIQUE violation detected on`; Event `KongConfigurationApplyFailed`), so the pairing
 * with plugin-id-drift is tested whether or not the real scenario is registered yet.
 */
const manualConflict: Scenario = defineScenario({
  id: 'manual-plugin-conflict-standin',
  title: '409 because a plugin was created by hand in Kong',
  namespace: 'chaos-manual',
  sources: ['https://github.com/Kong/kong/issues/8276'],
  requires: { modes: ['postgres'], topologies: ['single'] },
  signatures: [
    { id: 'kic-unique-violation', kind: 'log', component: 'controller', description: 'KIC gets a 409 UNIQUE violation from Kong', pattern: /failed updating gateway entity.*kind.{0,4}plugin.*UNIQUE violation detected on/ },
    { id: 'apply-failed-event', kind: 'event', reason: 'KongConfigurationApplyFailed', description: 'Warning KongConfigurationApplyFailed', message: /UNIQUE violation/ },
    { id: 'route-unreachable', kind: 'route', route: '/echo', description: 'route /echo unreachable' },
  ],
  expectations: { '*': 'observe' },
  probes: {},
  window: { observeMs: 60_000 },
  manifests: () => [],
  setup: noop,
  fault: noop,
});

/** KIC 0.x reported a broken sync in klog; this stand-in lets a klog line match something. */
const klogSync: Scenario = defineScenario({
  ...manualConflict,
  id: 'klog-sync-standin',
  title: 'KIC 0.x cannot update Kong',
  signatures: [{ id: 'unexpected-failure', kind: 'log', component: 'controller', description: 'KIC 0.x sync failure', pattern: /unexpected failure updating Kong configuration/ }],
});

const ids = (r: DiagnoseReport) => r.matches.map((m) => `${m.failureMode}/${String(m.signature['id'])}`);
const where = (r: DiagnoseReport, id: string) => r.matches.find((m) => `${m.failureMode}/${String(m.signature['id'])}` === id)?.evidence.map((e) => `${e.file.split('/').pop()}:${e.line}`);

describe('diagnose: matching user files against the catalog', () => {
  it('finds the plugin cache_key violation in a Kong nginx error log, on the right line, and nothing in its near misses', async () => {
    const report = await diagnoseFiles([fixture('kong-error.log')], scenarios);
    // since KIC 3.4.5 a drifted and a hand-made plugin both reach Kong as PUT /plugins/{id}: the same upsert() line
    expect(ids(report)).to.deep.equal(['plugin-id-drift/plugin-cache-key-violation', 'manual-plugin-conflict/plugin-cache-key-violation']);
    expect(where(report, 'plugin-id-drift/plugin-cache-key-violation')).to.deep.equal(['kong-error.log:1']);
    expect(report.matches[0]!.evidence[0]!.text).to.match(/^2025\/05\/19 12:43:10 \[notice\]/);
    expect(report.files).to.deep.equal([{ file: fixture('kong-error.log'), kind: 'log', count: 5 }]);
  });

  it('finds the KIC plugin failure in zap console and zap JSON lines, not the 409 on a consumer or the startup connection refused', async () => {
    const report = await diagnoseFiles([fixture('kic-console.log'), fixture('kic.json.log')], scenarios);
    // KIC's action tells the plugin 409s apart: `create` is a plugin made by hand, plugin-id-drift's is an `update`
    expect(ids(report)).to.deep.equal(['manual-plugin-conflict/kic-create-conflict']);
    expect(where(report, 'manual-plugin-conflict/kic-create-conflict')).to.deep.equal(['kic-console.log:5', 'kic.json.log:4']);
  });

  it('reads klog and logrus lines as controller lines', async () => {
    const report = await diagnoseFiles([fixture('kic-klog.log'), fixture('kic-logrus.log')], [...scenarios, klogSync]);
    expect(where(report, 'klog-sync-standin/unexpected-failure')).to.deep.equal(['kic-klog.log:2', 'kic-klog.log:5']);
    const gatewayOnly = defineScenario({ ...klogSync, id: 'gateway-only', signatures: [{ ...klogSync.signatures[0]!, component: 'gateway' } as Scenario['signatures'][number]] });
    expect((await diagnoseFiles([fixture('kic-klog.log')], [gatewayOnly])).matches).to.deep.equal([]);
  });

  it('finds a Gateway listener stuck in UnsupportedProtocol in YAML and in a JSON List, and not the healthy Gateway', async () => {
    const report = await diagnoseFiles([fixture('gateway-unsupported-protocol.yaml'), fixture('gateways-list.json')], scenarios);
    expect(ids(report)).to.deep.equal(['gateway-listener-stuck/listener-unsupported-protocol']);
    const match = report.matches[0]!;
    expect(match.evidence.map((e) => [e.file.split('/').pop(), e.line, e.text])).to.deep.equal([
      ['gateway-unsupported-protocol.yaml', 33, 'Gateway/kong/listener/tls Accepted=False reason=UnsupportedProtocol'],
      ['gateways-list.json', 36, 'Gateway/kong/listener/http Accepted=False reason=UnsupportedProtocol'],
    ]);
  });

  it('reads kubectl events as JSON and as YAML; a successful sync is no failure; a KongPlugin 409 is a plugin mode, not a credential race', async () => {
    const report = await diagnoseFiles([fixture('events.json'), fixture('events.yaml')], scenarios);
    // the Event names neither create nor update: both plugin modes, and no credential-webhook-race
    expect(ids(report)).to.deep.equal(['plugin-id-drift/plugin-apply-failed-event', 'manual-plugin-conflict/plugin-apply-failed-event']);
    expect(where(report, 'manual-plugin-conflict/plugin-apply-failed-event')).to.deep.equal(['events.json:23', 'events.yaml:17']);
    expect(report.matches[0]!.evidence[0]!.text).to.match(/^KongConfigurationApplyFailed: failed to apply Kong configuration/);
  });

  it('finds nothing in healthy and near-miss lines of every format', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diagnose-healthy-'));
    try {
      const healthy = join(dir, 'healthy.log');
      const lines = [
        '2024-05-05T21:43:22Z\tinfo\tsetup\tRetrying kong admin api client call after error\t{"v": 0, "retries": "4/60", "error": "making HTTP request: Get \\"https://localhost:8444/\\": dial tcp [::1]:8444: connect: connection refused"}',
        '{"level":"info","time":"2025-05-19T12:40:01Z","logger":"dataplane-synchronizer","msg":"successfully applied Kong configuration","url":"https://10.244.0.12:8444"}',
        '{"level":"error","time":"2025-05-19T12:40:02Z","msg":"failed updating gateway entity","action":"create","kind":"consumer","name":"alice","error":"HTTP status 409 (message: \\"UNIQUE violation detected on \'{username=\\"alice\\"}\'\\")"}',
        '2025-05-06T09:12:44Z\tdebug\tupdated gateway entity\t{"v": 1, "action": "create", "kind": "plugin", "name": "response-transformer-advanced"}',
        '2024-03-28 13:45:14.873 UTC [43] ERROR:  duplicate key value violates unique constraint "keyauth_credentials_ws_id_key_unique"',
        '2025/05/19 12:40:03 [notice] 1281#0: *7 [lua] warmup.lua:114: single_dao(): finished preloading \'plugins\' into the core_cache (in 0ms), context: init_worker_by_lua*',
        'I0410 07:43:55.293104      10 controller.go:128] syncing Ingress configuration...',
      ];
      await writeFile(healthy, `${lines.join('\n')}\n`);
      const report = await diagnoseFiles([healthy], scenarios);
      expect(report.matches).to.deep.equal([]);
      // the logrus fixture's 400 is Kong rejecting the whole configuration (kong/kong#11329), no healthy line
      expect(ids(await diagnoseFiles([fixture('kic-logrus.log')], scenarios))).to.deep.equal(['broken-object-blast-radius/declarative-config-invalid']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports both failure modes behind a plugin unique violation, each saying what tells them apart', async () => {
    const report = await diagnoseFiles([fixture('kic.json.log'), fixture('kong-error.log'), fixture('events.json')], [pluginIdDrift, manualPluginConflict]);
    const drift = report.matches.find((m) => m.failureMode === 'plugin-id-drift' && m.signature['id'] === 'plugin-cache-key-violation')!;
    const manual = report.matches.find((m) => m.failureMode === 'manual-plugin-conflict' && m.signature['id'] === 'plugin-cache-key-violation')!;
    // Kong's upsert() line is the same for both since KIC 3.4.5
    expect(where(report, 'plugin-id-drift/plugin-cache-key-violation')).to.deep.equal(where(report, 'manual-plugin-conflict/plugin-cache-key-violation'));
    expect(drift.distinguish).to.include('also match manual-plugin-conflict');
    expect(manual.distinguish).to.include('also match plugin-id-drift');
    // what tells them apart: KIC's action (the hand-made plugin's create is in these files, no drifting update is),
    // versions, and each one's other signs seen or not in these files
    expect(drift.distinguish).to.match(/\(action update\): Kong answers 409 \(not in these files\)/);
    expect(drift.distinguish).to.match(/\(action create\).* \(seen, .*kic\.json\.log:4\)/);
    expect(drift.distinguish).to.include('KIC >=3.4.5').and.include('reproduced on 3.4.5');
    expect(drift.distinguish).to.match(/upstream targets .* \(check on the live system\)/);
    expect(manual.distinguish).to.match(/Kong answered 409 for a KongPlugin KIC pushed.* \(seen, .*events\.json:23\)/);
    // every match of a failure mode that shares a line carries it; a failure mode alone does not
    expect(report.matches.find((m) => m.signature['id'] === 'kic-create-conflict')!.distinguish).to.be.a('string');
    const alone = await diagnoseFiles([fixture('kic.json.log')], [pluginIdDrift, manualPluginConflict]);
    expect(alone.matches.map((m) => m.signature['id'])).to.deep.equal(['kic-create-conflict']);
    expect(alone.matches[0]).to.not.have.property('distinguish');
  });

  it('matches a UTF-16 log (as PowerShell writes it) and skips a binary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diagnose-utf16-'));
    try {
      const utf16 = join(dir, 'kong-error-utf16.log');
      const binary = join(dir, 'core.bin');
      await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(await readFile(fixture('kong-error.log'), 'utf8'), 'utf16le')]));
      await writeFile(binary, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 256)));
      expect(where(await diagnoseFiles([utf16], scenarios), 'plugin-id-drift/plugin-cache-key-violation')).to.deep.equal(['kong-error-utf16.log:1']);
      const report = await diagnoseFiles([utf16, binary], scenarios);
      expect(report.skipped.map((s) => s.reason)).to.satisfy((r: string[]) => r.length === 1 && /core\.bin is not text/.test(r[0]!));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('picks up every registered scenario, including ones added later', async () => {
    const report = await diagnoseFiles([fixture('kic-klog.log')], [...scenarios, klogSync]);
    // the requeue line carries the connection refused: admin-api-partition's field signature
    expect(report.matches.map((m) => m.failureMode)).to.deep.equal(['admin-api-partition', 'klog-sync-standin']);
  });

  it('skips an unreadable file in one line and still diagnoses the others; a UserError only when none can be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diagnose-bad-'));
    try {
      const empty = join(dir, 'empty.log');
      await writeFile(empty, '');
      const report = await diagnoseFiles([join(dir, 'missing.log'), empty, dir, fixture('kong-error.log')], scenarios);
      expect(report.skipped.map((s) => s.reason)).to.satisfy((r: string[]) => /missing\.log: no such file/.test(r[0]!) && /empty\.log is empty/.test(r[1]!) && /is a directory/.test(r[2]!));
      expect(where(report, 'plugin-id-drift/plugin-cache-key-violation')).to.deep.equal(['kong-error.log:1']);
      const error = await diagnoseFiles([join(dir, 'missing.log'), empty], scenarios).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(UserError);
      expect((error as UserError).message).to.match(/missing\.log: no such file; .*empty\.log is empty/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a document that does not parse, and one with no Event or condition, as lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diagnose-yaml-'));
    try {
      const broken = join(dir, 'gateway.yaml');
      // duplicate keys, as a paste of two conditions without their `-` leaves them
      await writeFile(broken, 'status:\n  listeners:\n  - name: tls\n    conditions:\n      type: Accepted\n      type: Programmed\n      message: no Kong listen with the requested protocol is configured\n');
      const pasted = join(dir, 'admin-response.txt');
      await writeFile(pasted, '{“message”:“declarative config is invalid: {routes={{paths={[1]=\\"should start with: / (fixed path) or ~/ (regex path)\\"}}}}”,“name”:“invalid declarative configuration”,“code”:14}\n');
      const report = await diagnoseFiles([broken, pasted], scenarios);
      expect(ids(report)).to.deep.equal(['gateway-listener-stuck/listener-unsupported-protocol-text', 'broken-object-blast-radius/declarative-config-invalid']);
      expect(report.files[0]).to.include({ kind: 'log' }).and.have.property('note').that.matches(/not valid YAML or JSON at line \d+.*; read as lines/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the conditions of a `status:` fragment pasted without its Gateway, and of `kubectl describe gateway` output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diagnose-status-'));
    try {
      const fragment = join(dir, 'status.yaml');
      await writeFile(fragment, 'status:\n  listeners:\n  - name: http\n    conditions:\n    - type: Accepted\n      status: "False"\n      reason: UnsupportedProtocol\n');
      const describe = join(dir, 'describe.txt');
      // kubectl describe prints a listener condition as indented Title Case keys
      await writeFile(describe, ['Status:', '  Listeners:', '    Attached Routes:  0', '    Conditions:', '      Last Transition Time:  2025-03-05T10:00:00Z', '      Message:               no Kong listen with the requested protocol is configured', '      Observed Generation:   1', '      Reason:                UnsupportedProtocol', '      Status:                False', '      Type:                  Accepted', '    Name:                    http', ''].join('\n'));
      const report = await diagnoseFiles([fragment, describe], scenarios);
      expect(where(report, 'gateway-listener-stuck/listener-unsupported-protocol')).to.deep.equal(['status.yaml:5']);
      expect(where(report, 'gateway-listener-stuck/listener-unsupported-protocol-text')).to.deep.equal(['describe.txt:6']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('diagnose command', () => {
  let printed: string[];
  const original = console.log;
  beforeEach(() => {
    printed = [];
    console.log = (...args: unknown[]) => printed.push(args.join(' '));
  });
  afterEach(() => (console.log = original));

  it('--json prints { matches: [{ failureMode, title, signature, evidence: [{ file, line, text }] }] } and exits 0', async () => {
    const code = await diagnose([fixture('kong-error.log')], true);
    console.log = original;
    expect(code).to.equal(0);
    const out = JSON.parse(printed.join('\n')) as DiagnoseReport;
    expect(out.matches).to.have.length(2);
    const m = out.matches[0]!;
    expect(m).to.include({ failureMode: 'plugin-id-drift', title: pluginIdDrift.title, total: 1 });
    expect(m.signature).to.include({ id: 'plugin-cache-key-violation', kind: 'log', component: 'gateway' });
    expect(m.evidence[0]).to.have.keys('file', 'line', 'text');
  });

  it('exits 0 and says so when nothing matched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diagnose-none-'));
    const healthy = join(dir, 'healthy.log');
    await writeFile(healthy, 'time="2022-01-12T14:36:25Z" level=info msg="getting the kong admin api client configuration" logger=setup\nI0410 07:43:55.293104      10 controller.go:128] syncing Ingress configuration...\n');
    try {
      const code = await diagnose([healthy], false);
      console.log = original;
      expect(code).to.equal(0);
      expect(printed.join('\n')).to.match(/^no catalog failure mode matched in .*healthy\.log \(2 lines\)$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints each match with file:line and evidence', async () => {
    await diagnose([fixture('kic.json.log'), fixture('gateways-list.json')], false);
    console.log = original;
    const text = printed.join('\n');
    expect(text).to.match(/^manual-plugin-conflict — 409 because a plugin was created by hand in Kong$/m);
    expect(text).to.match(/kic\.json\.log:4 {2}\{"level":"error"/);
    expect(text).to.match(/gateways-list\.json:36 {2}Gateway\/kong\/listener\/http Accepted=False reason=UnsupportedProtocol/);
  });

  it('needs at least one file', async () => {
    const error = await diagnose([], false).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UserError);
  });
});

describe('diagnose command with a file it cannot read', () => {
  it('prints the report for the others, one stderr line for the skipped file, and exits 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const [log, error] = [console.log, console.error];
    console.log = (...a: unknown[]) => out.push(a.join(' '));
    console.error = (...a: unknown[]) => err.push(a.join(' '));
    try {
      const code = await diagnose([fixture('kong-error.log'), fixture('no-such.log')], false);
      expect(code).to.equal(2);
    } finally {
      [console.log, console.error] = [log, error];
    }
    expect(err).to.have.length(1);
    expect(err[0]).to.match(/^kong-chaos: skipped cannot read .*no-such\.log: no such file$/);
    expect(out.join('\n')).to.match(/^plugin-id-drift — /m);
  });
});

describe('diagnose: shared symptoms', () => {
  it('says when the files cannot tell plugin-id-drift from manual-plugin-conflict, and which one when KIC logged its action', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diagnose-shared-'));
    try {
      const update = join(dir, 'kic-update.log');
      // go-database-reconciler's error for an update (pkg/crud/types.go@v1.22.7), in KIC 2.x logrus
      await writeFile(update, 'time="2023-04-03T09:10:11Z" level=error msg="could not update kong admin" error="performing update for http://localhost:8001 failed: 1 errors occurred:\\n\\twhile processing event: Update plugin rate-limiting for service x failed: HTTP status 409 (message: \\"UNIQUE violation detected on \'{name=\\\\\\"rate-limiting\\\\\\"}\'\\")"\n');
      const alone = await diagnoseFiles([fixture('kong-error.log')], [pluginIdDrift, manualPluginConflict]);
      expect(alone.matches[0]!.distinguish).to.include('these files cannot tell which');
      const told = await diagnoseFiles([fixture('kong-error.log'), update], [pluginIdDrift, manualPluginConflict]);
      expect(told.matches[0]!.distinguish).to.include('these files point to plugin-id-drift: only it shows a sign of its own');
      // the explanation is printed once for the pair, the second mode points to it
      const text = formatReport(told);
      expect(text.match(/tell them apart by/g)).to.have.length(1);
      expect(text).to.include('shares these lines with plugin-id-drift: what tells them apart is above');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
