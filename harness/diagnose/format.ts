import type { Component } from '../evidence/types.ts';

/**
 * Which part of a Kong install wrote a line, from its wrapping: KIC logs through zap (JSON or
 * the tab-separated console encoder), through logrus (`time="..." level=... msg=...`, KIC 1.x/2.x)
 * or through klog (`E1016 17:48:00.868987 5 controller.go:130] ...`, KIC 0.x); Kong writes nginx
 * error-log lines (`2025/05/19 08:01:02 [notice] 1281#0: *7 ...`). A line of unknown shape
 * could be either, so both components read it.
 */
export type LineFormat = 'kic-json' | 'kic-console' | 'kic-logfmt' | 'klog' | 'nginx' | 'unknown';

export interface ClassifiedLine {
  format: LineFormat;
  components: readonly Component[];
  /** the line without a `kubectl logs --prefix` / `--timestamps` prefix */
  body: string;
}

const BOTH: readonly Component[] = ['controller', 'gateway'];
const CONTROLLER: readonly Component[] = ['controller'];
const GATEWAY: readonly Component[] = ['gateway'];

const KUBECTL_PREFIX = /^\[pod\/[^/\]\s]+\/([^\]\s]+)\] /;
const KUBECTL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z (?=\S)/;
const ZAP_CONSOLE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})\t(?:debug|info|warn|error|dpanic|panic|fatal|Level\(-?\d+\))\t/;
const LOGRUS = /^time="[^"]*" level=\w+ /;
const KLOG = /^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [^\]\s]+\] /;
const NGINX = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[(?:debug|info|notice|warn|error|crit|alert|emerg)\] /;
const ZAP_JSON = /^\{.*"(?:msg|logger)"\s*:/;

/** kubectl's container names in the Kong charts: `proxy` is Kong, `ingress-controller` is KIC. */
function containerComponents(container: string): readonly Component[] | undefined {
  if (container === 'proxy') return GATEWAY;
  if (container === 'ingress-controller' || container === 'controller') return CONTROLLER;
  return undefined;
}

export function classifyLine(line: string): ClassifiedLine {
  let body = line;
  let fromContainer: readonly Component[] | undefined;
  const prefix = KUBECTL_PREFIX.exec(body);
  if (prefix) {
    fromContainer = containerComponents(prefix[1]!);
    body = body.slice(prefix[0].length);
  }
  if (!ZAP_CONSOLE.test(body)) body = body.replace(KUBECTL_TIMESTAMP, '');
  const trimmed = body.trimStart();
  const format: LineFormat = ZAP_JSON.test(trimmed)
    ? 'kic-json'
    : ZAP_CONSOLE.test(trimmed)
      ? 'kic-console'
      : LOGRUS.test(trimmed)
        ? 'kic-logfmt'
        : KLOG.test(trimmed)
          ? 'klog'
          : NGINX.test(trimmed)
            ? 'nginx'
            : 'unknown';
  const byFormat = format === 'unknown' ? BOTH : format === 'nginx' ? GATEWAY : CONTROLLER;
  return { format, components: fromContainer ?? byFormat, body };
}

/**
 * Whether a file is a log (read line by line) or one YAML/JSON document (events, Gateways):
 * decided from its start. A JSON log has a whole object on its first line; a `kubectl -o json`
 * document spreads its first object over many lines, or names an apiVersion and kind.
 */
export function isDocument(head: string): boolean {
  const lines = head.split('\n').map((l) => l.replace(/\r$/, ''));
  const first = lines.find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (first === undefined) return false;
  const t = first.trimStart();
  if (/^(?:---|%YAML|apiVersion:|kind:|items:|metadata:|status:)/.test(t)) return true;
  if (t.startsWith('[')) return !KUBECTL_PREFIX.test(t) && /^\[\s*(?:\{|\]|$)/.test(t);
  if (!t.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(t);
    return typeof value === 'object' && value !== null && 'apiVersion' in value && 'kind' in value;
  } catch {
    // `{` alone, or the first line of a pretty-printed object
    return !ZAP_JSON.test(t) || t === '{';
  }
}
