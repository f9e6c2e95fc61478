import { expect } from 'chai';
import { mergeJUnit } from '../../../harness/report/junit-merge.ts';
import { gateMarkdown, matrixMarkdown } from '../../../harness/report/markdown.ts';
import { columnParts, matrixHtml, safeHref, VERDICT_COLOUR } from '../../../harness/report/matrix-html.ts';
import { targetLabel } from '../../../harness/matrix/expand.ts';
import { nodeImageVersion } from '../../../harness/targets/pinned.ts';
import { fullMatrix } from './matrix-fixtures.ts';
import type { CaseRecord, MatrixRecord } from '../../../harness/matrix/results.ts';

const attempt = (outcome: CaseRecord['attempts'][0]['outcome'], verdict: CaseRecord['attempts'][0]['verdict'], report = 'r1/report.html', reason = 'ok') => ({ runId: 'r', outcome, verdict, reason, report, durationSeconds: 1 });
const EVIL = '<script>alert(1)</script>|x';
const record: MatrixRecord = {
  kind: 'kong-chaos-matrix',
  shard: '1/2',
  savedSeconds: 123.4,
  cases: [
    { key: 'a@1', scenario: 'a', row: 'a', column: 'KIC 3.4.5', title: 'A', verdict: 'pass', flakeRate: 0, attempts: [attempt('not-reproduced', 'pass')] },
    { key: 'a@2', scenario: 'a', row: 'a', column: 'KIC 3.5.13', title: 'A', verdict: 'flaky', flakeRate: 0.5, attempts: [attempt('recovered', 'pass', 'r2/report.html'), attempt('reproduced', 'regression', 'javascript:alert(1)', EVIL)] },
    { key: 'b@1', scenario: 'b', row: EVIL, column: 'KIC 3.4.5', title: EVIL, verdict: 'regression', flakeRate: 0, attempts: [attempt('reproduced', 'regression', 'r 3/report.html', 'line1\nline2 | pipe')] },
  ],
};

