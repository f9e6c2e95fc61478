import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLine } from '../errors.ts';
import type { Redactor } from '../evidence/redact.ts';
import type { Cluster } from '../cluster/provider.ts';
import type { AdminClient } from '../kong/admin.ts';
import { exportLogs } from '../tools/kind.ts';
import { describeNamespace, getEventsJson } from '../tools/kubectl.ts';

export interface DiagnosticsDeps {
  dir: string;
  cluster: Cluster;
  namespaces: string[];
  admin?: AdminClient;
  redactor: Redactor;
  signal?: AbortSignal;
}

/** Fields of Kong entities that hold credentials; their values never reach a file (`key_alt`: a certificate's second private key). */
const SECRET_FIELD = /pass(word)?|secret|token|^key$|_key$|^key_alt$|credential|private|authorization|^api_?key$/i;
/** A header written as `Name:value` (request-transformer, http-log headers) whose value is a credential. */
const SECRET_HEADER = /^\s*((?:proxy-)?authorization|x-api-key|apikey|api-key|cookie)\s*:/i;

export function redactFields(value: unknown): unknown {
  if (typeof value === 'string') {
    const header = SECRET_HEADER.exec(value);
    return header ? `${header[1]}:[redacted]` : value;
  }
  if (Array.isArray(value)) return value.map(redactFields);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) && holdsValues(v) ? '[redacted]' : redactFields(v)]));
  }
  return value;
}

/** A scalar or a list of scalars: a secret's value itself, not a collection of entities to look into. */
function holdsValues(v: unknown): boolean {
  if (v === null) return false;
  return Array.isArray(v) ? v.every((x) => x === null || typeof x !== 'object') : typeof v !== 'object';
}

const ADMIN_DUMP = ['/status', '/services', '/routes', '/plugins', '/upstreams', '/consumers', '/certificates'];

/**
 * Everything a person needs to see why a run did not pass, written into the run directory:
 * kind's node logs, `kubectl describe` and Events per namespace, and an Admin API dump with
 * credentials redacted. Each collector runs on its own; one failing is noted, not fatal.
 */
export async function collectDiagnostics(d: DiagnosticsDeps): Promise<string[]> {
  const dir = join(d.dir, 'diagnostics');
  mkdirSync(dir, { recursive: true });
  const problems: string[] = [];
  const write = (name: string, text: string) => writeFileSync(join(dir, name), d.redactor.apply(text));
  const attempt = async (what: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (error) {
      problems.push(`${what}: ${oneLine(error)}`);
    }
  };
  if (d.cluster.kindName) await attempt('kind export logs', () => exportLogs(d.cluster.kindName!, join(dir, 'kind-logs'), { signal: d.signal, ...(d.cluster.kindBinary ? { binary: d.cluster.kindBinary } : {}) }));
  for (const ns of d.namespaces) {
    await attempt(`describe ${ns}`, async () => write(`describe-${ns}.txt`, await describeNamespace(ns, d.cluster, { signal: d.signal })));
    await attempt(`events ${ns}`, async () => write(`events-${ns}.json`, JSON.stringify(await getEventsJson(ns, d.cluster, { signal: d.signal }), null, 2)));
  }
  if (d.admin) {
    const dump: Record<string, unknown> = {};
    for (const path of ADMIN_DUMP) {
      await attempt(`Admin API ${path}`, async () => {
        dump[path] = redactFields(path === '/status' ? await d.admin!.status() : await d.admin!.list(path));
      });
    }
    write('admin-api.json', JSON.stringify(dump, null, 2));
  }
  if (problems.length) write('problems.txt', problems.join('\n') + '\n');
  return problems;
}
