import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import semver from 'semver';
import { parse, stringify } from 'yaml';
import { scenarioById, scenarios } from '../../../scenarios/index.ts';
import { BundleWriter, EVIDENCE_FILE } from '../../../harness/evidence/bundle.ts';
import type { Observation } from '../../../harness/evidence/types.ts';
import { UserError } from '../../../harness/errors.ts';
import { lineOf, nodeImageVersion } from '../../../harness/targets/pinned.ts';
import { loadVersions, VERSIONS_FILE, versionsFile } from '../../../harness/targets/versions.ts';
import { cli, expectOneLineRefusal } from '../../support/capture.ts';
import { RUN_HEADER, step, T0 } from '../../support/bundle-fixtures.ts';

/**
 * The README's bad-input table, case by case, through the real CLI entry: every refusal is exit 2
 * with exactly one line on stderr and no stack trace. Each case names the exact message.
 */

interface Fixtures {
  dir: string;
  file: (name: string) => string;
}

interface BadInput {
  input: string;
  argv: (f: Fixtures) => string[];
  /** the stderr line after `kong-chaos: `, exactly, or a pattern when part of it comes from a library */
  message: (f: Fixtures) => string | RegExp;
}

const versions = loadVersions();
/** A refusal lists the pinned releases and says that a line picks its newest. */
const pinned = (list: string[]) => `${list.join(', ')} (or a line such as ${lineOf(list.at(-1)!)} for its newest)`;
const known = {
  scenarios: scenarios.map((s) => s.id).join(', '),
  kic: pinned(versions.kic.versions),
  gateway: pinned([...versions.gateway.versions, ...versions.enterprise.versions]),
  k8s: pinned(versions.kind.nodeImages.map(nodeImageVersion)),
};
const driftRange = scenarioById('plugin-id-drift').requires.kic!;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Target flags are validated the same way by plan, run and bisect. */
const targetErrors = (cmd: 'plan' | 'run'): BadInput[] => {
  const out = (f: Fixtures) => (cmd === 'run' ? ['--out', f.file('runs')] : []);
  return [
    { input: 'no scenario', argv: (f) => [cmd, ...out(f)], message: () => `missing required argument 'scenario'` },
    { input: 'unknown scenario', argv: (f) => [cmd, 'no-such-scenario', ...out(f)], message: () => `unknown scenario "no-such-scenario"; known: ${known.scenarios}` },
    { input: 'misspelt scenario (with a suggestion)', argv: (f) => [cmd, 'gateway-listner-stuck', ...out(f)], message: () => `unknown scenario "gateway-listner-stuck" (Did you mean gateway-listener-stuck?); known: ${known.scenarios}` },
    { input: 'scenario id with a newline', argv: (f) => [cmd, 'a\nb', ...out(f)], message: () => `unknown scenario "a\\nb"; known: ${known.scenarios}` },
    { input: 'unknown KIC version', argv: (f) => [cmd, 'gateway-listener-stuck', '--kic', '9.9.9', ...out(f)], message: () => `unknown KIC version "9.9.9"; known: ${known.kic}` },
    { input: 'unknown Kong version', argv: (f) => [cmd, 'gateway-listener-stuck', '--gateway', '9.9', ...out(f)], message: () => `unknown Kong Gateway version "9.9"; known: ${known.gateway}` },
    { input: 'licensed Kong Gateway without a license', argv: (f) => [cmd, 'gateway-listener-stuck', '--gateway', '3.14', ...out(f)], message: () => `Kong Gateway 3.14.0.10 (kong/kong-gateway) needs a license: set KONG_LICENSE_DATA or pass --license-file <file>` },
    { input: 'license file that does not exist', argv: (f) => [cmd, 'gateway-listener-stuck', '--gateway', '3.14', '--license-file', f.file('no-license.json'), ...out(f)], message: (f) => `cannot read the license file "${f.file('no-license.json')}": no such file` },
    { input: 'unknown Gateway API version', argv: (f) => [cmd, 'gateway-listener-stuck', '--gateway-api', '1.4', ...out(f)], message: () => `unknown Gateway API version "1.4"; known: ${pinned(versions.gatewayApi.versions)}` },
    { input: 'unknown Kubernetes version', argv: (f) => [cmd, 'gateway-listener-stuck', '--k8s', '1.10', ...out(f)], message: () => `unknown Kubernetes version "1.10"; known: ${known.k8s}` },
    { input: 'Kubernetes patch that is not pinned', argv: (f) => [cmd, 'gateway-listener-stuck', '--k8s', '1.33.1', ...out(f)], message: () => `unknown Kubernetes version "1.33.1"; known: ${known.k8s}` },
    { input: 'Kubernetes patch beyond the pinned one', argv: (f) => [cmd, 'gateway-listener-stuck', '--k8s', '1.33.99', ...out(f)], message: () => `unknown Kubernetes version "1.33.99"; known: ${known.k8s}` },
    { input: 'unknown mode', argv: (f) => [cmd, 'gateway-listener-stuck', '--mode', 'mysql', ...out(f)], message: () => 'unknown mode "mysql"; known: dbless, postgres' },
    { input: 'unknown topology', argv: (f) => [cmd, 'gateway-listener-stuck', '--topology', 'ring', ...out(f)], message: () => 'unknown topology "ring"; known: single, split, hybrid' },
    { input: 'mode the scenario does not allow', argv: (f) => [cmd, 'plugin-id-drift', '--mode', 'dbless', ...out(f)], message: () => 'plugin-id-drift does not run with mode dbless; it needs postgres' },
    { input: 'topology the scenario does not allow', argv: (f) => [cmd, 'gateway-listener-stuck', '--topology', 'hybrid', ...out(f)], message: () => 'gateway-listener-stuck does not run with topology hybrid; it needs split' },
    {
      input: 'KIC version outside the scenario range',
      argv: (f) => [cmd, 'plugin-id-drift', '--kic', '3.4.4', ...out(f)],
      message: () => `plugin-id-drift needs KIC ${driftRange}; 3.4.4 does not qualify (known: ${versions.kic.versions.filter((v) => semver.satisfies(v, driftRange)).join(', ')})`,
    },
    {
      input: 'Kong Gateway version outside the scenario range',
      argv: (f) => [cmd, 'sni-certificate-backref', '--gateway', '3.14', ...out(f)],
      message: () => `sni-certificate-backref needs Kong Gateway <3.10.0; 3.14.0.10 does not qualify (known: ${versions.gateway.versions.join(', ')})`,
    },
    { input: 'unknown variant', argv: (f) => [cmd, 'missing-crds', '--variant', 'zzz', ...out(f)], message: () => 'missing-crds has no variant "zzz"; known: delete-crd' },
    { input: 'bad feature gates', argv: (f) => [cmd, 'gateway-listener-stuck', '--feature-gates', 'FallbackConfiguration', ...out(f)], message: () => 'bad feature gate "FallbackConfiguration": expected Name=true|false, comma separated' },
  ];
};

