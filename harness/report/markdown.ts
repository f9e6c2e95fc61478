import type { GateDecision, GateInput } from '../matrix/gate.ts';
import type { CaseVerdict } from '../matrix/flake.ts';
import { flakeRates, type CaseRecord, type MatrixRecord } from '../matrix/results.ts';

const ICON: Record<CaseVerdict, string> = { pass: '✅', observed: '👀', fixed: '🆕', regression: '❌', error: '⚠️', flaky: '🎲' };

/** Text inside a Markdown table cell: no pipes, no line breaks, no HTML, no link or emphasis syntax. */
export function cell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\|`*_[\]#!])/g, '\\$1');
}

function counts(cases: readonly CaseRecord[]): string {
  const by = new Map<CaseVerdict, number>();
  for (const c of cases) by.set(c.verdict, (by.get(c.verdict) ?? 0) + 1);
  return [...by].map(([v, n]) => `${ICON[v]} ${v}: ${n}`).join(' · ') || 'no cases';
}

/** The matrix for $GITHUB_STEP_SUMMARY: totals, one row per case, then flake rates when repeats disagreed. */
export function matrixMarkdown(m: MatrixRecord): string {
  const lines = [
    `## kong-chaos matrix${m.shard ? ` (shard ${cell(m.shard)})` : ''}`,
    '',
    counts(m.cases),
    '',
    `Cluster reuse saved ${Math.round(m.savedSeconds)} s.`,
    '',
    '| scenario | target | verdict | outcomes | reason |',
    '|---|---|---|---|---|',
    ...m.cases.map((c) => {
      const outcomes = c.attempts.map((a) => a.outcome).join(', ');
      const reason = c.attempts.find((a) => a.verdict !== 'pass' && a.verdict !== 'observed')?.reason ?? c.attempts[0]?.reason ?? '';
      return `| ${cell(c.row)} | ${cell(c.column)} | ${ICON[c.verdict]} ${c.verdict} | ${cell(outcomes)} | ${cell(reason)} |`;
    }),
  ];
  const flaky = flakeRates(m.cases).filter((f) => f.rate > 0);
  if (flaky.length) {
    lines.push('', '### Flake rates', '', '| scenario | target | flake rate | runs |', '|---|---|---|---|');
    for (const f of flaky) lines.push(`| ${cell(f.row)} | ${f.column === null ? 'all targets' : cell(f.column)} | ${(f.rate * 100).toFixed(0)}% | ${f.attempts} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The gate's verdict for a reviewer: is B safe, and if not, every reason, with where the evidence is. */
export function gateMarkdown(input: GateInput, d: GateDecision): string {
  const what = input.component === 'both' ? 'KIC and Kong' : input.component === 'kic' ? 'KIC' : 'Kong Gateway';
  const lines = [
    `## Upgrade gate: ${what} ${cell(input.from)} → ${cell(input.to)}`,
    '',
    d.safe ? `✅ **${cell(input.to)} is safe to upgrade to**: no regression, no catalog signature during or after the upgrade, traffic held the SLO, the Admin API kept its entities.` : `❌ **${cell(input.to)} is not safe to upgrade to** — ${d.findings.length} finding${d.findings.length === 1 ? '' : 's'}:`,
    '',
    ...d.findings.map((f) => `- **${f.rule}**: ${cell(f.message)}`),
    ...(d.notes.length ? ['', '### Notes', '', ...d.notes.map((n) => `- ${cell(n)}`)] : []),
    '',
    '| scenario | target | outcome | verdict |',
    '|---|---|---|---|',
    ...[...(input.upgrade ? [input.upgrade] : []), ...input.catalog].map((r) => `| ${cell(r.scenario + (r.variant ? `[${r.variant}]` : ''))} | ${cell(r.target)} | ${r.outcome} | ${r.verdict} |`),
  ];
  return `${lines.join('\n')}\n`;
}
