import { UserError } from '../errors.ts';
import type { Scenario } from '../runner/scenario.ts';
import { readDocumentObservations } from './documents.ts';
import { isDocument } from './format.ts';
import { Matcher } from './match.ts';
import { openInput, readDocument, utf8Chunks, type Input } from './reader.ts';
import { buildReport, type DiagnoseReport, type ScannedFile, type SkippedFile } from './report.ts';
import { scanLines } from './scan.ts';

/** YAML/JSON documents are parsed whole; a larger one is skipped (logs have no limit). */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/**
 * Matches the files a user collected (logs, `kubectl get events`, Gateway objects, `kubectl
 * describe` output, pasted fragments) against the failure modes' field signatures. A file that
 * cannot be read (missing, empty, binary, a document too large to parse) is skipped with its reason and the others are still
 * diagnosed; only when none can be read is that a UserError. A file that looks like a document
 * but does not parse as one, or holds no Event or condition, is read as lines.
 */
export async function diagnoseFiles(files: readonly string[], scenarios: readonly Scenario[]): Promise<DiagnoseReport> {
  const inputs: Input[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    try {
      const input = await openInput(file);
      // parsed whole, so refused beyond the limit (the message says so) rather than read for minutes as lines
      if (isDocument(input.head) && input.size > MAX_DOCUMENT_BYTES) await readDocument(input, MAX_DOCUMENT_BYTES);
      inputs.push(input);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      skipped.push({ file, reason: error.message });
    }
  }
  if (inputs.length === 0) throw new UserError(skipped.map((s) => s.reason).join('; '));
  const matcher = new Matcher(scenarios);
  const scanned: ScannedFile[] = [];
  for (const input of inputs) {
    const asDocument = isDocument(input.head) ? await documentObservations(input) : { located: [] };
    if (asDocument.located.length > 0) {
      for (const { line, observation } of asDocument.located) matcher.readObservation(input.file, line, observation);
      scanned.push({ file: input.file, kind: 'document', count: asDocument.located.length });
      continue;
    }
    const lines = await scanLines(utf8Chunks(input, { reuse: true }), matcher.prefilter, (line, bytes) => matcher.readLine(input.file, line, bytes.toString('utf8')));
    scanned.push({ file: input.file, kind: 'log', count: lines, ...(asDocument.note ? { note: asDocument.note } : {}) });
  }
  return buildReport(matcher, scanned, skipped);
}

/** The document's Events and conditions; none, with why, when it does not parse. */
async function documentObservations(input: Input): Promise<{ located: Awaited<ReturnType<typeof readDocumentObservations>>; note?: string }> {
  try {
    return { located: await readDocumentObservations(input.file, await readDocument(input, MAX_DOCUMENT_BYTES)) };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { located: [], note: `${error.message.replace(`${input.file}: `, '')}; read as lines` };
  }
}
