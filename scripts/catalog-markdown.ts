/**
 * docs/catalog.md, rendered from the scenario definitions alone, so the user-facing catalog cannot
 * say something the harness does not do. `make catalog` writes it; a unit test fails when it differs.
 */
import type { ExpectationTable } from '../harness/judge/expectations.ts';
import { describeSignature } from '../harness/judge/signatures.ts';
import type { Scenario, Variant } from '../harness/runner/scenario.ts';
import type { Requirements } from '../harness/targets/target.ts';

export const CATALOG_FILE = 'docs/catalog.md';

/** A table cell: `|` would end the cell and a newline the row. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
/** Inline code that survives any backticks in `text`. */
const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);
const link = (url: string) => (/^https?:\/\//.test(url) ? `<${url}>` : url);

function expectations(table: ExpectationTable): string {
  return Object.entries(table)
    .map(([range, e]) => `${range === '*' ? 'any version' : code(range)}: ${e === 'observe' ? 'observe' : [e].flat().join(' or ')}`)
    .join('; ');
}

function target(requires: Requirements, shape: string): string {
  return [requires.modes.join(', '), requires.topologies.join(', '), `KIC ${requires.kic ?? 'any pinned version'}`, shape].join(' · ');
}

function variantRows(s: Scenario): string[] {
  const entries = Object.entries(s.variants);
  if (entries.length === 0) return [];
  const row = ([name, v]: [string, Variant]) =>
    `| ${code(name)} | ${cell(v.description)} | ${cell(target({ ...s.requires, ...v.requires }, v.shape ?? s.shape))} | ${cell(expectations(v.expectations ?? s.expectations))} |`;
  return ['', '**Variants**', '', '| variant | what changes | target | expectations |', '|---|---|---|---|', ...entries.map(row)];
}

/** What a signature reads, from the same description `plan --json` prints. */
function reads(described: Record<string, unknown>): string {
  const { id: _id, kind: _kind, description: _description, provenance: _provenance, ...matcher } = described;
  return Object.entries(matcher)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${code(String(v))}`)
    .join(', ');
}

function signatureRows(s: Scenario): string[] {
  const row = (described: Record<string, unknown>) => {
    const provenance = described['provenance'] as string[];
    return `| ${code(String(described['id']))} | ${described['kind']} | ${cell(String(described['description']))} | ${cell(reads(described))} | ${provenance.length ? cell(provenance.map(link).join(', ')) : 'not recorded yet'} |`;
  };
  return ['| signature | kind | symptom | reads | provenance |', '|---|---|---|---|---|', ...s.signatures.map((sig) => row(describeSignature(sig)))];
}

function section(s: Scenario): string[] {
  return [
    `## ${code(s.id)}`,
    '',
    s.title,
    '',
    `- **Target:** ${target(s.requires, s.shape)}`,
    `- **Expectations** (by KIC version): ${expectations(s.expectations)}`,
    `- **Sources:** ${s.sources.map(link).join(', ')}`,
    ...(s.diagnosable === false ? ['- Not a failure mode of its own: `diagnose` does not attribute symptoms to it.'] : []),
    ...variantRows(s),
    '',
    '**Signatures** (the symptoms a run looks for)',
    '',
    ...signatureRows(s),
    '',
  ];
}

export function catalogMarkdown(scenarios: readonly Scenario[]): string {
  return [
    '# The failure-mode catalog',
    '',
    '<!-- Generated from scenarios/*.ts by `make catalog`; do not edit by hand. A unit test fails when it is stale. -->',
    '',
    'Every scenario kong-chaos can run: what fails, where it was reported, on which targets it runs,',
    'what a run is expected to find per KIC version, and the symptoms it looks for with the upstream',
    'evidence each rests on. `observe` means nobody has confirmed the behaviour on a real cluster yet:',
    'the run records what happens and judges nothing. `npx kong-chaos list` prints the same from the CLI.',
    '',
    '| id | what | target | expectations |',
    '|---|---|---|---|',
    ...scenarios.map((s) => `| [${code(s.id)}](#${s.id}) | ${cell(s.title)} | ${cell(target(s.requires, s.shape))} | ${cell(expectations(s.expectations))} |`),
    '',
    ...scenarios.flatMap(section),
  ].join('\n');
}