const table: Record<string, BadInput[]> = {
  'any command': [
    { input: 'unknown command', argv: () => ['frobnicate'], message: () => `unknown command 'frobnicate'` },
  ],
  list: [
    { input: 'unknown option', argv: () => ['list', '--yaml'], message: () => `unknown option '--yaml'` },
    { input: 'misspelt option (with a suggestion)', argv: () => ['list', '--jsn'], message: () => `unknown option '--jsn' (Did you mean --json?)` },
  ],
  plan: targetErrors('plan'),
  run: [
    ...targetErrors('run'),
    {
      input: '--kubeconfig that does not parse',
      argv: (f) => ['run', 'gateway-listener-stuck', '--kubeconfig', f.file('broken.kubeconfig'), '--out', f.file('runs')],
      message: (f) => new RegExp(`^cannot load kubeconfig from ${escape(JSON.stringify(f.file('broken.kubeconfig')))}: [^|]+$`),
    },
    {
      input: '--kubeconfig that does not exist',
      argv: (f) => ['run', 'gateway-listener-stuck', '--kubeconfig', f.file('gone.kubeconfig'), '--out', f.file('runs')],
      message: (f) => `cannot load kubeconfig from ${JSON.stringify(f.file('gone.kubeconfig'))}: no such file`,
    },
    {
      input: '--kubeconfig that is a directory',
      argv: (f) => ['run', 'gateway-listener-stuck', '--kubeconfig', f.file('not-a-bundle'), '--out', f.file('runs')],
      message: (f) => `cannot load kubeconfig from ${JSON.stringify(f.file('not-a-bundle'))}: a directory`,
    },
    {
      input: '--kubeconfig with --reuse-cluster',
      argv: (f) => ['run', 'gateway-listener-stuck', '--kubeconfig', f.file('broken.kubeconfig'), '--reuse-cluster', 'kc-1', '--out', f.file('runs')],
      message: () => '--kubeconfig and --reuse-cluster exclude each other',
    },
    {
      input: '--kubeconfig with postgres mode',
      argv: (f) => ['run', 'missing-crds', '--mode', 'postgres', '--kubeconfig', f.file('broken.kubeconfig'), '--out', f.file('runs')],
      message: () => "--kubeconfig runs are DB-less only: the harness's Postgres sits on Docker's kind network, which a cluster you bring cannot reach; use --mode dbless, or drop --kubeconfig to run on kind",
    },
    {
      input: '--kubeconfig with a scenario that deletes the KIC CRDs',
      argv: (f) => ['run', 'missing-crds', '--kubeconfig', f.file('broken.kubeconfig'), '--out', f.file('runs')],
      message: () => 'missing-crds deletes the KIC CRDs, and with them every Kong resource on the cluster: it runs only on kind (drop --kubeconfig)',
    },
    {
      input: '--kubeconfig with a scenario that moves the Gateway API CRDs',
      argv: (f) => ['run', 'gateway-api-crd-upgrade', '--kubeconfig', f.file('broken.kubeconfig'), '--out', f.file('runs')],
      message: () => 'gateway-api-crd-upgrade replaces the Gateway API CRDs, and a cluster left on 1.5+ refuses older ones for good: it runs only on kind (drop --kubeconfig)',
    },
    {
      input: 'a Gateway API release below what the scenario upgrades to',
      argv: (f) => ['run', 'gateway-api-crd-upgrade', '--gateway-api', '1.3.0', '--out', f.file('runs')],
      message: () => 'gateway-api-crd-upgrade needs Gateway API >=1.5.1; 1.3.0 does not qualify (known: 1.5.1, 1.6.1)',
    },
    { input: 'bad --traffic-rate', argv: (f) => ['run', 'gateway-listener-stuck', '--traffic-rate', 'fast', '--out', f.file('runs')], message: () => 'bad --traffic-rate "fast": expected requests per second, 0 for none' },
    { input: '--traffic-rate above the probe ceiling', argv: (f) => ['run', 'gateway-listener-stuck', '--traffic-rate', '20000', '--out', f.file('runs')], message: () => '--traffic-rate 20000 is more than the probe can send: at most 10000 requests per second' },
    { input: 'negative --traffic-rate', argv: (f) => ['run', 'gateway-listener-stuck', '--traffic-rate', '-5', '--out', f.file('runs')], message: () => 'bad --traffic-rate "-5": expected requests per second, 0 for none' },
  ],
  replay: [
    { input: 'no run directory given', argv: () => ['replay'], message: () => `missing required argument 'run-dir'` },
    { input: 'directory that does not exist', argv: (f) => ['replay', f.file('gone')], message: (f) => `no run directory at "${f.file('gone')}"` },
    { input: 'directory that is not a bundle', argv: (f) => ['replay', f.file('not-a-bundle')], message: (f) => `${f.file('not-a-bundle')} is not a run directory: ${EVIDENCE_FILE} is missing` },
    { input: 'bundle without a run header', argv: (f) => ['replay', f.file('headless')], message: (f) => `${f.file('headless')} is not a kong-chaos bundle: no run header in ${EVIDENCE_FILE}` },
  ],
  diagnose: [
    { input: 'no file given', argv: () => ['diagnose'], message: () => `missing required argument 'file'` },
    { input: 'missing file', argv: (f) => ['diagnose', f.file('nope.log')], message: (f) => `cannot read ${f.file('nope.log')}: no such file` },
    { input: 'directory', argv: (f) => ['diagnose', f.file('not-a-bundle')], message: (f) => `${f.file('not-a-bundle')} is a directory; give the log, event or object files inside it` },
    { input: 'empty file', argv: (f) => ['diagnose', f.file('empty.log')], message: (f) => `${f.file('empty.log')} is empty` },
    { input: 'only blank lines', argv: (f) => ['diagnose', f.file('blank.log')], message: (f) => `${f.file('blank.log')} is empty (only blank lines)` },
    {
      input: 'binary file',
      argv: (f) => ['diagnose', f.file('random.bin')],
      message: (f) => new RegExp(`^${escape(f.file('random.bin'))} is not text \\(\\d+% of the first \\d+ characters are control bytes or invalid UTF-8\\)$`),
    },
    { input: 'gzip file', argv: (f) => ['diagnose', f.file('kic.log.gz')], message: (f) => `${f.file('kic.log.gz')} is not text (gzip data; decompress it first)` },
    {
      input: 'YAML/JSON document over 64 MiB',
      argv: (f) => ['diagnose', f.file('huge.json')],
      message: (f) => `${f.file('huge.json')} is a 73 MB YAML/JSON document; documents are parsed whole, up to 67 MB (logs of any size are streamed)`,
    },
  ],
  cleanup: [
    { input: 'bad --older-than', argv: () => ['cleanup', '--older-than', 'soon', '--dry-run'], message: () => 'bad age "soon": expected a number and a unit, e.g. 90s, 30m, 2h, 1d' },
  ],
  probe: [
    { input: 'no --url', argv: () => ['probe'], message: () => `required option '--url <url>' not specified` },
    { input: 'bad URL', argv: () => ['probe', '--url', 'not a url'], message: () => '--url "not a url" is not a URL' },
    { input: 'URL that is not http(s)', argv: () => ['probe', '--url', 'ftp://example.test/'], message: () => '--url must be http or https, got "ftp:"' },
    { input: 'bad --rate', argv: () => ['probe', '--url', 'http://127.0.0.1:9/', '--rate', 'abc'], message: () => `option '--rate <n>' argument 'abc' is invalid. expected a positive number` },
    { input: '--rate above the probe ceiling', argv: () => ['probe', '--url', 'http://127.0.0.1:9/', '--rate', '1e9'], message: () => '--rate 1000000000 is more than the probe can send: at most 10000 requests per second (README "probe")' },
    { input: 'zero --rate', argv: () => ['probe', '--url', 'http://127.0.0.1:9/', '--rate', '0'], message: () => `option '--rate <n>' argument '0' is invalid. expected a positive number` },
    { input: 'bad --duration', argv: () => ['probe', '--url', 'http://127.0.0.1:9/', '--duration', '-1'], message: () => `option '--duration <s>' argument '-1' is invalid. expected a positive number` },
  ],
  matrix: [
    { input: 'bad --shard', argv: (f) => ['matrix', '--shard', '5/4', '--out', f.file('runs')], message: () => 'bad shard "5/4": expected i/n with 1 <= i <= n, e.g. 2/4' },
    { input: 'unknown KIC version', argv: (f) => ['matrix', '--kic', '9.9.9', '--out', f.file('runs')], message: () => `unknown KIC version "9.9.9"; known: ${known.kic}` },
    { input: 'Kubernetes patch that is not pinned', argv: (f) => ['matrix', '--k8s', '1.33,1.33.1', '--out', f.file('runs')], message: () => `unknown Kubernetes version "1.33.1"; known: ${known.k8s}` },
    { input: 'unknown mode', argv: (f) => ['matrix', '--modes', 'dbless,mysql', '--out', f.file('runs')], message: () => 'unknown mode "mysql"; known: dbless, postgres' },
    { input: 'unknown scenario', argv: (f) => ['matrix', '--scenarios', 'no-such-scenario', '--out', f.file('runs')], message: () => `unknown scenario "no-such-scenario"; known: ${known.scenarios}` },
    { input: 'misspelt scenario (with a suggestion)', argv: (f) => ['matrix', '--scenarios', 'plugin-id-drift,databse-outage', '--out', f.file('runs')], message: () => `unknown scenario "databse-outage" (Did you mean database-outage?); known: ${known.scenarios}` },
    { input: 'bad --repeat', argv: (f) => ['matrix', '--repeat', '0', '--out', f.file('runs')], message: () => 'bad --repeat "0": expected a whole number from 1 to 20' },
    { input: 'bad --shards', argv: () => ['matrix', '--emit-github-matrix', '--shards', 'many'], message: () => 'bad --shards "many": expected a whole number from 1 to 256' },
    { input: '--collect of a missing directory', argv: (f) => ['matrix', '--collect', f.file('gone')], message: (f) => `--collect needs a directory; "${f.file('gone')}" is not one` },
    { input: '--collect with no shard reports', argv: (f) => ['matrix', '--collect', f.file('not-a-bundle'), '--out', f.file('runs')], message: (f) => `no matrix.json under "${f.file('not-a-bundle')}"` },
  ],
  gate: [
    { input: 'no --to', argv: () => ['gate', '--from', '3.4.3'], message: () => `required option '--to <version>' not specified` },
    { input: 'same versions', argv: (f) => ['gate', '--from', '3.4.3', '--to', 'v3.4.3', '--out', f.file('runs')], message: () => '--from and --to are the same versions; there is no upgrade to check' },
    { input: 'unknown version', argv: (f) => ['gate', '--from', '9.9.9', '--to', '3.4.4', '--out', f.file('runs')], message: () => `--from: unknown KIC version "9.9.9"; known: ${known.kic}` },
    { input: 'a downgrade', argv: (f) => ['gate', '--from', '3.4.4', '--to', '3.4.3', '--dry-run', '--out', f.file('runs')], message: () => '--from 3.4.4 --to 3.4.3 is a downgrade: 3.4.3 is older than 3.4.4; the gate checks upgrades only' },
    {
      input: 'a higher version that is an older build',
      argv: (f) => ['gate', '--from', '3.4.20', '--to', '3.5.0', '--dry-run', '--out', f.file('runs')],
      message: () => '--from 3.4.20 --to 3.5.0 is a downgrade: 3.5.0 (released 2025-07-02) is an older build than 3.4.20 (released 2026-08-07), though its version is higher; the gate checks upgrades only',
    },
    {
      input: 'a Kong downgrade with --component both',
      argv: (f) => ['gate', '--component', 'both', '--from', '3.4.3/3.9.1', '--to', '3.4.4/3.8.1', '--dry-run', '--out', f.file('runs')],
      message: () => '--from 3.4.3/3.9.1 --to 3.4.4/3.8.1 is a downgrade: 3.8.1 is older than 3.9.1; the gate checks upgrades only',
    },
    { input: 'unknown --component', argv: (f) => ['gate', '--from', '3.4.3', '--to', '3.4.4', '--component', 'kong', '--out', f.file('runs')], message: () => 'unknown --component "kong"; known: kic, gateway, both' },
    {
      input: '--component both without KIC/KONG',
      argv: (f) => ['gate', '--component', 'both', '--from', '3.4.3', '--to', `3.4.4/${versions.gateway.default}`, '--out', f.file('runs')],
      message: () => '--from with --component both takes KIC/KONG, e.g. 3.4.4/3.9.0; got "3.4.3"',
    },
    { input: 'unknown mode', argv: (f) => ['gate', '--from', '3.4.3', '--to', '3.4.4', '--mode', 'mysql', '--out', f.file('runs')], message: () => 'unknown mode "mysql"; known: dbless, postgres' },
  ],
  bisect: [
    { input: 'no arguments: the scenario is named first', argv: () => ['bisect'], message: () => `missing required argument 'scenario'` },
    { input: 'no --good', argv: () => ['bisect', 'gateway-listener-stuck', '--bad', '3.4.4'], message: () => `required option '--good <version>' not specified` },
    { input: '--kic (bisect picks the KIC versions itself)', argv: () => ['bisect', 'gateway-listener-stuck', '--good', '3.4.3', '--bad', '3.4.4', '--kic', '3.4.3'], message: () => `unknown option '--kic'` },
    { input: 'no --bad', argv: () => ['bisect', 'gateway-listener-stuck', '--good', '3.4.3'], message: () => `required option '--bad <version>' not specified` },
    { input: 'good equals bad', argv: (f) => ['bisect', 'gateway-listener-stuck', '--good', '3.4.3', '--bad', '3.4.3', '--out', f.file('runs')], message: () => '--good and --bad name the same version; nothing to bisect' },
    { input: 'unknown version', argv: (f) => ['bisect', 'gateway-listener-stuck', '--good', '9.9.9', '--bad', '3.4.3', '--out', f.file('runs')], message: () => `unknown KIC version "9.9.9"; known: ${known.kic}` },
    { input: 'unknown scenario', argv: (f) => ['bisect', 'no-such-scenario', '--good', '3.4.3', '--bad', '3.4.4', '--out', f.file('runs')], message: () => `unknown scenario "no-such-scenario"; known: ${known.scenarios}` },
    {
      input: 'versions outside the scenario range',
      argv: (f) => ['bisect', 'plugin-id-drift', '--good', '3.4.3', '--bad', '3.4.6', '--out', f.file('runs')],
      message: () => `plugin-id-drift needs KIC ${driftRange}; 3.4.3, 3.4.4 between "3.4.3" and "3.4.6" do not qualify`,
    },
    { input: 'unknown variant', argv: (f) => ['bisect', 'missing-crds', '--variant', 'zzz', '--good', '3.4.3', '--bad', '3.4.6', '--out', f.file('runs')], message: () => 'missing-crds has no variant "zzz"; known: delete-crd' },
    { input: 'mode the scenario does not allow', argv: (f) => ['bisect', 'plugin-id-drift', '--mode', 'dbless', '--good', '3.4.5', '--bad', '3.4.6', '--out', f.file('runs')], message: () => 'plugin-id-drift does not run with mode dbless; it needs postgres' },
  ],
};

