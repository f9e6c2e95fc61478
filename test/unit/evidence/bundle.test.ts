import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { UserError } from '../../../harness/errors.ts';
import { BundleWriter, EVIDENCE_FILE, parseBundle, readBundle } from '../../../harness/evidence/bundle.ts';
import { Redactor } from '../../../harness/evidence/redact.ts';
import type { Observation, RunHeader } from '../../../harness/evidence/types.ts';

const HEADER: RunHeader = {
  kind: 'run',
  at: 1_000,
  runId: '20261123t0912-a1b2',
  scenario: 'gateway-listener-stuck',
  target: { k8s: '1.33', kic: '3.4.3', gateway: '3.9.1', mode: 'dbless', topology: 'split', featureGates: [] },
  harness: '0.1.0',
};

const OBSERVATIONS: Observation[] = [
  { kind: 'step', at: 1_001, phase: 'setup', state: 'start' },
  { kind: 'log', at: 1_002, component: 'gateway', pod: 'kong-gateway-1', container: 'proxy', line: '2026/11/23 [notice] 1#0: start worker' },
  { kind: 'route', at: 1_003, route: '/echo', ok: false, status: 404, latencyMs: 3.5 },
  { kind: 'note', at: 1_004, message: 'ünïcödé and "quotes" survive' },
];

describe('evidence/bundle', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kc-bundle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(observations: Observation[], redactor?: Redactor): string {
    const runDir = join(dir, 'run');
    const writer = new BundleWriter(runDir, HEADER, redactor);
    for (const o of observations) writer.append(o);
    writer.close();
    return runDir;
  }

  it('reads back the header and every observation it wrote, with no problems', () => {
    const runDir = write(OBSERVATIONS);
    expect(readBundle(runDir)).to.deep.equal({ header: HEADER, observations: OBSERVATIONS, problems: [] });
  });

  it('writes one JSON line per entry, header first, as soon as it is appended', () => {
    const runDir = join(dir, 'live');
    const writer = new BundleWriter(runDir, HEADER);
    writer.append(OBSERVATIONS[0]!);
    // not closed yet: a crash now must still leave the entry on disk
    const lines = readFileSync(join(runDir, EVIDENCE_FILE), 'utf8').split('\n');
    writer.close();
    expect(lines).to.have.length(3);
    expect(JSON.parse(lines[0]!)).to.deep.equal(HEADER);
    expect(JSON.parse(lines[1]!)).to.deep.equal(OBSERVATIONS[0]);
    expect(lines[2]).to.equal('');
  });

  it('ignores appends after close instead of throwing', () => {
    const runDir = join(dir, 'closed');
    const writer = new BundleWriter(runDir, HEADER);
    writer.close();
    writer.append(OBSERVATIONS[0]!);
    expect(readBundle(runDir).observations).to.deep.equal([]);
  });

  it('reads a bundle whose last line was cut short by a crash: every complete entry plus a "cut short" problem', () => {
    const runDir = write(OBSERVATIONS);
    const file = join(runDir, EVIDENCE_FILE);
    const lastLine = JSON.stringify(OBSERVATIONS.at(-1)) + '\n';
    truncateSync(file, statSync(file).size - Math.floor(lastLine.length / 2));

    const bundle = readBundle(runDir);
    expect(bundle.header).to.deep.equal(HEADER);
    expect(bundle.observations).to.deep.equal(OBSERVATIONS.slice(0, -1));
    expect(bundle.problems).to.have.length(1);
    expect(bundle.problems[0]).to.match(/cut short/);
  });

  it('names a broken line in the middle by its number, and keeps reading after it', () => {
    const text = [JSON.stringify(HEADER), '{"kind":"note","at":5,', JSON.stringify(OBSERVATIONS[0]), ''].join('\n');
    const bundle = parseBundle(text, 'somewhere');
    expect(bundle.problems).to.deep.equal(['line 2 is not JSON']);
    expect(bundle.observations).to.deep.equal([OBSERVATIONS[0]]);
  });

  it('reports a JSON line that is not an evidence entry', () => {
    const text = [JSON.stringify(HEADER), '[1,2]', '{"kind":"note"}', ''].join('\n');
    const bundle = parseBundle(text, 'somewhere');
    expect(bundle.problems).to.deep.equal(['line 2 is not an evidence entry', 'line 3 is not an evidence entry']);
    expect(bundle.observations).to.deep.equal([]);
  });

  it('refuses a file without a run header with a UserError', () => {
    const runDir = join(dir, 'headless');
    mkdirSync(runDir);
    writeFileSync(join(runDir, EVIDENCE_FILE), OBSERVATIONS.map((o) => JSON.stringify(o)).join('\n') + '\n');
    expect(() => readBundle(runDir)).to.throw(UserError, /no run header/);
  });

  it('refuses an empty file with a UserError', () => {
    expect(() => parseBundle('', 'empty')).to.throw(UserError, /not a kong-chaos bundle/);
  });

  it('refuses a directory that does not exist with a UserError naming it', () => {
    const missing = join(dir, 'no-such-run');
    expect(() => readBundle(missing)).to.throw(UserError).with.property('message').that.includes(missing);
  });

  describe('redaction', () => {
    const SECRET = 'pa"ss\\w0rd-s3cr3t';
    const TOKEN = 'kong-admin-token-123456';

    it('replaces every known secret, raw or JSON-escaped, in every line written, and the file still reads back', () => {
      const redactor = new Redactor().add(SECRET, TOKEN);
      const observations: Observation[] = [
        { kind: 'log', at: 2, component: 'controller', pod: 'kong-1', container: 'ingress-controller', line: `{"msg":"connecting","password":"${SECRET}"}` },
        { kind: 'note', at: 3, message: `token ${TOKEN} and password ${SECRET}` },
        { kind: 'admin', at: 4, query: 'credentials', data: { nested: [{ key: SECRET }] } },
        { kind: 'fault', at: 5, name: 'db-outage', detail: `PGPASSWORD=${SECRET}` },
      ];
      const runDir = write(observations, redactor);
      const text = readFileSync(join(runDir, EVIDENCE_FILE), 'utf8');

      expect(text).not.to.include(SECRET);
      expect(text).not.to.include(JSON.stringify(SECRET).slice(1, -1));
      expect(text).not.to.include('s3cr3t');
      expect(text).not.to.include(TOKEN);
      expect(text.match(/\[redacted\]/g)).to.have.length(5);

      const bundle = readBundle(runDir);
      expect(bundle.problems).to.deep.equal([]);
      expect(bundle.observations.map((o) => o.kind)).to.deep.equal(['log', 'note', 'admin', 'fault']);
      expect((bundle.observations[1] as { message: string }).message).to.equal('token [redacted] and password [redacted]');
    });

    it('redacts a secret in the run header too', () => {
      const runDir = join(dir, 'hdr');
      new BundleWriter(runDir, { ...HEADER, variant: `v-${TOKEN}` }, new Redactor().add(TOKEN)).close();
      expect(readFileSync(join(runDir, EVIDENCE_FILE), 'utf8')).not.to.include(TOKEN);
    });
  });
});

