import { Writable, finished, type Readable } from 'node:stream';
import { Log } from '@kubernetes/client-node';
import { describe } from './api-error.ts';
import type { Kube } from './client.ts';
import { LineSplitter } from './lines.ts';
import { keepStreaming, runStream, type StreamOptions } from './stream.ts';

export interface ContainerRef {
  namespace: string;
  pod: string;
  container: string;
}

export interface TimestampedLine {
  /** as the kubelet wrote it; handed back as sinceTime on reconnect */
  timestamp: string;
  /** fixed-width UTC form, ordered like the instants it names */
  sortKey: string;
  at: number;
  text: string;
}

const rfc3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/** Splits the kubelet's "<RFC3339Nano> <text>" (timestamps=true); undefined if the line has no timestamp. */
export function splitTimestamp(line: string): TimestampedLine | undefined {
  const space = line.indexOf(' ');
  const timestamp = space === -1 ? line : line.slice(0, space);
  const match = rfc3339.exec(timestamp);
  if (match === null) return undefined;
  // RFC3339Nano drops trailing zeros, so the raw strings do not sort; padded ones do.
  const sortKey = `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}Z`;
  return { timestamp, sortKey, at: Date.parse(timestamp), text: space === -1 ? '' : line.slice(space + 1) };
}

/**
 * Follows a container's log until the signal aborts, calling onLine with each line and the
 * kubelet's timestamp for it. A dropped stream is reopened from the last timestamp seen;
 * the server repeats lines from that second on, and those already delivered are skipped.
 */
export function streamLogs(
  kube: Kube,
  { namespace, pod, container }: ContainerRef,
  onLine: (line: string, atEpochMs: number) => void,
  options: StreamOptions,
): Promise<void> {
  const log = new Log(kube.config);
  let last: TimestampedLine | undefined;
  let textsAtLast = new Set<string>();
  let replaying = false;

  const handle = (raw: string): void => {
    const line = splitTimestamp(raw);
    if (line === undefined) {
      onLine(raw, Date.now());
      return;
    }
    if (replaying && last !== undefined) {
      const older = line.sortKey < last.sortKey;
      if (older || (line.sortKey === last.sortKey && textsAtLast.has(line.text))) return;
    }
    replaying = false;
    if (line.sortKey !== last?.sortKey) textsAtLast = new Set();
    last = line;
    textsAtLast.add(line.text);
    onLine(line.text, line.at);
  };

  return keepStreaming(
    `log stream ${namespace}/${pod}/${container}`,
    (opened, signal) => {
      replaying = last !== undefined;
      const splitter = new LineSplitter(handle);
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          splitter.write(chunk);
          done();
        },
      });
      return runStream(
        (end) => {
          // Log pipes the response into the sink and says nothing when it breaks; the source does.
          sink.once('pipe', (source: Readable) =>
            finished(source, (error) => {
              if (error) splitter.discard();
              else splitter.flush();
              end(error ? describe(error) : 'ended by the server');
            }),
          );
          const since = last === undefined ? {} : { sinceTime: last.timestamp };
          return log.log(namespace, pod, container, sink, { follow: true, timestamps: true, ...since });
        },
        opened,
        signal,
      );
    },
    options,
  );
}
