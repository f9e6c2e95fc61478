import { describeSignature } from '../judge/signatures.ts';
import type { Scenario } from '../runner/scenario.ts';
import { readableFromFiles, signaturesToRead, type Evidence, type Hit, type Matcher } from './match.ts';
import { count } from '../words.ts';
import { seenAffected, versionsOf, WORKAROUNDS } from './next-steps.ts';

export interface ScannedFile {
  file: string;
  kind: 'log' | 'document';
  /** lines of a log; events and conditions of a document */
  count: number;
  /** why a file that looked like a document was read as lines */
  note?: string;
}

/** A file that could not be read at all (missing, empty, binary), and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

export interface DiagnoseMatch {
  failureMode: string;
  title: string;
  signature: Record<string, unknown>;
  /** how many lines or observations matched; `evidence` keeps the first of them */
  total: number;
  evidence: Evidence[];
  /** present when another failure mode matched the same lines: what tells them apart */
  distinguish?: string;
  /** the failure modes that matched the same lines */
  sharedWith?: string[];
}

/** What to do about one matched failure mode, said once however many lines matched. */
export interface NextSteps {
  failureMode: string;
  title: string;
  /** lines and observations that matched any of its signatures */
  lines: number;
  /** KIC version ranges the catalog expects it on; empty: not confirmed on any */
  affected: string[];
  fixedIn?: string;
  /** whether a KIC version the files name is affected; absent when the files name none */
  yourKicAffected?: boolean;
  action?: string;
  sources: string[];
}

export interface DiagnoseReport {
  matches: DiagnoseMatch[];
  nextSteps: NextSteps[];
  /** KIC and Kong versions the files name */
  versionsSeen: { kic: string[]; kong: string[] };
  files: ScannedFile[];
  skipped: SkippedFile[];
}

export function buildReport(matcher: Matcher, files: ScannedFile[], skipped: SkippedFile[]): DiagnoseReport {
  const hits = matcher.results();
  const matches = hits.map((hit): DiagnoseMatch => {
    const sharing = sharedWith(matcher, hit.scenario);
    return {
      failureMode: hit.scenario.id,
      title: hit.scenario.title,
      signature: describeSignature(hit.signature),
      total: hit.total,
      evidence: hit.evidence,
      ...(sharing.length > 0 ? { distinguish: distinguish(hit.scenario, sharing, hits), sharedWith: sharing.map((o) => o.id) } : {}),
    };
  });
  const kic = [...matcher.versions.kic];
  const modes = [...new Set(hits.map((h) => h.scenario))];
  const nextSteps = modes.map((scenario): NextSteps => {
    const versions = versionsOf(scenario.expectations);
    const affected = seenAffected(versions, kic);
    const advice = WORKAROUNDS[scenario.id];
    return {
      failureMode: scenario.id,
      title: scenario.title,
      lines: hits.filter((h) => h.scenario === scenario).reduce((n, h) => n + h.total, 0),
      affected: versions.affected,
      ...(versions.fixedIn ? { fixedIn: versions.fixedIn } : {}),
      ...(affected !== undefined ? { yourKicAffected: affected } : {}),
      ...(advice ? { action: advice.action } : {}),
      sources: [...new Set([...(advice?.sources ?? []), ...scenario.sources])],
    };
  });
  return { matches, nextSteps, versionsSeen: { kic, kong: [...matcher.versions.kong] }, files, skipped };
}

function sharedWith(matcher: Matcher, scenario: Scenario): Scenario[] {
  return matcher.scenarios.filter((other) => other !== scenario && (matcher.shared.has(`${scenario.id}\0${other.id}`) || matcher.shared.has(`${other.id}\0${scenario.id}`)));
}

/**
 * Two failure modes with a common symptom are told apart by what else each one needs and
 * shows: the install it happens on, the versions it is expected on, and its other signatures,
 * marked as seen in these files, absent from them, or only checkable on a live cluster.
 */
