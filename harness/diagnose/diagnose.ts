import type { Scenario } from '../runner/scenario.ts';
import { readDocumentObservations } from './documents.ts';
import { isDocument } from './format.ts';
import { Matcher } from './match.ts';
import { openInput, readDocument, utf8Chunks, type Input } from './reader.ts';
import { buildReport, type DiagnoseReport, type ScannedFile } from './report.ts';
import { scanLines } from './scan.ts';

/** YAML/JSON documents are parsed whole; beyond this they are refused (logs have no limit). */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/**
 * Matches the files a user collected (logs, `kubectl get events`, Gateway objects) against the
 * signatures of the given failure modes. Every file is checked before any is read, so bad input
 * fails fast with a UserError and nothing half-done is reported.
 */
export async function diagnoseFiles(files: readonly string[], scenarios: readonly Scenario[]): Promise<DiagnoseReport> {
  const inputs: Input[] = [];
  for (const file of files) inputs.push(await openInput(file));
  const matcher = new Matcher(scenarios);
  const scanned: ScannedFile[] = [];
  for (const input of inputs) {
    if (isDocument(input.head)) {
      const located = await readDocumentObservations(input.file, await readDocument(input, MAX_DOCUMENT_BYTES));
      for (const { line, observation } of located) matcher.readObservation(input.file, line, observation);
      scanned.push({ file: input.file, kind: 'document', count: located.length });
    } else {
      const lines = await scanLines(utf8Chunks(input), matcher.prefilter, (line, bytes) => matcher.readLine(input.file, line, bytes.toString('utf8')));
      scanned.push({ file: input.file, kind: 'log', count: lines });
    }
  }
  return buildReport(matcher, scanned);
}