/** versions.yaml with one change applied, serialized again. */
function editedVersions(change: (data: Record<string, any>) => void): string {
  const data = parse(readFileSync(VERSIONS_FILE, 'utf8')) as Record<string, any>;
  change(data);
  return stringify(data);
}

const HEADER = RUN_HEADER;
/** A run that got as far as watching after its fault, then stopped: no observe end, no judge, no teardown. */
const stoppedDuringObserve: Observation[] = [
  step(1, 'provision', 'start'), step(2, 'provision', 'end'),
  step(3, 'install', 'start'), step(4, 'install', 'end'),
  step(5, 'setup', 'start'), step(6, 'setup', 'end'),
  step(7, 'steady-state', 'start'), { kind: 'route', at: T0 + 8, route: '/echo', ok: true, status: 200, latencyMs: 3 }, step(9, 'steady-state', 'end'),
  step(10, 'fault', 'start'), { kind: 'fault', at: T0 + 11, name: 'delete-pods', detail: 'gateway' }, step(12, 'fault', 'end'),
  step(13, 'observe', 'start'),
  { kind: 'route', at: T0 + 2_000, route: '/echo', ok: false, status: 404, latencyMs: 3 },
];

describe('bad input: one line, exit 2, for every command', function () {
  this.timeout(20_000);
  const saved = { PATH: process.env['PATH'], KONG_CHAOS_BIN_DIR: process.env['KONG_CHAOS_BIN_DIR'], KONG_CHAOS_VERSIONS: process.env['KONG_CHAOS_VERSIONS'] };
  let dir: string;
  const f: Fixtures = { get dir() { return dir; }, file: (name) => join(dir, name) };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kc-bad-input-'));
    // Safety net: should a refusal regress, run/matrix/gate/bisect/cleanup find no docker, kind or
    // helm and stop at preflight, instead of creating clusters from a unit test.
    mkdirSync(f.file('empty-bin'));
    process.env['PATH'] = f.file('empty-bin');
    process.env['KONG_CHAOS_BIN_DIR'] = f.file('empty-bin');
    delete process.env['KONG_CHAOS_VERSIONS'];

    writeFileSync(f.file('broken.kubeconfig'), 'apiVersion: v1\nclusters: [unclosed\n');
    mkdirSync(f.file('not-a-bundle'));
    mkdirSync(f.file('headless'));
    writeFileSync(join(f.file('headless'), EVIDENCE_FILE), `${JSON.stringify(step(1, 'provision', 'start'))}\n`);
    writeFileSync(f.file('empty.log'), '');
    writeFileSync(f.file('blank.log'), '\n\n   \n\t\n');
    // deterministic noise, well above the binary threshold
    writeFileSync(f.file('random.bin'), Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 256)));
    writeFileSync(f.file('kic.log.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03, 0x4b, 0x4c, 0x4a, 0x06, 0x00]));
    writeFileSync(f.file('latin1.log'), Buffer.from('2025-05-19T12:43:10Z\tinfo\tsetup\tcaf\xe9 d\xe9j\xe0 vu: configuration synced\n'.repeat(20), 'latin1'));
    // a JSON document over the limit, refused on its size: only the head is real, the rest is a hole
    writeFileSync(f.file('huge.json'), `{"apiVersion": "v1", "kind": "List", "items": [${'{"kind": "Event"},'.repeat(5000)}`);
    truncateSync(f.file('huge.json'), 73 * 1_000_000);
  });

  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [command, cases] of Object.entries(table)) {
    describe(command, () => {
      for (const c of cases) {
        it(c.input, async () => {
          const line = expectOneLineRefusal(await cli(...c.argv(f)), /./);
          const message = c.message(f);
          if (typeof message === 'string') expect(line).to.equal(`kong-chaos: ${message}`);
          else expect(line.slice('kong-chaos: '.length)).to.match(message);
        });
      }
    });
  }

  describe('replay of a truncated bundle: a warning naming what is missing, a judgement of what is there, the exit code of its verdict', () => {
    function bundle(name: string, observations: Observation[]): string {
      const runDir = f.file(name);
      const writer = new BundleWriter(runDir, HEADER);
      for (const o of observations) writer.append(o);
      writer.close();
      return runDir;
    }

    it('cut at a line boundary during observe: says the run stopped during observe, judges inconclusive', async () => {
      const r = await cli('replay', bundle('stopped', stoppedDuringObserve));
      // an inconclusive run is verdict error: exit 1, as `run` gives it
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.equal('warning: the run stops during observe: the phases after it and teardown are missing; judging what is there\n');
      expect(r.stdout.split('\n')[0]).to.equal('gateway-listener-stuck: error (outcome inconclusive) — the observation window did not complete');
    });

    it('cut in the middle of a line: names the broken line as well, and --json lists both problems', async () => {
      const runDir = bundle('cut', stoppedDuringObserve);
      const file = join(runDir, EVIDENCE_FILE);
      truncateSync(file, readFileSync(file).length - 12);
      const r = await cli('replay', runDir, '--json');
      expect(r.code, r.stderr).to.equal(1);
      const out = JSON.parse(r.stdout) as { outcome: string; problems: string[] };
      expect(out.outcome).to.equal('inconclusive');
      expect(out.problems).to.deep.equal(['the last line is cut short (the run was interrupted)', 'the run stops during observe: the phases after it and teardown are missing']);
    });

    it('a finished run has no warning', async () => {
      const finished = [...stoppedDuringObserve, step(180_000, 'observe', 'end'), step(180_001, 'judge', 'start'), step(180_002, 'judge', 'end'), step(180_003, 'teardown', 'start'), step(180_004, 'teardown', 'end')];
      const r = await cli('replay', bundle('finished', finished));
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.equal('');
    });
  });

  it('diagnose: one bad file among good ones is skipped in one stderr line, the others are diagnosed, exit 2', async () => {
    const r = await cli('diagnose', f.file('latin1.log'), f.file('empty.log'));
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(`kong-chaos: skipped ${f.file('empty.log')} is empty\n`);
    expect(r.stdout).to.include(f.file('latin1.log'));
  });

  describe('diagnose accepts text that is not clean UTF-8, and streams files of any size', () => {
    it('Latin-1 text is read, not refused', async () => {
      const r = await cli('diagnose', f.file('latin1.log'), '--json');
      expect(r.code, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout).files).to.deep.equal([{ file: f.file('latin1.log'), kind: 'log', count: 20 }]);
    });

    it('UTF-16 text with a byte-order mark is read', async () => {
      const fixture = readFileSync('test/fixtures/diagnose/kic-console.log', 'utf8');
      writeFileSync(f.file('utf16.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixture, 'utf16le')]));
      const r = await cli('diagnose', f.file('utf16.log'), '--json');
      expect(r.code, r.stderr).to.equal(0);
      const report = JSON.parse(r.stdout) as { matches: { failureMode: string }[] };
      expect(report.matches.map((m) => m.failureMode)).to.include('manual-plugin-conflict');
    });

    it('a 50 MB log is accepted, read to its last line, without holding it in memory', async () => {
      const file = f.file('huge.log');
      const filler = Buffer.from('2025-11-23T08:53:00Z\tinfo\tcontroller\treconciling object {"kind":"HTTPRoute","name":"echo"}\n'.repeat(10_000));
      const fd = openSync(file, 'w');
      let size = 0;
      for (; size < 50 * 1024 * 1024; size += filler.length) writeSync(fd, filler);
      const tail = readFileSync('test/fixtures/diagnose/kic-console.log');
      writeSync(fd, tail);
      closeSync(fd);
      const fillerLines = (size / filler.length) * 10_000;

      const before = process.memoryUsage().rss;
      const r = await cli('diagnose', file, '--json');
      const grown = process.memoryUsage().rss - before;
      rmSync(file);

      expect(r.code, r.stderr).to.equal(0);
      const report = JSON.parse(r.stdout) as { files: { count: number }[]; matches: { evidence: { line: number }[] }[] };
      expect(report.files[0]!.count).to.equal(fillerLines + tail.toString('utf8').split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length);
      // the only matching lines are in the tail, after 50 MB of filler
      const lines = report.matches.flatMap((m) => m.evidence.map((e) => e.line));
      expect(lines).to.not.be.empty;
      expect(Math.min(...lines)).to.be.greaterThan(fillerLines);
      expect(grown, `rss grew ${Math.round(grown / 1e6)} MB`).to.be.lessThan(size);
    });
  });

  describe('malformed versions.yaml, through KONG_CHAOS_VERSIONS', () => {
    afterEach(() => delete process.env['KONG_CHAOS_VERSIONS']);

    it('versionsFile reads the variable, and falls back to the repository file when it is unset or empty', () => {
      expect(versionsFile({ KONG_CHAOS_VERSIONS: '/etc/kc/versions.yaml' })).to.equal('/etc/kc/versions.yaml');
      expect(versionsFile({ KONG_CHAOS_VERSIONS: '' })).to.equal(VERSIONS_FILE);
      expect(versionsFile({})).to.equal(VERSIONS_FILE);
    });

    it('loadVersions() follows the variable, past the cached repository file', () => {
      loadVersions();
      const file = f.file('other-versions.yaml');
      writeFileSync(file, editedVersions((d) => (d.kic.default = '3.4.4')));
      process.env['KONG_CHAOS_VERSIONS'] = file;
      expect(loadVersions().kic.default).to.equal('3.4.4');
      delete process.env['KONG_CHAOS_VERSIONS'];
      expect(loadVersions().kic.default).to.equal(versions.kic.default);
    });

    it('loadVersions of a missing file is a UserError naming it', () => {
      expect(() => loadVersions(f.file('none.yaml'))).to.throw(UserError, `cannot read "${f.file('none.yaml')}": no such file`);
    });

    const broken: { input: string; text: string; message: (file: string) => string | RegExp }[] = [
      { input: 'not YAML', text: 'kind: [unclosed\n  version: 1\n', message: (file) => new RegExp(`^"${escape(file)}" is not valid YAML: \\S`) },
      { input: 'a required field missing', text: editedVersions((d) => delete d.kicImage), message: (file) => `"${file}" is malformed: (root) must have required property 'kicImage'` },
      { input: 'a default not in its list', text: editedVersions((d) => (d.kic.default = '3.4.0')), message: (file) => `"${file}" is malformed: kic.default 3.4.0 is not in kic.versions` },
    ];
    const commands: string[][] = [
      ['plan', 'gateway-listener-stuck'],
      ['run', 'gateway-listener-stuck'],
      ['matrix', '--dry-run'],
      ['gate', '--from', '3.4.3', '--to', '3.4.4', '--dry-run'],
      ['bisect', 'gateway-listener-stuck', '--good', '3.4.3', '--bad', '3.4.4', '--dry-run'],
    ];
    for (const b of broken) {
      it(`${b.input}: every command that reads it refuses`, async () => {
        const file = f.file(`versions-${b.input.replace(/\W+/g, '-')}.yaml`);
        writeFileSync(file, b.text);
        process.env['KONG_CHAOS_VERSIONS'] = file;
        for (const argv of commands) {
          const line = expectOneLineRefusal(await cli(...argv, ...(argv[0] === 'run' ? ['--out', f.file('runs')] : [])), /./).slice('kong-chaos: '.length);
          const message = b.message(file);
          if (typeof message === 'string') expect(line, argv[0]).to.equal(message);
          else expect(line, argv[0]).to.match(message);
        }
      });
    }

    it('a versions file that does not exist', async () => {
      process.env['KONG_CHAOS_VERSIONS'] = f.file('none.yaml');
      expectOneLineRefusal(await cli('plan', 'gateway-listener-stuck'), new RegExp(`^kong-chaos: cannot read "${escape(f.file('none.yaml'))}": no such file$`));
    });
  });
});
