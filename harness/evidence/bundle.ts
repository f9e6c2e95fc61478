import { closeSync, mkdirSync, openSync, readFileSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { Redactor } from './redact.ts';
import type { Observation, RunHeader } from './types.ts';

export const EVIDENCE_FILE = 'evidence.jsonl';

/**
 * Appends the timeline to `<dir>/evidence.jsonl` one line at a time with a synchronous write,
 * so that a crash or a kill leaves every observation made so far on disk, readable by `replay`.
 */
export class BundleWriter {
  private fd: number | undefined;
  readonly entries: Observation[] = [];

  constructor(readonly dir: string, header: RunHeader, private readonly redactor = new Redactor()) {
    mkdirSync(dir, { recursive: true });
    this.fd = openSync(join(dir, EVIDENCE_FILE), 'a');
    this.write(header);
  }

  append(o: Observation): void {
    this.entries.push(o);
    this.write(o);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private write(value: unknown): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, this.redactor.apply(JSON.stringify(value)) + '\n');
  }
}

export interface Bundle {
  header: RunHeader;
  observations: Observation[];
  /** what is missing or broken in the file, for `replay` to say before it judges */
  problems: string[];
}

export function readBundle(dir: string): Bundle {
  const file = join(dir, EVIDENCE_FILE);
  if (!existsSync(file)) throw new UserError(`${dir} is not a run directory: ${EVIDENCE_FILE} is missing`);
  return parseBundle(readFileSync(file, 'utf8'), dir);
}

export function parseBundle(text: string, where: string): Bundle {
  const lines = text.split('\n');
  const problems: string[] = [];
  const observations: Observation[] = [];
  let header: RunHeader | undefined;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(index === lines.length - 1 ? `the last line is cut short (the run was interrupted)` : `line ${index + 1} is not JSON`);
      return;
    }
    if (!isRecord(value) || typeof value.kind !== 'string' || typeof value.at !== 'number') {
      problems.push(`line ${index + 1} is not an evidence entry`);
    } else if (value.kind === 'run') {
      header ??= value as unknown as RunHeader;
    } else {
      observations.push(value as unknown as Observation);
    }
  });
  if (!header) throw new UserError(`${where} is not a kong-chaos bundle: no run header in ${EVIDENCE_FILE}`);
  return { header, observations, problems };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
