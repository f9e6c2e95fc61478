import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatOffset, linearScale, linePath, niceStep, ticks, timelineSvg, timeStep, type TimelineSpec } from '../../../harness/report/chart.ts';
import type { Observation } from '../../../harness/evidence/types.ts';
import { renderRunReport, type RunReportInput } from '../../../harness/report/html.ts';
import { VERDICT_COLOUR } from '../../../harness/report/matrix-html.ts';
import { listArtifacts, writeRunReport } from '../../../harness/report/write.ts';
import { launchChromium } from '../../support/browser.ts';
import { EVIL_LINE, fullRun, header, judged, OUTAGES_S, ROUTE_OUTAGE_S, routeOnlyRun, s, setupFailedRun } from './run-fixtures.ts';

const input = (observations = fullRun(), extra: Partial<RunReportInput> = {}): RunReportInput => ({
  header,
  observations,
  judged: judged(observations),
  scenarioTitle: 'Gateway listeners stuck in UnsupportedProtocol',
  artifacts: [{ path: 'evidence.jsonl', label: 'the evidence timeline' }],
  ...extra,
});

/** The x coordinates of a path's points, in order. */
const pathXs = (html: string, className: string): number[] => {
  const d = new RegExp(`<path class="series ${className}" d="([^"]*)"`).exec(html)?.[1];
  expect(d, `a ${className} line`).to.be.a('string');
  return [...d!.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
};
const bands = (html: string) => [...html.matchAll(/<g class="band outage" data-start="(\d+)" data-end="(\d+)"><title>[^<]*<\/title><rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => ({ start: Number(m[1]), end: Number(m[2]), x: Number(m[3]), width: Number(m[4]) }));

describe('run report: chart primitives', () => {
  it('scales linearly, and a zero-width domain maps to the range start', () => {
    const x = linearScale([1000, 3000], [72, 936]);
    expect([x(1000), x(2000), x(3000)]).to.deep.equal([72, 504, 936]);
    expect(linearScale([5, 5], [10, 20])(7)).to.equal(10);
  });

  it('breaks a line where there is no data, and draws a lone point as a dot', () => {
    expect(linePath([{ x: 0, y: 1 }, { x: 1, y: 2 }, { x: 2, y: null }, { x: 3, y: 4 }, { x: 4, y: null }, { x: 5, y: 6 }, { x: 6, y: 7 }])).to.equal('M0,1L1,2M3,4l0,0M5,6L6,7');
    expect(linePath([{ x: 0, y: null }])).to.equal('');
  });

  it('picks tick steps a person counts in, anchored at the axis zero', () => {
    expect(niceStep(180, 4)).to.equal(50);
    expect(niceStep(7, 4)).to.equal(2);
    expect(timeStep(60_000, 10)).to.equal(10_000);
    expect(timeStep(200_000, 10)).to.equal(30_000);
    expect(ticks(-5_000, 55_000, 10_000, 0)).to.deep.equal([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(ticks(0, 100, 25)).to.deep.equal([0, 25, 50, 75, 100]);
    expect([formatOffset(-12_400), formatOffset(45_000), formatOffset(125_000)]).to.deep.equal(['−12s', '45s', '2m05s']);
  });

  it('places bands on the time axis, keeps labels inside the picture and escapes them', () => {
    const spec: TimelineSpec = {
      from: 0,
      to: 100_000,
      zero: 0,
      axisLabel: 'time',
      panels: [{ title: 'p<1>', yMax: 10, formatY: String, empty: 'none', series: [] }],
      bands: [{ start: 25_000, end: 50_000, label: 'outage', className: 'outage' }],
      markers: [{ at: 99_000, label: 'late <b>', className: 'm' }],
      strip: [],
      lanes: [{ start: 0, end: 1, label: 'sig & co', className: 'symptom' }],
      lanesTitle: 'lanes',
    };
    const svg = timelineSvg(spec);
    const axis = /<line class="x-axis" x1="(\d+)" x2="(\d+)"/.exec(svg)!;
    const [x1, x2] = [Number(axis[1]), Number(axis[2])];
    const [band] = bands(svg);
    expect(band!.x).to.be.closeTo(x1 + (x2 - x1) / 4, 0.1);
    expect(band!.width).to.be.closeTo((x2 - x1) / 4, 0.1);
    expect(svg).to.match(/<text x="[\d.]+" y="\d+" dx="-3" text-anchor="end">late &#60;b&#62;<\/text>/);
    expect(svg).to.contain('sig &#38; co').and.contain('p&#60;1&#62;').and.contain('>none</text>');
    expect(svg).not.to.contain('<b>');
  });
});

describe('run report: renderRunReport', () => {
  it('log lines are text, never markup: no script element and no raw tag reaches the page', () => {
    const observations = fullRun();
    const html = renderRunReport(input(observations, { scenarioTitle: '<img src=x onerror=alert(1)>', artifacts: [{ path: 'javascript:alert(1)', label: '<i>x</i>' }] }));
    expect(html).not.to.match(/<script/i);
    expect(html).not.to.contain('<img').and.not.to.contain('<i>');
    expect(html).to.contain('&#60;script&#62;document.title=&#34;pwned&#34;&#60;/script&#62; &#38; &#34;quotes&#34; &#39;too&#39;');
    expect(html).not.to.match(/href="javascript/);
    expect(EVIL_LINE).to.contain('<script>');
  });

  it('the verdict leads, with its colour, the outcome, the reason and the expectation', () => {
    const html = renderRunReport(input());
    expect(html).to.contain(`<section class="verdict verdict-pass" style="--verdict:${VERDICT_COLOUR.pass}">`);
    expect(html).to.match(/<div class="verdict-badge">pass<\/div>[\s\S]*outcome <b>reproduced<\/b>[\s\S]*still present at the end of the window/);
    expect(html).to.contain('expected for KIC 3.4.3 (&#60;=3.4.3): reproduced').and.contain('remediation: cleared');
    const regression = renderRunReport(input(fullRun(), { header: { ...header, target: { ...header.target, kic: '3.4.4' } }, judged: judged(fullRun(), '3.4.4') }));
    expect(regression).to.contain('class="verdict verdict-regression"').and.contain('recovered or not-reproduced');
  });

  it('charts the traffic probe once: the whole-run entry, not it and its 5 s windows on top', () => {
    const html = renderRunReport(input());
    for (const series of ['success', 'p99']) {
      const xs = pathXs(html, series);
      expect(xs.length, series).to.be.greaterThan(100);
      xs.slice(1).forEach((x, i) => expect(x, `${series} point ${i + 1}`).to.be.greaterThan(xs[i]!));
    }
    const found = bands(html);
    expect(found.map((b) => [b.start, b.end])).to.deep.equal(OUTAGES_S.map(([a, b]) => [s(a), s(b)]));
    expect(html).to.contain('>200 ms</text>');
    expect(html).to.contain('from the traffic probe, per 100 ms');
  });

  it('symptom rows list the signatures that fired with their evidence, times counted from the fault', () => {
    const html = renderRunReport(input());
    const rows = [...html.matchAll(/<tr class="symptom-row" data-signature="([^"]+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => r[1])).to.deep.equal(['kic-reconcile-error', 'listener-unsupported-protocol', 'traffic-slo']);
    expect(rows[1]![2]).to.contain('still present').and.contain('<li><time>4s</time> <code>Gateway kong-chaos/kong listener/http: Programmed=False (UnsupportedProtocol)</code></li>');
    expect(rows[0]![2]).to.contain('cleared at 32s');
    // still present is drawn up to the end of the observation window (38 s), where the judge stopped looking
    expect(html).to.match(new RegExp(`<g class="lane symptom present" data-start="${s(9)}" data-end="${s(38)}">`));
    expect(html).to.match(/<g class="marker marker-fault" data-at="\d+">[\s\S]*?>fault<\/text>/);
    expect(html).to.contain('>remediation done</text>');
  });

  it('without traffic entries, the route checks drive the chart, per probe interval', () => {
    const html = renderRunReport(input(routeOnlyRun()));
    expect(html).to.contain('from the route checks, per 2000 ms');
    expect(pathXs(html, 'success')).to.have.length(31);
    expect(bands(html).map((b) => [b.start, b.end])).to.deep.equal([[s(ROUTE_OUTAGE_S[0]), s(ROUTE_OUTAGE_S[1])]]);
    expect(html).to.contain('>300 ms</text>');
  });

  it('a run inconclusive at setup shows why, the failed phase, and an empty chart that says so', () => {
    const html = renderRunReport(input(setupFailedRun()));
    expect(html).to.contain('class="verdict verdict-error"').and.contain('outcome <b>inconclusive</b>');
    expect(html).to.contain('setup failed: apply HTTPRoute echo: &#60;admission webhook');
    expect(html).to.match(/<tr class="phase-row failed"><th>setup<\/th>[\s\S]*?<span class="failed">failed<\/span>: apply HTTPRoute/);
    expect(html).to.contain('>setup failed</text>').and.contain('>no traffic was measured</text>').and.contain('No signature fired.');
    expect(html).not.to.contain('class="series');
  });

  it('a long timeline (hundreds of thousands of log lines) renders', () => {
    const logs = Array.from({ length: 300_000 }, (_, i): Observation => ({ kind: 'log', at: s(-30) + i, component: 'gateway', pod: 'p', container: 'proxy', line: 'x' }));
    const html = renderRunReport(input([...setupFailedRun(), ...logs]));
    expect(html).to.contain('class="verdict verdict-error"');
  });

  it('empty evidence still renders a whole page, with no NaN or Infinity anywhere', () => {
    const html = renderRunReport(input([], { artifacts: [] }));
    expect(html).to.contain('class="verdict verdict-error"').and.contain('the steady state was never reached');
    expect(html).to.contain('No phase was recorded.').and.contain('No signature fired.').and.contain('No artifact was found');
    expect(html).to.contain('<line class="x-axis"');
    expect(html).not.to.match(/NaN|Infinity/);
  });
});

describe('run report: writeRunReport', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kong-chaos-report-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('links the artifacts present in the run directory, never the kubeconfig, and writes report.html', () => {
    for (const f of ['evidence.jsonl', 'result.json', 'kubeconfig', 'helm/kong.values.json', 'helm/notes.txt', 'diagnostics/describe-kong.txt', 'diagnostics/admin-api.json', 'diagnostics/kind-logs/node/kubelet.log']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), 'x');
    }
    expect(listArtifacts(dir).map((a) => a.path)).to.deep.equal(['evidence.jsonl', 'result.json', 'helm/kong.values.json', 'diagnostics/admin-api.json', 'diagnostics/describe-kong.txt', 'diagnostics/kind-logs/']);
    expect(listArtifacts(dir).find((a) => a.path.startsWith('diagnostics/describe'))!.label).to.equal('kubectl describe of namespace kong');
    const { artifacts: _none, ...rest } = input();
    const path = writeRunReport(dir, rest);
    expect(path).to.equal(join(dir, 'report.html'));
    const html = readFileSync(path, 'utf8');
    expect(html).to.contain('href="helm/kong.values.json"').and.contain('href="diagnostics/kind-logs/"');
    expect(html).not.to.contain('kubeconfig');
  });

  it('lists nothing in an empty directory', () => {
    expect(listArtifacts(dir)).to.deep.equal([]);
  });
});

describe('run report: browser helper', () => {
  it('fails, naming the path, when Chromium is not installed', async () => {
    const error = await launchChromium('/nonexistent/chromium').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(/Chromium is missing at \/nonexistent\/chromium: install/);
  });
});
