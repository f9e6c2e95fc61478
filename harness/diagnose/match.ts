import type { ConditionEntry, EventEntry, LogEntry } from '../evidence/types.ts';
import { normaliseText } from '../judge/log-message.ts';
import { read, type ConditionSignature, type EventSignature, type LogSignature, type Signature } from '../judge/signatures.ts';
import type { Scenario } from '../runner/scenario.ts';
import { fieldSignaturesOf, RUN_ONLY } from './field-signatures.ts';
import { classifyLine } from './format.ts';
import { requiredClauses, requiredWords, type Clauses } from './literals.ts';
import type { Prefilter } from './scan.ts';
import { VERSION_WORDS, VersionsSeen } from './versions-seen.ts';

/** The signature kinds that a user's files can show; routes, Admin API state and traffic cannot. */
export type FileSignature = LogSignature | EventSignature | ConditionSignature;

export function readableFromFiles(s: Signature): s is FileSignature {
  return s.kind === 'log' || s.kind === 'event' || s.kind === 'condition';
}

export interface Evidence {
  file: string;
  line: number;
  text: string;
}

/** Every line a (failure mode, signature) pair matched: the first few kept, all counted. */
export interface Hit {
  scenario: Scenario;
  signature: FileSignature;
  evidence: Evidence[];
  total: number;
}

/** Evidence kept per signature; the rest is counted, so memory does not grow with the file. */
export const MAX_EVIDENCE = 20;
const MAX_TEXT = 2000;

/**
 * Reads lines and observations with each failure mode's field signatures (field-signatures.ts),
 * through the judge's own `read`, so that a verdict in a run and a match in diagnose mean the
 * same thing. Keeps, per failure mode and signature, the evidence; and which failure modes
 * matched the very same line (a shared symptom counts for each of them).
 */
export class Matcher {
  readonly prefilter: Prefilter;
  private readonly logSignatures: { scenario: Scenario; signature: LogSignature; clauses: Clauses }[] = [];
  private readonly otherSignatures: { scenario: Scenario; signature: EventSignature | ConditionSignature }[] = [];
  private readonly hits = new Map<string, Hit>();
  /** `a\0b` (ids in catalog order) → lines that both matched */
  readonly shared = new Map<string, number>();
  readonly versions = new VersionsSeen();

  constructor(readonly scenarios: readonly Scenario[]) {
    for (const scenario of scenarios) {
      if (scenario.diagnosable === false) continue;
      for (const signature of signaturesToRead(scenario)) {
        if (signature.kind === 'log') {
          const clauses = requiredClauses(signature.pattern).map((c) => (signature.pattern.ignoreCase ? c.map((w) => w.toLowerCase()) : c));
          this.logSignatures.push({ scenario, signature, clauses });
        }
        else this.otherSignatures.push({ scenario, signature });
      }
    }
    this.prefilter = buildPrefilter(this.logSignatures);
  }

  readLine(file: string, line: number, text: string): void {
    this.versions.read(text);
    // Every word a signature needs must be in the line before it is unwrapped and matched.
    let lower: string | undefined;
    const candidates = this.logSignatures.filter((s) => wordsPresent(s, text, s.signature.pattern.ignoreCase ? (lower ??= text.toLowerCase()) : undefined));
    if (candidates.length === 0) return;
    const { components, body } = classifyLine(text);
    const matched: { scenario: Scenario; signature: FileSignature }[] = [];
    for (const entry of candidates) {
      if (!components.includes(entry.signature.component)) continue;
      const observation: LogEntry = { kind: 'log', at: 0, component: entry.signature.component, pod: file, container: '', line: body };
      if (read(entry.signature, observation)?.state === 'bad') matched.push(entry);
    }
    this.record(matched, { file, line, text: clip(text) });
  }

  readObservation(file: string, line: number, observation: EventEntry | ConditionEntry): void {
    const matched: { scenario: Scenario; signature: FileSignature; summary: string }[] = [];
    // an Event's message is text a person may have pasted, like a log line
    const normal = observation.kind === 'event' ? { ...observation, message: normaliseText(observation.message) } : observation;
    for (const entry of this.otherSignatures) {
      const { signature } = entry;
      if (signature.kind === 'event' && !involves(signature, normal)) continue;
      const reading = read(signature, normal);
      if (reading?.state === 'bad') matched.push({ ...entry, summary: reading.summary });
    }
    if (matched.length > 0) this.record(matched, { file, line, text: clip(matched[0]!.summary) });
  }

  /** Hits in catalog order: by failure mode, then by the order of its signatures. */
  results(): Hit[] {
    const order = (h: Hit) => [this.scenarios.indexOf(h.scenario), h.scenario.signatures.indexOf(h.signature)] as const;
    return [...this.hits.values()].sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  }