describe('matrix reports', () => {
  it('Markdown: one table row per case, cells escaped, flake rates listed', () => {
    const md = matrixMarkdown(record);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| scenario'));
    expect(rows.filter((r) => r.includes('KIC'))).to.have.length(3 + 1);
    expect(md).to.contain('| a | all targets | 33% | 3 |');
    expect(md).not.to.contain('<script>');
    expect(md).to.contain('&lt;script&gt;');
    expect(md).to.contain('line1 line2 \\| pipe');
    expect(md).to.match(/### Flake rates[\s\S]*\| a \| KIC 3\.5\.13 \| 50% \| 2 \|/);
    expect(md).to.contain('🎲 flaky: 1');
  });

  it('matrix.html: rows scenarios, columns targets, coloured cells linking to reports, everything escaped', () => {
    const html = matrixHtml(record);
    expect(html).not.to.contain('<script>alert');
    expect(html).to.contain('&#60;script&#62;');
    expect(html).not.to.match(/href="javascript/);
    expect(html).to.contain('href="r1/report.html"').and.contain('href="r%203/report.html"');
    expect(html).to.contain(`class="v-flaky" style="background:${VERDICT_COLOUR.flaky}"`);
    expect(html).to.contain(`class="v-regression" style="background:${VERDICT_COLOUR.regression}"`);
    expect((html.match(/<tr><th title/g) ?? []).length).to.equal(2);
    expect((html.match(/<td class="none">/g) ?? []).length).to.equal(1);
    expect(html).to.contain('<tr><th scope="row" class="dim">KIC</th><th scope="col">3.4.5</th><th scope="col">3.5.13</th></tr>');
  });

  it('reads a column label back into its dimensions, named, feature gates included', () => {
    const { cases } = fullMatrix();
    const t = cases[0]!.target;
    expect(columnParts(targetLabel(t))).to.deep.equal([
      { name: 'k8s', value: nodeImageVersion(t.k8s) },
      { name: 'KIC', value: t.kic },
      { name: 'Kong', value: t.gateway },
      { name: 'Gateway-API', value: t.gatewayApi },
      { name: 'mode', value: t.mode },
      { name: 'topology', value: t.topology },
    ]);
    expect(columnParts(targetLabel({ ...t, featureGates: ['FallbackConfiguration=true'] })).at(-1)).to.deep.equal({ name: 'feature gates', value: 'FallbackConfiguration=true' });
  });

  it('matrix.html groups the header: shared parts said once, varying ones outermost by fewest values, colspans over the runs of equal values', () => {
    const c = (column: string, row = 'a'): CaseRecord => ({ key: `${row}@${column}`, scenario: row, row, column, title: 'A', verdict: 'pass', flakeRate: 0, attempts: [attempt('not-reproduced', 'pass')] });
    const html = matrixHtml({ ...record, cases: [c('k8s 1.33 · KIC 3.4.10 · Gateway-API 1.3.0'), c('k8s 1.33 · KIC 3.4.9 · Gateway-API 1.3.0'), c('k8s 1.33 · KIC 3.4.9 · Gateway-API 1.6.1'), c('k8s 1.33 · KIC 3.5.0 · Gateway-API 1.6.1', 'b')] });
    const head = /<thead>([\s\S]*)<\/thead>/.exec(html)![1]!;
    expect(head.trim().split('\n')).to.deep.equal([
      '<tr><th scope="row" class="dim">Gateway-API</th><th scope="col" colspan="2">1.3.0</th><th scope="col" colspan="2" class="group">1.6.1</th></tr>',
      '<tr><th scope="row" class="dim">KIC</th><th scope="col">3.4.9</th><th scope="col">3.4.10</th><th scope="col" class="group">3.4.9</th><th scope="col">3.5.0</th></tr>',
    ]);
    expect(html).to.contain('Every case: k8s 1.33.');
    expect(html).to.contain('<td class="none group">—</td>');
    expect(html).not.to.contain('<h2>');
  });

  it('matrix.html gives each install that varies (Kong version, mode, topology) a table of its own, with only its rows', () => {
    const c = (column: string, row: string): CaseRecord => ({ key: `${row}@${column}`, scenario: row, row, column, title: row, verdict: 'pass', flakeRate: 0, attempts: [attempt('not-reproduced', 'pass')] });
    const html = matrixHtml({
      ...record,
      cases: [c('k8s 1.33 · KIC 3.4.20 · Kong 3.9.3 · dbless', 'a'), c('k8s 1.33 · KIC 3.5.13 · Kong 3.9.3 · dbless', 'a'), c('k8s 1.33 · KIC 3.5.13 · Kong 3.9.3 · postgres', 'a'), c('k8s 1.33 · KIC 3.5.13 · Kong 3.15.0.3 · dbless', 'unlicensed')],
    });
    const sections = html.split('<h2>').slice(1);
    expect(sections.map((t) => t.slice(0, t.indexOf(' <small>')))).to.deep.equal(['Kong 3.9.3 · dbless', 'Kong 3.9.3 · postgres', 'Kong 3.15.0.3 · dbless']);
    expect(sections[0]).to.contain('<small>2 cases</small>').and.contain('>3.4.20</th>').and.not.contain('unlicensed');
    expect(sections[2]).to.contain('<th title="unlicensed">unlicensed</th>').and.not.contain('<th title="a">');
    expect(html).to.contain('Every case: k8s 1.33.');
  });

  it('safe links only: relative paths, never a scheme or an absolute path', () => {
    expect(safeHref('a/b c.html')).to.equal('a/b%20c.html');
    for (const bad of ['javascript:x', 'https://e', '/etc/passwd', '\\\\host\\x', '']) expect(safeHref(bad), bad).to.equal(undefined);
  });

  it('JUnit merge: every suite kept, totals summed', () => {
    const a = '<?xml version="1.0"?>\n<testsuites name="kong-chaos" tests="2"><testsuite name="Root Suite" tests="0" failures="0" time="0"></testsuite><testsuite name="g1" tests="2" failures="1" errors="0" skipped="0" time="1.5"><testcase name="x"/><testcase name="y"><failure>no</failure></testcase></testsuite></testsuites>';
    const b = '<testsuites><testsuite name="g2" tests="3" failures="0" time="2.25"><testcase name="z"/></testsuite><testsuite name="empty" tests="0"/></testsuites>';
    const merged = mergeJUnit([a, b]);
    expect((merged.match(/<testsuite[\s>]/g) ?? []).length).to.equal(4);
    expect(merged).to.match(/<testsuites name="kong-chaos" tests="5" failures="1" errors="0" skipped="0" time="3.750">/);
    expect(merged).to.contain('<failure>no</failure>');
  });

  it('gate Markdown says whether B is safe and lists every finding', () => {
    const input = { from: '3.4.4', to: '3.4.5', component: 'kic' as const, upgrade: undefined, catalog: [], minSuccessRatio: 0.99 };
    const bad = gateMarkdown(input, { safe: false, findings: [{ rule: 'slo', message: 'traffic 90% <b>' }], notes: [] });
    expect(bad).to.contain('3.4.5 is not safe').and.contain('**slo**: traffic 90% &lt;b&gt;');
    expect(gateMarkdown(input, { safe: true, findings: [], notes: [] })).to.contain('3.4.5 is safe to upgrade to');
  });
});
