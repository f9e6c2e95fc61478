import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { BundleWriter, readBundle } from '../../../harness/evidence/bundle.ts';
import type { Observation } from '../../../harness/evidence/types.ts';
import { matrixHtml, VERDICT_COLOUR } from '../../../harness/report/matrix-html.ts';
import { writeRunReport } from '../../../harness/report/write.ts';
import { describeJudged } from '../../../harness/runner/verdict.ts';
import { LAPTOP, launchChromium, sidewaysOverflow, svgOverlaps, type Browser } from '../../support/browser.ts';
import { fullMatrix } from '../../unit/report/matrix-fixtures.ts';
import { EVIL_LINE, fullRun, fullSteps, header, judged, OUTAGES_S, ROUTE_OUTAGE_S, routeOnlyRun, s, setupFailedRun } from '../../unit/report/run-fixtures.ts';

const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
/** A computed CSS value, read in the page; tsconfig has no DOM lib, so the page's window is reached through the element. */
const css = (locator: Locator, property: string): Promise<string> => locator.evaluate((e, p) => e.ownerDocument.defaultView.getComputedStyle(e).getPropertyValue(p), property);
const stepAt = (phase: string, state: string) => fullSteps.find((x) => x.phase === phase && x.state === state)!.at;

/** A run directory as a run leaves it: the bundle through the real writer, result.json, Helm values, kind config, kubeconfig, diagnostics. */
function runDir(root: string, name: string, observations: Observation[]): string {
  const dir = join(root, name);
  const bundle = new BundleWriter(dir, header);
  for (const o of observations) bundle.append(o);
  bundle.close();
  writeFileSync(join(dir, 'result.json'), JSON.stringify(describeJudged(judged(observations))));
  mkdirSync(join(dir, 'helm'));
  writeFileSync(join(dir, 'helm', 'kong.values.json'), '{}');
  writeFileSync(join(dir, 'kind-config.yaml'), 'kind: Cluster\n');
  writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\n');
  mkdirSync(join(dir, 'diagnostics', 'kind-logs'), { recursive: true });
  writeFileSync(join(dir, 'diagnostics', 'describe-kong.txt'), 'Name: kong\n');
  writeFileSync(join(dir, 'diagnostics', 'kind-logs', 'kubelet.log'), 'ok\n');
  const read = readBundle(dir);
  writeRunReport(dir, { header: read.header, observations: read.observations, judged: judged(read.observations), scenarioTitle: 'Gateway listeners stuck in UnsupportedProtocol' });
  return dir;
}

interface Box {
  x: number;
  width: number;
}

/** Labels against labels, marker lines and bars (symptom lanes, outages): none may cover another. */
const timelineOverlaps = (page: Page) => svgOverlaps(page.locator('svg.timeline'), 'rect.lane-bar, .band rect', 'g.marker line');

/** How many lines a cell's text takes on screen. */
const linesOf = (cell: Locator): Promise<number> =>
  cell.evaluate((e) => {
    const range = e.ownerDocument.createRange();
    range.selectNodeContents(e);
    return new Set([...range.getClientRects()].map((r: { top: number }) => Math.round(r.top))).size;
  });

/** Where on screen a time falls, read off the drawn axis line. */
function expectedX(axis: Box, from: number, to: number, at: number): number {
  return axis.x + ((at - from) / (to - from)) * axis.width;
}

