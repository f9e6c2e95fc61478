import { Watch } from '@kubernetes/client-node';
import { describe } from './api-error.ts';
import type { Kube } from './client.ts';
import { listWithVersion } from './objects.ts';
import { atOf, countOf, toKubeEvent, type KubeEvent, type RawEvent } from './event-shape.ts';
import { keepStreaming, runStream, type StreamOptions } from './stream.ts';

/**
 * Follows the Events of a namespace until the signal aborts. Every (re)connect re-lists
 * first: that yields a resourceVersion the server still holds (so a 410 Gone heals) and
 * the events of the gap. Occurrences already delivered are not delivered again.
 */
export function watchEvents(kube: Kube, namespace: string, onEvent: (event: KubeEvent) => void, options: StreamOptions): Promise<void> {
  const seen = new Set<string>();
  const deliver = (raw: RawEvent): void => {
    const key = occurrenceKey(raw);
    if (seen.has(key)) return;
    seen.add(key);
    onEvent(toKubeEvent(raw));
  };
  const watch = new Watch(kube.config);
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;

  return keepStreaming(
    `event watch in ${namespace}`,
    async (opened, signal) => {
      const { items, resourceVersion } = await listWithVersion(kube, { apiVersion: 'v1', kind: 'Event', namespace });
      // A list comes in name order; the timeline wants time order.
      (items as RawEvent[]).map((raw) => ({ raw, at: atOf(raw) })).sort((a, b) => a.at - b.at).forEach(({ raw }) => deliver(raw));
      return runStream(
        (end) =>
          watch.watch(
            path,
            { resourceVersion, allowWatchBookmarks: true },
            (phase: string, object: unknown) => {
              if (phase === 'ADDED' || phase === 'MODIFIED') deliver(object as RawEvent);
              // The API server reports an expired resourceVersion as an ERROR carrying a Status (code 410).
              else if (phase === 'ERROR') end(statusText(object));
            },
            (error: unknown) => end(error ? describe(error) : 'closed by the API server'),
          ),
        opened,
        signal,
      );
    },
    options,
  );
}

/** An Event object is updated in place as it recurs; each count is a new occurrence. */
function occurrenceKey(raw: RawEvent): string {
  return `${raw.metadata?.uid ?? raw.metadata?.name}:${countOf(raw)}`;
}

function statusText(status: unknown): string {
  const { code, reason, message } = (status ?? {}) as { code?: number; reason?: string; message?: string };
  return `watch error ${code ?? ''} ${reason ?? ''}: ${message ?? 'no message'}`;
}
