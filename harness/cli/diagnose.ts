import { scenarios } from '../../scenarios/index.ts';
import { diagnoseFiles } from '../diagnose/diagnose.ts';
import { formatReport } from '../diagnose/report.ts';
import { UserError } from '../errors.ts';

/**
 * `diagnose <file...>`: which catalog failure modes the user's logs, events and objects show.
 * Exit 0 when every file was read, matches or not. A file that cannot be read is skipped with
 * one line on stderr and the others are diagnosed; the exit code is then 2 (bad input), so a
 * script sees that the report covers less than it asked for. No readable file: UserError, exit 2.
 */
export async function diagnose(files: string[], json: boolean): Promise<number> {
  if (files.length === 0) throw new UserError('diagnose needs at least one file: KIC or Kong logs, `kubectl get events -o json|yaml`, Gateway objects');
  const report = await diagnoseFiles(files, scenarios);
  for (const { reason } of report.skipped) console.error(`kong-chaos: skipped ${reason}`);
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.skipped.length > 0 ? 2 : 0;
}
