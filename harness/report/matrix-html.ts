import type { CaseVerdict } from '../matrix/flake.ts';
import type { CaseRecord, MatrixRecord } from '../matrix/results.ts';
import { compareKeys } from '../matrix/expand.ts';
import { MODES, TOPOLOGIES } from '../targets/target.ts';

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

/** A verdict at a glance beside its colour, for whoever cannot tell the colours apart; the legend names them. */
const SYMBOL: Record<CaseVerdict, string> = { pass: '✓', observed: '○', fixed: '★', regression: '✗', error: '!', flaky: '~' };

interface Part {
  name: string;
  value: string;
}

/**
 * The dimensions of a column: its label is describeTarget's (harness/targets/target.ts),
 * `k8s 1.33 · KIC 3.4.20 · Kong 3.9.3 · Gateway-API 1.3.0 · dbless · split[ gates=…]`, and matrix.json keeps only
 * the label, so it is read back here. A part that is not `<name> <value>` is named by the
 * choices it comes from.
 */
export function columnParts(label: string): Part[] {
  return label.split(' · ').flatMap((part): Part[] => {
    const [head = '', gates] = part.split(' gates=');
    const named = /^(\S+) (.+)$/.exec(head);
    const main: Part = (MODES as readonly string[]).includes(head)
      ? { name: 'mode', value: head }
      : (TOPOLOGIES as readonly string[]).includes(head)
        ? { name: 'topology', value: head }
        : named
          ? { name: named[1]!, value: named[2]! }
          : { name: 'target', value: head };
    return gates === undefined ? [main] : [main, { name: 'feature gates', value: gates }];
  });
}

interface Columns {
  /** in display order */
  labels: string[];
  /** what every column shares, said once above the table */
  shared: Part[];
  /** the dimensions that vary, outermost (fewest values) first: a header row each */
  varying: string[];
  valueOf(label: string, dimension: string): string;
}

/**
 * Orders the columns so that each varying dimension groups them, the one with the fewest values
 * outermost: its header cells span the most columns.
 */
function columnsOf(labels: readonly string[]): Columns {
  const parts = new Map(labels.map((l) => [l, new Map(columnParts(l).map((p) => [p.name, p.value]))]));
  const names = [...new Set([...parts.values()].flatMap((p) => [...p.keys()]))];
  // a dimension some columns lack (feature gates) is "none" there
  const valueOf = (label: string, name: string) => parts.get(label)?.get(name) ?? 'none';
  const distinct = (name: string) => new Set(labels.map((l) => valueOf(l, name))).size;
  const varying = names.filter((n) => distinct(n) > 1).sort((a, b) => distinct(a) - distinct(b) || names.indexOf(a) - names.indexOf(b));
  const shared = names.filter((n) => distinct(n) === 1).map((name) => ({ name, value: valueOf(labels[0]!, name) }));
  const order = (a: string, b: string) => varying.reduce((c, n) => c || compareKeys(valueOf(a, n), valueOf(b, n)), 0) || compareKeys(a, b);
  return { labels: [...labels].sort(order), shared, varying, valueOf };
}

/** Header rows: per varying dimension, a cell per run of columns that agree on it and on every dimension above it. */
function headerRows(cols: Columns, groupStarts: ReadonlySet<number>): string[] {
  return cols.varying.map((name, level) => {
    const key = (label: string) => cols.varying.slice(0, level + 1).map((n) => cols.valueOf(label, n)).join('\u0000');
    const cells: string[] = [];
    for (let i = 0; i < cols.labels.length; ) {
      let span = 1;
      while (i + span < cols.labels.length && key(cols.labels[i + span]!) === key(cols.labels[i]!)) span += 1;
      const attrs = `${span > 1 ? ` colspan="${span}"` : ''}${groupStarts.has(i) ? ' class="group"' : ''}`;
      cells.push(`<th scope="col"${attrs}>${escapeHtml(cols.valueOf(cols.labels[i]!, name))}</th>`);
      i += span;
    }
    return `<tr><th scope="row" class="dim">${escapeHtml(name)}</th>${cells.join('')}</tr>`;
  });
}

function cellHtml(c: CaseRecord | undefined, group: boolean): string {
  const cls = group ? ' group' : '';
  if (!c) return `<td class="none${cls}">—</td>`;
  const runs = c.attempts.map((a, i) => {
    const title = `${c.attempts.length > 1 ? `attempt ${i + 1}: ` : ''}${a.verdict} (${a.outcome}): ${a.reason}`;
    const href = safeHref(a.report);
    const symbol = escapeHtml(SYMBOL[a.verdict]);
    return href ? `<a href="${escapeHtml(href)}" title="${escapeHtml(title)}">${symbol}</a>` : `<span title="${escapeHtml(title)}">${symbol}</span>`;
  });
  const flake = c.verdict === 'flaky' ? `<small>${(c.flakeRate * 100).toFixed(0)}%</small>` : '';
  return `<td class="v-${c.verdict}${cls}" style="background:${VERDICT_COLOUR[c.verdict]}" title="${escapeHtml(c.verdict)}">${runs.join(' ')}${flake}</td>`;
}