describe('report.html in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let root: string;
  let page: Page;
  const requests: string[] = [];

  before(async () => {
    browser = await launchChromium();
    root = mkdtempSync(join(tmpdir(), 'kong-chaos-report-'));
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize(LAPTOP);
    page.on('request', (r) => requests.push(r.url()));
  });
  after(async () => {
    await browser?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const open = async (dir: string) => {
    requests.length = 0;
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
  };
  const axisBox = async () => (await page.locator('svg.timeline line.x-axis').boundingBox())!;

  it('a reproduced run: verdict, both lines, outages, markers, symptoms with evidence, working links, no network', async () => {
    const dir = runDir(root, 'full', fullRun());
    await open(dir);

    const badge = page.locator('.verdict-badge');
    expect(await badge.innerText()).to.equal('PASS');
    expect(await page.locator('section.verdict').getAttribute('class')).to.equal('verdict verdict-pass');
    expect(await css(badge, 'background-color')).to.equal(rgb(VERDICT_COLOUR.pass));
    expect(await page.locator('section.verdict .reason').innerText()).to.match(/^still present at the end of the window: Gateway\/kong\/listener\/http/);

    const axis = await axisBox();
    expect(axis.width).to.be.greaterThan(500);
    for (const series of ['success', 'p99']) {
      const line = await page.locator(`svg.timeline path.series.${series}`).boundingBox();
      expect(line, `${series} line`).to.not.equal(null);
      expect(line!.width, `${series} line spans the run`).to.be.greaterThan(axis.width * 0.9);
      expect(await css(page.locator(`svg.timeline path.series.${series}`), 'stroke')).to.not.equal('none');
    }

    // the chart spans the scenario's phases: from the steady-state check to the end of recovery
    const [from, to] = [stepAt('steady-state', 'start'), stepAt('recover', 'end')];
    const outages = await page.locator('svg.timeline g.band.outage').all();
    expect(outages).to.have.length(OUTAGES_S.length);
    for (const [i, [a, b]] of OUTAGES_S.entries()) {
      const box = (await outages[i]!.boundingBox())!;
      expect(box.x, `outage ${i} left`).to.be.closeTo(expectedX(axis, from, to, s(a)), 1.5);
      expect(box.x + box.width, `outage ${i} right`).to.be.closeTo(expectedX(axis, from, to, s(b)), 1.5);
      expect(Number(await css(outages[i]!, 'fill-opacity'))).to.be.within(0.05, 0.5);
    }

    for (const [label, at] of [['fault', stepAt('fault', 'start')], ['fault done', stepAt('fault', 'end')], ['remediation', stepAt('remediate', 'start')], ['remediation done', stepAt('remediate', 'end')]] as const) {
      const marker = page.locator('svg.timeline g.marker', { has: page.locator('text', { hasText: new RegExp(`^${label}$`) }) });
      expect(await marker.count(), label).to.equal(1);
      const line = (await marker.locator('line').first().boundingBox())!;
      expect(line.x + line.width / 2, `${label} marker`).to.be.closeTo(expectedX(axis, from, to, at), 1.5);
      expect(await marker.locator('text').isVisible()).to.equal(true);
    }

    const lanes = page.locator('svg.timeline g.lane text');
    expect(await lanes.allTextContents()).to.deep.equal(['kic-reconcile-error · controller', 'listener-unsupported-protocol · Gateway/kong/listener/http', 'traffic-slo · traffic']);

    const rows = page.locator('tr.symptom-row');
    expect(await rows.locator('code.signature').allInnerTexts()).to.deep.equal(['kic-reconcile-error', 'listener-unsupported-protocol', 'traffic-slo']);
    // the hostile log line is shown as the text it was, and nothing in it ran
    expect(await rows.nth(0).locator('ul.evidence li').first().innerText()).to.contain(EVIL_LINE);
    expect(await rows.nth(1).locator('ul.evidence li').count()).to.equal(3);
    expect(await page.title()).to.equal('gateway-listener-stuck: pass');
    expect(await page.locator('script').count()).to.equal(0);

    const links = await page.locator('section.artifacts a').evaluateAll((as) => as.map((a) => ({ text: a.textContent ?? '', href: a.href as string })));
    expect(links.map((l) => l.text.split(' ')[0])).to.deep.equal(['evidence.jsonl', 'result.json', 'kind-config.yaml', 'helm/kong.values.json', 'diagnostics/describe-kong.txt', 'diagnostics/kind-logs/']);
    for (const l of links) expect(existsSync(fileURLToPath(l.href)), l.href).to.equal(true);
    expect(await page.locator('body').innerText()).not.to.contain('kubeconfig');

    await page.screenshot({ path: join(root, 'report.png'), fullPage: true });
    expect(requests.length).to.be.greaterThan(0);
    expect(requests.filter((u) => !u.startsWith('file:')), 'requests beyond the file itself').to.deep.equal([]);
  });

  it('a run with route checks only: the outage from the checks, on the same axis', async () => {
    const dir = runDir(root, 'routes', routeOnlyRun());
    await open(dir);
    expect(await page.locator('.verdict-badge').innerText()).to.equal('FIXED');
    expect(await css(page.locator('.verdict-badge'), 'background-color')).to.equal(rgb(VERDICT_COLOUR.fixed));
    const axis = await axisBox();
    const [from, to] = [stepAt('steady-state', 'start'), stepAt('recover', 'end')];
    const box = (await page.locator('svg.timeline g.band.outage').boundingBox())!;
    expect(box.x).to.be.closeTo(expectedX(axis, from, to, s(ROUTE_OUTAGE_S[0])), 1.5);
    expect(box.x + box.width).to.be.closeTo(expectedX(axis, from, to, s(ROUTE_OUTAGE_S[1])), 1.5);
    expect(await page.locator('svg.timeline path.series.success').count()).to.equal(1);
    expect(await page.locator('.caption').innerText()).to.contain('from the route checks');
    expect(requests.filter((u) => !u.startsWith('file:'))).to.deep.equal([]);
  });

  it('a run that failed at setup: an ERROR verdict with the reason, the failed phase marked, no lines drawn', async () => {
    const dir = runDir(root, 'setup', setupFailedRun());
    await open(dir);
    expect(await page.locator('.verdict-badge').innerText()).to.equal('ERROR');
    expect(await css(page.locator('.verdict-badge'), 'background-color')).to.equal(rgb(VERDICT_COLOUR.error));
    expect(await page.locator('section.verdict .reason').innerText()).to.equal('setup failed: apply HTTPRoute echo: <admission webhook "validations.kong.konghq.com" denied the request>');
    expect(await page.locator('svg.timeline g.marker text').allTextContents()).to.deep.equal(['setup failed']);
    expect(await page.locator('svg.timeline path.series').count()).to.equal(0);
    expect(await page.locator('svg.timeline text.panel-empty').first().isVisible()).to.equal(true);
    expect(await page.locator('tr.phase-row.failed th').innerText()).to.equal('setup');
  });

  for (const [name, run] of [['full', fullRun], ['routes', routeOnlyRun], ['setup', setupFailedRun]] as const) {
    it(`${name}: at ${LAPTOP.width} px nothing scrolls sideways and no label covers another label, a bar or a marker line`, async () => {
      await open(runDir(root, `layout-${name}`, run()));
      expect(await sidewaysOverflow(page)).to.deep.equal([]);
      expect(await timelineOverlaps(page)).to.deep.equal([]);
    });
  }

  it('every phase on the strip is named, the short steady-state check too, over its own span', async () => {
    await open(runDir(root, 'strip', fullRun()));
    for (const phase of ['steady-state', 'fault', 'observe', 'remediate', 'recover']) {
      const span = (await page.locator(`svg.timeline g.strip.phase-${phase} rect`).boundingBox())!;
      const label = page.locator('svg.timeline text:not(g.marker > text)', { hasText: new RegExp(`^${phase}$`) });
      expect(await label.count(), phase).to.equal(1);
      expect(await label.isVisible(), phase).to.equal(true);
      const box = (await label.boundingBox())!;
      expect(box.x, `${phase} label starts inside its span`).to.be.within(span.x - 0.5, span.x + span.width);
    }
  });

  it('phase start times and durations stay on one line, also beside a long failure message', async () => {
    await open(runDir(root, 'phases', setupFailedRun()));
    const cells = await page.locator('tr.phase-row td:nth-of-type(-n+2)').all();
    expect(cells).to.have.length(6);
    for (const cell of cells) expect(await linesOf(cell), await cell.innerText()).to.equal(1);
  });
});

describe('matrix.html of the nightly matrix in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let root: string;
  let page: Page;
  const requests: string[] = [];
  const { record, cases } = fullMatrix();

  before(async () => {
    browser = await launchChromium();
    root = mkdtempSync(join(tmpdir(), 'kong-chaos-matrix-'));
    writeFileSync(join(root, 'matrix.html'), matrixHtml(record));
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize(LAPTOP);
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(join(root, 'matrix.html')).href, { waitUntil: 'load' });
  });
  after(async () => {
    await browser?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it(`holds every case of the nightly (${cases.length}) at ${LAPTOP.width} px: nothing scrolls sideways, no cell spills over, no network`, async () => {
    expect(cases.length).to.be.greaterThan(100);
    expect(await page.locator('td[class^="v-"]').count()).to.equal(cases.length);
    expect(await sidewaysOverflow(page)).to.deep.equal([]);
    const spilled = await page.locator('table th, table td').evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent));
    expect(spilled).to.deep.equal([]);
    expect(await page.locator('script').count()).to.equal(0);
    expect(requests.filter((u) => !u.startsWith('file:'))).to.deep.equal([]);
    await page.screenshot({ path: join(root, 'matrix.png'), fullPage: true });
  });

  it('what every target shares is said once; each install gets a table titled by it, whose header holds only the versions that vary, one row per dimension', async () => {
    const targets = cases.map((c) => c.target);
    const varying = (['gateway', 'gatewayApi', 'mode', 'topology', 'kic'] as const).filter((k) => new Set(targets.map((t) => t[k])).size > 1);
    expect(varying, 'the nightly varies Kong, Gateway API, mode, topology and KIC').to.deep.equal(['gateway', 'gatewayApi', 'mode', 'topology', 'kic']);
    expect(new Set(targets.map((t) => t.k8s.k8s)).size, 'the nightly shares k8s').to.equal(1);
    const shared = `k8s ${targets[0]!.k8s.k8s}`;
    expect((await page.locator('body').innerText()).split(shared).length - 1, `${shared} said once`).to.equal(1);
    // per table: its section title and the header cells above each case's column, read through their colspans
    const tables = await page.locator('h2 + div.scroll > table').evaluateAll((all) =>
      all.map((table) => {
        const title = (table.parentElement!.previousElementSibling!.firstChild!.textContent ?? '').trim();
        const rows = [...table.tHead.rows].map((tr: { cells: ArrayLike<{ colSpan: number; textContent: string }> }) => {
          const slots: string[] = [];
          for (const c of Array.from(tr.cells)) for (let i = 0; i < c.colSpan; i++) slots.push(c.textContent.trim());
          return slots;
        });
        const cells = [...table.tBodies[0].querySelectorAll('td')].map((td: { cellIndex: number; querySelector(s: string): { getAttribute(n: string): string } | null }) => ({ col: td.cellIndex, href: td.querySelector('a')?.getAttribute('href') ?? '' }));
        return { title, names: rows.map((r) => r[0]), cells: cells.map((c) => ({ href: c.href, texts: rows.map((r) => r[c.col]) })) };
      }),
    );
    expect(tables.length, 'one table per install').to.equal(new Set(targets.map((t) => `${t.gateway} ${t.mode} ${t.topology}`)).size);
    let linked = 0;
    for (const t of tables) {
      expect(t.names.every((n) => n === 'KIC' || n === 'Gateway-API'), `${t.title}: only versions in the header`).to.equal(true);
      for (const cell of t.cells.filter((c) => c.href !== '')) {
        const target = cases[Number(/^runs\/(\d+)-/.exec(cell.href)![1])]!.target;
        expect(t.title, cell.href).to.equal(`Kong ${target.gateway} · ${target.mode} · ${target.topology}`);
        expect(cell.texts, cell.href).to.deep.equal(t.names.map((n) => (n === 'KIC' ? target.kic : target.gatewayApi)));
        linked += 1;
      }
    }
    expect(linked).to.equal(cases.length);
  });

  it('the legend counts the cases of each verdict', async () => {
    const chips = await page.locator('.legend [class^="v-"]').allInnerTexts();
    expect(chips).to.have.length(Object.keys(VERDICT_COLOUR).length);
    for (const verdict of Object.keys(VERDICT_COLOUR)) {
      const n = record.cases.filter((c) => c.verdict === verdict).length;
      expect(n, `the fixture has ${verdict} cases`).to.be.greaterThan(0);
      expect(chips.find((c) => c.includes(verdict)), verdict).to.match(new RegExp(`\\b${n}\\b`));
      expect(await page.locator(`td.v-${verdict}`).count()).to.equal(n);
    }
  });
});
