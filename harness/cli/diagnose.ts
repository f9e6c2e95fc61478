import { scenarios } from '../../scenarios/index.ts';
import { diagnoseFiles } from '../diagnose/diagnose.ts';
import { formatReport } from '../diagnose/report.ts';
import { UserError } from '../errors.ts';

/**
 * `diagnose <file...>`: which catalog failure modes the user's logs, events and objects show.
 * Exit 0 whenever it ran, matches or not; bad input throws UserError (exit 2).
 */
export async function diagnose(files: string[], json: boolean): Promise<number> {
  if (files.length === 0) throw new UserError('diagnose needs at least one file: KIC or Kong logs, `kubectl get events -o json|yaml`, Gateway objects');
  const report = await diagnoseFiles(files, scenarios);
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
  return 0;
}
