import type { CaseVerdict } from '../matrix/flake.ts';
import type { CaseRecord, MatrixRecord } from '../matrix/results.ts';
import { compareKeys } from '../matrix/expand.ts';

export const VERDICT_COLOUR: Record<CaseVerdict, string> = {
  pass: '#2da44e',
  observed: '#54aeff',
  fixed: '#bf8700',
  regression: '#cf222e',
  error: '#6e7781',
  flaky: '#8250df',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A link to a run's report, relative to matrix.html; anything else (a scheme, an absolute path) is no link. */
export function safeHref(path: string): string | undefined {
  if (path === '' || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/') || path.startsWith('\\')) return undefined;
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function cellHtml(c: CaseRecord | undefined): string {
  if (!c) return '<td class="none">—</td>';
  const runs = c.attempts.map((a, i) => {
    const label = c.attempts.length > 1 ? `${i + 1}: ${a.outcome}` : a.outcome;
    const href = safeHref(a.report);
    const text = escapeHtml(label);
    return href ? `<a href="${escapeHtml(href)}" title="${escapeHtml(a.reason)}">${text}</a>` : `<span title="${escapeHtml(a.reason)}">${text}</span>`;
  });
  const flake = c.verdict === 'flaky' ? ` <small>${(c.flakeRate * 100).toFixed(0)}% flaky</small>` : '';
  return `<td class="v-${c.verdict}" style="background:${VERDICT_COLOUR[c.verdict]}"><b>${escapeHtml(c.verdict)}</b>${flake}<br>${runs.join('<br>')}</td>`;
}

/** matrix.html: a row per scenario (and variant), a column per target, each cell coloured by its verdict and linking to its runs. */
export function matrixHtml(m: MatrixRecord): string {
  const rows = [...new Set(m.cases.map((c) => c.row))].sort(compareKeys);
  const columns = [...new Set(m.cases.map((c) => c.column))].sort(compareKeys);
  const at = new Map(m.cases.map((c) => [`${c.row}\u0000${c.column}`, c]));
  const titles = new Map(m.cases.map((c) => [c.row, c.title]));
  const legend = Object.entries(VERDICT_COLOUR).map(([v, colour]) => `<span class="v-${v}" style="background:${colour}">${v}</span>`).join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kong-chaos matrix${m.shard ? ` — shard ${escapeHtml(m.shard)}` : ''}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;font-size:.85rem;vertical-align:top}td[class^="v-"],span[class^="v-"]{color:#fff}td a{color:#fff}td.none{color:#8c959f;text-align:center}span[class^="v-"]{padding:.1rem .4rem;border-radius:.3rem}</style>
</head><body>
<h1>kong-chaos matrix${m.shard ? ` — shard ${escapeHtml(m.shard)}` : ''}</h1>
<p>${legend}</p>
<p>${m.cases.length} cases; cluster reuse saved ${Math.round(m.savedSeconds)} s.</p>
<table><thead><tr><th>scenario</th>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((r) => `<tr><th title="${escapeHtml(titles.get(r) ?? '')}">${escapeHtml(r)}</th>${columns.map((col) => cellHtml(at.get(`${r}\u0000${col}`))).join('')}</tr>`).join('\n')}
</tbody></table>
</body></html>
`;
}