function distinguish(scenario: Scenario, others: Scenario[], hits: Hit[]): string {
  const profile = (s: Scenario): string => {
    const where = `${s.requires.modes.join('/')} mode, ${s.requires.topologies.join('/')} topology${s.requires.kic ? `, KIC ${s.requires.kic}` : ''}${s.requires.gateway ? `, Kong Gateway ${s.requires.gateway}` : ''}`;
    const expected = Object.entries(s.expectations).map(([range, e]) => `${[e].flat().join(' or ')} on ${range}`).join(', ');
    const fromFiles = signaturesToRead(s).map((sig) => {
      const seen = hits.find((h) => h.scenario === s && h.signature === sig);
      return `${sig.description} (${seen ? `seen, ${seen.evidence[0]!.file}:${seen.evidence[0]!.line}` : 'not in these files'})`;
    });
    const live = s.signatures.filter((sig) => !readableFromFiles(sig)).map((sig) => `${sig.description} (check on the live system)`);
    const signs = [...fromFiles, ...live];
    return `${s.id} — ${where}; expected ${expected}; signs: ${signs.join('; ')}`;
  };
  return [`the same lines also match ${others.map((o) => o.id).join(', ')}; ${verdictOf([scenario, ...others], hits)}; tell them apart by:`, profile(scenario), ...others.map(profile)].join('\n');
}

/**
 * Which of the modes sharing a symptom the files point to: the ones with a sign of their own
 * (a signature none of the others reads, such as KIC's `create` or `update` of a plugin), or
 * none, and then the files cannot tell.
 */
function verdictOf(modes: Scenario[], hits: Hit[]): string {
  const own = modes.filter((m) => hits.some((h) => h.scenario === m && !modes.some((o) => o !== m && signaturesToRead(o).includes(h.signature))));
  if (own.length === 0) return 'these files cannot tell which: no line here is a sign of only one of them';
  return `these files point to ${own.map((m) => m.id).join(' and ')}: ${own.length === 1 ? 'only it shows' : 'each shows'} a sign of its own`;
}

function formatNextSteps(n: NextSteps, kic: readonly string[]): string[] {
  const versions = n.affected.length === 0 ? 'versions: not confirmed on any KIC version yet' : `affected: KIC ${n.affected.join(', ')}${n.fixedIn ? `; fixed in ${n.fixedIn}` : '; no fixed version'}`;
  const yours = kic.length === 0 ? 'the files name no KIC version' : `your KIC ${kic.join(', ')} (from the files) ${n.yourKicAffected === undefined ? 'cannot be judged' : n.yourKicAffected ? 'is affected' : 'is not in the affected range'}`;
  return [
    `${n.failureMode}: found ${count(n.lines, 'line')} like this`,
    `  ${versions}; ${yours}`,
    ...(n.action ? [`  next: ${n.action}`] : []),
    `  see: ${n.sources.join(' ')}`,
  ];
}

/** The report for a person: each matched failure mode with its evidence, then what was read. */
export function formatReport(report: DiagnoseReport): string {
  const out: string[] = [];
  let current = '';
  const explained = new Set<string>();
  for (const m of report.matches) {
    if (m.failureMode !== current) {
      current = m.failureMode;
      out.push(`${m.failureMode} — ${m.title}`);
    }
    out.push(`  signature ${String(m.signature['id'])}: ${String(m.signature['description'])} (${m.total} ${m.total === 1 ? 'match' : 'matches'})`);
    for (const e of m.evidence.slice(0, 5)) out.push(`    ${e.file}:${e.line}  ${e.text.length > 200 ? `${e.text.slice(0, 199)}…` : e.text}`);
    if (m.total > 5) out.push(`    … ${m.total - 5} more (--json lists ${Math.min(m.total, m.evidence.length)})`);
    if (m.distinguish && !explained.has(m.failureMode)) {
      // the explanation covers every mode of the group: said once, pointed to after
      const told = m.sharedWith?.find((o) => explained.has(o));
      explained.add(m.failureMode);
      out.push(...(told ? [`  shares these lines with ${m.sharedWith!.join(', ')}: what tells them apart is above`] : m.distinguish.split('\n').map((l) => `  ${l}`)));
    }
  }
  if (report.nextSteps.length > 0) out.push('', 'what to do next', ...report.nextSteps.flatMap((n) => formatNextSteps(n, report.versionsSeen.kic)));
  const read = report.files.map((f) => `${f.file} (${count(f.count, f.kind === 'log' ? 'line' : 'observation')}${f.note ? `; ${f.note}` : ''})`).join(', ');
  out.push(report.matches.length === 0 ? `no catalog failure mode matched in ${read}` : `read ${read}`);
  return out.join('\n');
}