function legendHtml(cases: readonly CaseRecord[]): string {
  const chips = (Object.keys(VERDICT_COLOUR) as CaseVerdict[]).map((v) => {
    const n = cases.filter((c) => c.verdict === v).length;
    return `<span class="v-${v}" style="background:${VERDICT_COLOUR[v]}">${SYMBOL[v]} ${v} <b>${n}</b></span>`;
  });
  return `<p class="legend">${chips.join(' ')}</p>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5rem}
.scroll{overflow-x:auto}table{border-collapse:collapse}
th,td{border:1px solid #d0d7de;padding:.25rem .35rem;font-size:.8rem;vertical-align:middle}
thead th{text-align:center;background:#f6f8fa;font-weight:600}thead tr:last-child th[scope="col"]{writing-mode:vertical-rl;transform:rotate(180deg);padding:.35rem .15rem}thead th.dim{text-align:right;color:#59636e;font-weight:400;background:none}
tbody th{text-align:left;font-weight:600;max-width:14rem}
td{text-align:center}td a,td span{color:inherit;text-decoration:none;font-size:1rem;font-weight:700}td small{display:block}
td[class^="v-"],.legend span{color:#fff}td.v-observed,.legend .v-observed{color:#0a3069}td.none{color:#8c959f}
.group{border-left:2px solid #59636e}
.legend span{padding:.1rem .45rem;border-radius:.3rem;margin-right:.2rem;white-space:nowrap}
.shared{color:#59636e}h2{font-size:1rem;margin:1.25rem 0 .4rem}h2 small{font-weight:400;color:#59636e}`;

/**
 * The dimensions that make a section of their own rather than a header row: how Kong is
 * installed (Kubernetes, Kong Gateway version, mode, topology, feature gates). KIC and Gateway API,
 * the versions a reader compares side by side, stay columns of one table.
 */
const SECTION_DIMENSIONS = ['k8s', 'Kong', 'mode', 'topology', 'feature gates'];

interface Section {
  /** what sets the section apart, e.g. `Kong 3.9.3 · dbless · split`; empty for a single section */
  title: string;
  labels: string[];
}

/** One section per combination of the varying install dimensions, so no table outgrows a laptop screen. */
function sectionsOf(all: Columns): Section[] {
  // in a fixed order, so that every section title reads the same way
  const dims = SECTION_DIMENSIONS.filter((n) => all.varying.includes(n));
  const title = (label: string) => dims.map((n) => (n === 'mode' || n === 'topology' ? all.valueOf(label, n) : `${n} ${all.valueOf(label, n)}`)).join(' · ');
  const sections = new Map<string, string[]>();
  for (const label of all.labels) sections.set(title(label), [...(sections.get(title(label)) ?? []), label]);
  return [...sections].sort(([a], [b]) => compareKeys(a, b)).map(([t, labels]) => ({ title: t, labels }));
}

function tableHtml(m: MatrixRecord, section: Section): string {
  const cols = columnsOf(section.labels);
  const inSection = m.cases.filter((c) => section.labels.includes(c.column));
  const rows = [...new Set(inSection.map((c) => c.row))].sort(compareKeys);
  // with one varying dimension every column is its own group: no borders then
  const outer = cols.varying.length > 1 ? cols.varying[0] : undefined;
  const groupStarts = new Set(cols.labels.flatMap((l, i) => (i > 0 && outer !== undefined && cols.valueOf(l, outer) !== cols.valueOf(cols.labels[i - 1]!, outer) ? [i] : [])));
  const at = new Map(inSection.map((c) => [`${c.row}\u0000${c.column}`, c]));
  const titles = new Map(inSection.map((c) => [c.row, c.title]));
  const body = rows.map((r) => `<tr><th title="${escapeHtml(titles.get(r) ?? '')}">${escapeHtml(r)}</th>${cols.labels.map((col, i) => cellHtml(at.get(`${r}\u0000${col}`), groupStarts.has(i))).join('')}</tr>`);
  const heading = section.title ? `<h2>${escapeHtml(section.title)} <small>${inSection.length} cases</small></h2>\n` : '';
  return `${heading}<div class="scroll"><table><thead>
${headerRows(cols, groupStarts).join('\n')}
</thead>
<tbody>
${body.join('\n')}
</tbody></table></div>`;
}

/**
 * matrix.html: a row per scenario (and variant), a column per target, each cell coloured by its
 * verdict and linking to its runs. What every target shares is said once; each install (Kong
 * version, mode, topology) that varies gets a table of its own, whose header holds only the
 * versions that vary in it, a row per dimension, so the whole nightly fits a laptop screen.
 */
export function matrixHtml(m: MatrixRecord): string {
  const all = columnsOf([...new Set(m.cases.map((c) => c.column))]);
  const shared = all.shared.map((p) => `${p.name} ${p.value}`).join(' · ');
  const heading = `kong-chaos matrix${m.shard ? ` — shard ${escapeHtml(m.shard)}` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${heading}</title>
<style>${STYLE}</style>
</head><body>
<h1>${heading}</h1>
${legendHtml(m.cases)}
<p>${m.cases.length} cases; cluster reuse saved ${Math.round(m.savedSeconds)} s.${shared ? ` <span class="shared">Every case: ${escapeHtml(shared)}.</span>` : ''} Rows are scenarios (with their variant); hover a symbol for the outcome and reason, click it for the run's report.</p>
${sectionsOf(all).map((section) => tableHtml(m, section)).join('\n')}
</body></html>
`;
}
