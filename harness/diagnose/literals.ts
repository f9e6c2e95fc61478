/**
 * The words a regex cannot match without: for a pattern, a set of literal strings such that
 * every line it matches contains at least one of them. Scanning a file for these words first
 * is what lets diagnose skip the full regex (and JSON parsing) on almost every line.
 *
 * A "word" here never holds a character that a log wrapper can change: JSON escapes `"`, `\`,
 * `/` and control characters, logMessage joins JSON fields as `key=value` with spaces, and its
 * normalisation turns escapes into spaces and typographic quotes into `"` and `'`. So a word
 * found in the raw line is also what the signature sees after unwrapping, and the reverse.
 */

/** Characters that may differ between the raw line and its unwrapped message. */
function wordChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 0x20 && code < 0x7f && c !== '"' && c !== "'" && c !== '\\' && c !== '=' && c !== '/';
}

/**
 * Words a match needs, as clauses: every clause must have one of its words in the line. A
 * pattern with no clause needs no particular word.
 */
export type Clauses = string[][];

interface Parsed {
  clauses: Clauses;
  end: number;
}

const ESCAPED_CLASSES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'p', 'P', 'k']);
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };

export function requiredClauses(pattern: RegExp): Clauses {
  try {
    return alternation(pattern.source, 0).clauses;
  } catch {
    return [];
  }
}

/**
 * The clause that lets the fewest lines through (its shortest word is the longest, a word every
 * healthy KIC and Kong log is full of counting as short), for the scanner's first pass; undefined
 * when the pattern needs no word, and every line is read.
 */
export function requiredWords(pattern: RegExp): string[] | undefined {
  return best(requiredClauses(pattern));
}

/** Words of healthy lines: KIC logs `configuration` with every sync, Kong `kong` and `request` everywhere. */
const COMMON = new Set(['configuration', 'config', 'kong', 'error', 'failed', 'request', 'status', 'update', 'message']);

function best(clauses: Clauses): string[] | undefined {
  // a common word as good as a three-letter one: still better than `to`
  const score = (c: string[]) => Math.min(...c.map((w) => (COMMON.has(w.toLowerCase()) ? Math.min(3, w.length) : w.length)));
  return clauses.reduce<string[] | undefined>((a, c) => (a === undefined || score(c) > score(a) ? c : a), undefined);
}

/** (a ∧ b) ∨ (a ∧ c) needs a, and one of b's or c's best words: no CNF blow-up, still sound. */
function alternation(src: string, start: number): Parsed {
  const branches: Clauses[] = [];
  let i = start;
  for (;;) {
    const branch = sequence(src, i);
    branches.push(branch.clauses);
    i = branch.end;
    if (src[i] !== '|') break;
    i++;
  }
  if (branches.length === 1) return { clauses: branches[0]!, end: i };
  if (branches.some((b) => b.length === 0)) return { clauses: [], end: i };
  const key = (c: string[]) => [...c].sort().join('\0');
  const common = branches[0]!.filter((c) => branches.every((b) => b.some((d) => key(d) === key(c))));
  const either = [...new Set(branches.flatMap((b) => best(b)!))];
  return { clauses: [...common, either], end: i };
}

function sequence(src: string, start: number): Parsed {
  const clauses: Clauses = [];
  let word = '';
  const flush = () => {
    if (word !== '') clauses.push([word]);
    word = '';
  };
  let i = start;
  while (i < src.length && src[i] !== '|' && src[i] !== ')') {
    const atom = parseAtom(src, i);
    const q = quantifier(src, atom.end);
    i = q.end;
    if (atom.kind === 'char' && wordChar(atom.char)) {
      if (q.min === 0) {
        flush();
      } else {
        word += atom.char;
        if (q.max !== 1) flush();
      }
    } else {
      flush();
      if (atom.kind === 'group' && q.min > 0) clauses.push(...atom.clauses);
    }
  }
  flush();
  return { clauses, end: i };
}

type Atom = { kind: 'char'; char: string; end: number } | { kind: 'group'; clauses: Clauses; end: number } | { kind: 'other'; end: number };

function parseAtom(src: string, i: number): Atom {
  const c = src[i]!;
  if (c === '\\') {
    const next = src[i + 1] ?? '';
    if (ESCAPED_CLASSES.has(next)) return { kind: 'other', end: next === 'p' || next === 'P' || next === 'k' ? skipBraces(src, i + 2) : i + 2 };
    if (/[1-9]/.test(next)) return { kind: 'other', end: i + 2 };
    if (next === 'x') return { kind: 'char', char: String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16)), end: i + 4 };
    if (next === 'u') return { kind: 'char', char: String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16)), end: i + 6 };
    if (next === 'c') return { kind: 'other', end: i + 3 };
    return { kind: 'char', char: CONTROL_ESCAPES[next] ?? next, end: i + 2 };
  }
  if (c === '[') {
    let j = i + 1;
    if (src[j] === '^') j++;
    if (src[j] === ']') j++;
    while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
    return { kind: 'other', end: j + 1 };
  }
  if (c === '(') {
    let j = i + 1;
    // a negative lookaround needs nothing; a positive one (`(?=.*kind\W{0,4}plugin\b)`) needs
    // its words in the line as much as the pattern's own text does
    let negative = false;
    if (src[j] === '?') {
      const head = src.slice(j, j + 4);
      if (head.startsWith('?:') || head.startsWith('?=')) j += 2;
      else if (head.startsWith('?!')) (negative = true), (j += 2);
      else if (head.startsWith('?<=')) j += 3;
      else if (head.startsWith('?<!')) (negative = true), (j += 3);
      else if (head.startsWith('?<')) j = src.indexOf('>', j) + 1;
    }
    const inner = alternation(src, j);
    if (src[inner.end] !== ')') throw new Error('unbalanced group');
    return negative ? { kind: 'other', end: inner.end + 1 } : { kind: 'group', clauses: inner.clauses, end: inner.end + 1 };
  }
  if (c === '.' || c === '^' || c === '$') return { kind: 'other', end: i + 1 };
  return { kind: 'char', char: c, end: i + 1 };
}

function skipBraces(src: string, i: number): number {
  return src[i] === '{' ? src.indexOf('}', i) + 1 : i;
}

function quantifier(src: string, i: number): { min: number; max: number; end: number } {
  const c = src[i];
  let q: { min: number; max: number; end: number };
  if (c === '?') q = { min: 0, max: 1, end: i + 1 };
  else if (c === '*') q = { min: 0, max: Infinity, end: i + 1 };
  else if (c === '+') q = { min: 1, max: Infinity, end: i + 1 };
  else if (c === '{' && /^\{\d+(,\d*)?\}/.test(src.slice(i))) {
    const close = src.indexOf('}', i);
    const [lo, hi] = src.slice(i + 1, close).split(',');
    q = { min: Number(lo), max: hi === undefined ? Number(lo) : hi === '' ? Infinity : Number(hi), end: close + 1 };
  } else return { min: 1, max: 1, end: i };
  if (src[q.end] === '?') q.end++;
  return q;
}
