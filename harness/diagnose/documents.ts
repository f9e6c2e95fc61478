import { isCollection, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { UserError } from '../errors.ts';
import type { ConditionEntry, EventEntry, ObjectRef } from '../evidence/types.ts';
import { toKubeEvent, type RawEvent } from '../k8s/event-shape.ts';
import { conditionEntries, ingressPublished } from '../probes/condition-entries.ts';

/** An observation read from a YAML or JSON document, with the line it starts on. */
export interface Located {
  line: number;
  observation: EventEntry | ConditionEntry;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

type Raw = Record<string, unknown>;

/**
 * The Events and status conditions in `kubectl get ... -o yaml|json` output: one object, a List,
 * a bare array or several YAML documents. Events become event observations; any object with
 * status conditions (a Gateway's per-listener ones included) becomes condition observations, and
 * an Ingress its synthetic `Published` condition, exactly as the run's probes record them.
 */
export async function readDocumentObservations(file: string, text: string): Promise<Located[]> {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(docs)) return [];
  const out: Located[] = [];
  const lineOf = (node: unknown, fallback: number): number => {
    const range = (node as Node | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : fallback;
  };

  const visit = (value: unknown, node: unknown, fallback: number): void => {
    const line = lineOf(node, fallback);
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, childNode(node, i), line));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Raw;
    if (Array.isArray(object['items'])) {
      visit(object['items'], childNode(node, 'items'), line);
      return;
    }
    // only a Gateway's status has listeners: a `status:` fragment pasted without its object is one
    const kind = typeof object['kind'] === 'string' ? object['kind'] : isGatewayStatus(object['status']) ? 'Gateway' : '';
    if (kind === 'Event') {
      const e = toKubeEvent(asCoreEvent(object));
      out.push({ line, observation: { kind: 'event', at: e.at, type: e.type, reason: e.reason, message: e.message, object: e.object, count: e.count } });
      return;
    }
    const metadata = (object['metadata'] ?? {}) as { name?: string; namespace?: string };
    const ref: ObjectRef = { kind, name: metadata.name ?? '', ...(metadata.namespace ? { namespace: metadata.namespace } : {}) };
    const status = (object['status'] ?? {}) as { conditions?: Condition[]; listeners?: { name: string; conditions?: Condition[] }[] };
    const statusNode = childNode(node, 'status');
    const push = (entries: ConditionEntry[], conditionsNode: unknown) =>
      entries.forEach((observation, i) => out.push({ line: lineOf(childNode(conditionsNode, i), line), observation }));
    if (Array.isArray(status.conditions)) push(conditionEntries(0, ref, undefined, status.conditions), childNode(statusNode, 'conditions'));
    (Array.isArray(status.listeners) ? status.listeners : []).forEach((l, j) => {
      const conditionsNode = childNode(childNode(childNode(statusNode, 'listeners'), j), 'conditions');
      if (Array.isArray(l.conditions)) push(conditionEntries(0, ref, `listener/${l.name}`, l.conditions), conditionsNode);
    });
    if (kind === 'Ingress') out.push({ line: lineOf(statusNode, line), observation: ingressPublished(0, ref, object['status']) });
  };

  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) throw new UserError(`${file}: not valid YAML or JSON at line ${error.linePos?.[0].line ?? '?'}: ${error.message.split('\n')[0]}`);
    visit(doc.toJS({ maxAliasCount: 100 }), (doc as Document).contents, 1);
  }
  return out;
}

function isGatewayStatus(status: unknown): boolean {
  return typeof status === 'object' && status !== null && Array.isArray((status as Raw)['listeners']);
}

function childNode(node: unknown, key: string | number): unknown {
  return isCollection(node) ? node.get(key, true) : undefined;
}

/** events.k8s.io/v1 names the fields differently from core/v1; toKubeEvent reads core/v1. */
function asCoreEvent(object: Raw): RawEvent {
  if (object['message'] !== undefined || object['involvedObject'] !== undefined) return object as RawEvent;
  return {
    ...(object as RawEvent),
    ...(typeof object['note'] === 'string' ? { message: object['note'] } : {}),
    ...(object['regarding'] ? { involvedObject: object['regarding'] as RawEvent['involvedObject'] } : {}),
    ...(typeof object['deprecatedCount'] === 'number' ? { count: object['deprecatedCount'] } : {}),
  };
}
