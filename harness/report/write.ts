import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVIDENCE_FILE } from '../evidence/bundle.ts';
import { renderRunReport, type Artifact, type RunReportInput } from './html.ts';

export const REPORT_FILE = 'report.html';

const DIAGNOSTICS_LABELS: [RegExp, string][] = [
  [/^describe-(.+)\.txt$/, 'kubectl describe of namespace $1'],
  [/^events-(.+)\.json$/, 'Kubernetes Events of namespace $1'],
  [/^admin-api\.json$/, 'Admin API dump, credentials redacted'],
  [/^problems\.txt$/, 'diagnostics that could not be collected'],
  [/^kind-logs$/, 'kind export logs (directory)'],
];

/**
 * The files of a run directory worth opening, in reading order. The kubeconfig is left out on
 * purpose: it holds the cluster's client credentials.
 */
export function listArtifacts(runDir: string): Artifact[] {
  const out: Artifact[] = [];
  const file = (path: string, label: string) => {
    if (existsSync(join(runDir, path))) out.push({ path, label });
  };
  file(EVIDENCE_FILE, 'the evidence timeline, one observation per line');
  file('result.json', 'outcome, verdict and symptoms');
  file('kind-config.yaml', 'the kind cluster configuration');
  for (const name of entries(runDir, 'helm').filter((n) => n.endsWith('.json'))) {
    out.push({ path: `helm/${name}`, label: `Helm values of release ${name.replace(/\.values\.json$|\.json$/, '')}` });
  }
  for (const name of entries(runDir, 'diagnostics')) {
    const isDir = statSync(join(runDir, 'diagnostics', name)).isDirectory();
    const known = DIAGNOSTICS_LABELS.find(([pattern]) => pattern.test(name));
    out.push({ path: `diagnostics/${name}${isDir ? '/' : ''}`, label: known ? name.replace(known[0], known[1]) : 'diagnostics' });
  }
  return out;
}

function entries(runDir: string, sub: string): string[] {
  const dir = join(runDir, sub);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Writes `<runDir>/report.html` with links to the artifacts present there; returns its path. */
export function writeRunReport(runDir: string, input: Omit<RunReportInput, 'artifacts'>): string {
  const path = join(runDir, REPORT_FILE);
  writeFileSync(path, renderRunReport({ ...input, artifacts: listArtifacts(runDir) }));
  return path;
}