describe('evidence/redact Redactor', () => {
  it('passes text through unchanged when it knows no secrets', () => {
    expect(new Redactor().apply('password hunter2')).to.equal('password hunter2');
  });

  it('treats secrets literally, not as regular expressions', () => {
    const r = new Redactor().add('a.b*c(d');
    expect(r.apply('xa.b*c(dx aXbbbc(d')).to.equal('x[redacted]x aXbbbc(d');
  });

  it('replaces the JSON-escaped form of a secret with a backslash or a quote', () => {
    const secret = 'x\\y"z\nw';
    const r = new Redactor().add(secret);
    expect(r.apply(JSON.stringify({ p: secret }))).to.equal('{"p":"[redacted]"}');
    expect(r.apply(`raw ${secret} raw`)).to.equal('raw [redacted] raw');
  });

  it('prefers the longest secret when one contains another', () => {
    const r = new Redactor().add('abcd', 'abcdefgh');
    expect(r.apply('abcdefgh')).to.equal('[redacted]');
    expect(r.apply('abcdXYZ')).to.equal('[redacted]XYZ');
  });

  it('ignores empty, missing and very short values instead of redacting ordinary words', () => {
    const r = new Redactor().add(undefined, '', 'the');
    expect(r.apply('the cat')).to.equal('the cat');
  });

  it('keeps secrets added earlier when more are added', () => {
    const r = new Redactor().add('first-secret');
    r.add('second-secret');
    expect(r.apply('first-secret second-secret')).to.equal('[redacted] [redacted]');
  });
});
