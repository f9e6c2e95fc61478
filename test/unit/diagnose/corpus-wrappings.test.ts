import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { loadCorpus, modesOf, type CorpusLine } from '../../../harness/diagnose/corpus.ts';
import { scenarios } from '../../../scenarios/index.ts';

const CORPUS = fileURLToPath(new URL('../../fixtures/diagnose/corpus.yaml', import.meta.url));

/** The same line as it reaches an SRE through the tools that carry logs, each in its documented shape. */
const WRAPPERS: Record<string, (line: string) => string> = {
  // kubectl logs --prefix: `[pod/<pod>/<container>] ` (a container name the chart does not use)
  'kubectl logs --prefix': (l) => `[pod/edge-gw-7f9c6d5b4-q8w2e/app] ${l}`,
  // kubectl logs --timestamps: RFC 3339 with nanoseconds, then a space
  'kubectl logs --timestamps': (l) => `2025-06-02T09:00:33.402113991Z ${l}`,
  // the kubelet's CRI log file (/var/log/pods, /var/log/containers): `<time> <stream> <F|P> <line>`
  'CRI log file': (l) => `2025-06-02T09:00:33.402113991Z stderr F ${l}`,
  // docker's json-file log driver: the line with its newline under `log`
  'docker json-file': (l) => JSON.stringify({ log: `${l}\n`, stream: 'stderr', time: '2025-06-02T09:00:33.402113991Z' }),
  // a log shipper's JSON document (the line under `message`, as Filebeat and Vector write it)
  'shipper JSON': (l) => JSON.stringify({ '@timestamp': '2025-06-02T09:00:33.402Z', message: l, kubernetes: { container: { name: 'app' } } }),
  // docker compose v2: `<service>-<n>  | `
  'docker compose': (l) => `gateway-1  | ${l}`,
  // syslog (RFC 3164 header), as journald and rsyslog forward a container's output
  syslog: (l) => `Jun  2 09:00:33 node-3 kong[2381]: ${l}`,
  // the line as a quoted field of another line (logfmt `error="…"`): one more layer of `\"`
  'quoted in logfmt': (l) => `level=error ts=2025-06-02T09:00:33Z msg="sync failed" error="${l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
  // chat and forum software: typographic quotes
  'chat paste': (l) => {
    let n = 0;
    return l.replace(/"/g, () => (n++ % 2 === 0 ? '\u201c' : '\u201d')).replace(/'/g, '\u2019');
  },
  // a paste that turned the zap console's tabs into spaces
  'tabs as spaces': (l) => l.replace(/\t/g, '    '),
  // a file saved on Windows
  CRLF: (l) => `${l}\r`,
};

const CLEAN = new Set(['healthy', 'near-miss']);

describe('diagnose: a line found bare is found in every wrapping people paste it in', () => {
  for (const [name, wrap] of Object.entries(WRAPPERS)) {
    it(`${name}: every corpus line keeps its failure mode, and a healthy or near-miss line gets none`, async () => {
      const lost: string[] = [];
      for (const group of await loadCorpus(CORPUS)) {
        for (const entry of group.lines.filter((l) => l.reason === undefined)) {
          const labels = [entry.label].flat();
          const clean = labels.every((l) => CLEAN.has(l));
          const got = modesOf({ ...entry, line: wrap(entry.line) } satisfies CorpusLine, scenarios);
          const ok = clean ? got.length === 0 : labels.some((l) => got.includes(l));
          if (!ok) lost.push(`${labels.join(',')} → [${got.join(',')}]: ${entry.line}`);
        }
      }
      expect(lost).to.deep.equal([]);
    });
  }
});
