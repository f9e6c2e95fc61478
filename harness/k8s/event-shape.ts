/** The shape of a core/v1 Event as the harness uses it; pure, so offline readers (diagnose) need no API client. */

/** A core/v1 Event reduced to what a timeline or a signature needs. */
export interface KubeEvent {
  /** epoch ms of the latest occurrence */
  at: number;
  type: string;
  reason: string;
  message: string;
  object: { kind: string; name: string; namespace?: string };
  count: number;
}

/** Raw events come as JSON from the watch and as deserialized objects (Dates) from the list. */
export interface RawEvent {
  metadata?: { uid?: string; name?: string; creationTimestamp?: unknown };
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  count?: number;
  series?: { count?: number; lastObservedTime?: unknown };
  lastTimestamp?: unknown;
  eventTime?: unknown;
}

export function toKubeEvent(raw: RawEvent): KubeEvent {
  const involved = raw.involvedObject ?? {};
  return {
    at: atOf(raw),
    type: raw.type ?? '',
    reason: raw.reason ?? '',
    message: raw.message ?? '',
    object: {
      kind: involved.kind ?? '',
      name: involved.name ?? '',
      ...(involved.namespace === undefined ? {} : { namespace: involved.namespace }),
    },
    count: countOf(raw),
  };
}

export function countOf(raw: RawEvent): number {
  return raw.count ?? raw.series?.count ?? 1;
}

export function atOf(raw: RawEvent): number {
  for (const candidate of [raw.lastTimestamp, raw.series?.lastObservedTime, raw.eventTime, raw.metadata?.creationTimestamp]) {
    const ms = candidate instanceof Date ? candidate.getTime() : typeof candidate === 'string' ? Date.parse(candidate) : NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return Date.now();
}