  private record(matched: { scenario: Scenario; signature: FileSignature }[], evidence: Evidence): void {
    for (const { scenario, signature } of matched) {
      const key = `${scenario.id}\0${signature.id}`;
      let hit = this.hits.get(key);
      if (!hit) this.hits.set(key, (hit = { scenario, signature, evidence: [], total: 0 }));
      hit.total++;
      if (hit.evidence.length < MAX_EVIDENCE) hit.evidence.push(evidence);
    }
    const ids = [...new Set(matched.map((m) => m.scenario))].sort((a, b) => this.scenarios.indexOf(a) - this.scenarios.indexOf(b)).map((s) => s.id);
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const pair = `${ids[i]}\0${ids[j]}`;
        this.shared.set(pair, (this.shared.get(pair) ?? 0) + 1);
      }
    }
  }
}

/** An Event signature of the field table may name the kinds of object the Event must be about. */
function involves(signature: EventSignature & { involvedKinds?: RegExp }, observation: EventEntry | ConditionEntry): boolean {
  return !signature.involvedKinds || (observation.kind === 'event' && signature.involvedKinds.test(observation.object.kind));
}

/**
 * A failure mode's field signatures; a mode that has none yet (one added later) is read with its
 * own log, Event and condition signatures, less those that prove nothing outside a run.
 */
export function signaturesToRead(scenario: Scenario): readonly FileSignature[] {
  return fieldSignaturesOf(scenario.id) ?? scenario.signatures.filter(readableFromFiles).filter((s) => !(s.id in RUN_ONLY));
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

/**
 * The scanner's side of the signatures: one regex of every pattern's best required words, then
 * the full word check. A case-insensitive pattern makes the regex case-insensitive: a superset,
 * which the word check narrows again. The regex runs over Latin-1 text, so a word with
 * non-ASCII characters is written as its UTF-8 bytes.
 *
 * A pattern can match only a line holding one of its best words, so the word check tries only the
 * signatures whose best words the regex found in the line (or that a found word contains: the
 * alternation takes the longest word at a position, and the scanner looks for a match at every
 * position of the line). The other ~80 signatures are never looked at for that line.
 */
export function buildPrefilter(signatures: readonly { signature: LogSignature; clauses: Clauses }[]): Prefilter {
  const best = signatures.map(({ signature }) => requiredWords(signature.pattern)?.map(latin1));
  if (best.some((b) => b === undefined)) return { regex: undefined, accepts: () => true };
  // a case-insensitive pattern's words are spelt case-insensitively inside a case-sensitive
  // regex (`[rR][eE]…`): one such pattern must not slow the whole alternation down
  const words = new Map<string, boolean>();
  signatures.forEach(({ signature }, i) => {
    for (const w of best[i]!) words.set(signature.pattern.ignoreCase ? w.toLowerCase() : w, signature.pattern.ignoreCase || (words.get(w) ?? false));
  });
  // lines naming a KIC or Kong version pass too, for "what to do next"
  for (const w of VERSION_WORDS) if (!words.has(w)) words.set(w, false);
  const alternatives = [...words].sort(([a], [b]) => b.length - a.length).map(([w, anyCase]) => (anyCase ? anyCaseSource(w) : escapeRegExp(w)));
  const regex = new RegExp(alternatives.join('|'), 'g');
  const contains = (word: string, anyCase: boolean, b: string, bAnyCase: boolean) => (anyCase || bAnyCase ? word.toLowerCase().includes(b.toLowerCase()) : word.includes(b));
  const candidates = new Map<string, (typeof signatures)[number][]>();
  for (const [word, anyCase] of words) {
    candidates.set(word, signatures.filter(({ signature }, i) => best[i]!.some((b) => contains(word, anyCase, b, Boolean(signature.pattern.ignoreCase)))));
  }
  const versions = new Set(VERSION_WORDS);
  const accepts = (line: string, found: readonly string[]): boolean => {
    let lower: string | undefined;
    const tried = new Set<(typeof signatures)[number]>();
    for (const f of found) {
      if (versions.has(f)) return true;
      for (const s of candidates.get(f) ?? candidates.get(f.toLowerCase()) ?? []) {
        if (tried.has(s)) continue;
        tried.add(s);
        if (wordsPresent(s, line, s.signature.pattern.ignoreCase ? (lower ??= line.toLowerCase()) : undefined)) return true;
      }
    }
    return false;
  };
  return { regex, accepts };
}

/** `[rR][eE]…`: the word in any case, for a regex without the i flag. */
function anyCaseSource(word: string): string {
  return [...word].map((c) => (c.toLowerCase() === c.toUpperCase() ? escapeRegExp(c) : `[${c.toLowerCase()}${c.toUpperCase()}]`)).join('');
}

function latin1(word: string): string {
  return Buffer.from(word, 'utf8').toString('latin1');
}

/** Every clause of the signature has one of its words in the line (lower-cased for /i patterns). */
function wordsPresent({ signature, clauses }: { signature: LogSignature; clauses: Clauses }, line: string, lower?: string): boolean {
  const haystack = signature.pattern.ignoreCase ? (lower ?? line.toLowerCase()) : line;
  return clauses.every((clause) => clause.some((word) => haystack.includes(word)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
