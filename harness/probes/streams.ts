import { setTimeout as sleep } from 'node:timers/promises';
import type { Component, Observation } from '../evidence/types.ts';
import type { Kube, KubeObject } from '../k8s/client.ts';
import { watchEvents } from '../k8s/events.ts';
import { streamLogs } from '../k8s/logs.ts';
import { list } from '../k8s/objects.ts';
import type { ComponentNames } from '../kong/names.ts';

const DISCOVERY_INTERVAL_MS = 2000;

/**
 * In DB mode the chart's `wait-for-db` init container runs `kong start` in a loop until the
 * database answers: migration and connection errors of a starting gateway appear there first.
 */
const GATEWAY_INIT_CONTAINERS = ['wait-for-db'];

interface ContainerStatus {
  name: string;
  state?: { running?: unknown };
}

/** The named containers of a pod that are running now, init containers included. */
export function followable(pod: KubeObject, names: readonly string[]): string[] {
  const status = (pod['status'] ?? {}) as { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
  return [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].filter((c) => names.includes(c.name) && c.state?.running).map((c) => c.name);
}

/**
 * Follows every container of the given components, including pods that appear later (a
 * restart, an upgrade, a new node), and the Events of the given namespaces, recording all of
 * it on the timeline. A pod that goes away has its stream closed on purpose, so that only a
 * stream that broke while its pod lived counts as a gap in the evidence.
 */
export class EvidenceStreams {
  private readonly following = new Map<string, AbortController>();
  private readonly stop = new AbortController();
  private readonly running: Promise<void>[] = [];

  constructor(
    private readonly kube: Kube,
    private readonly record: (o: Observation) => void,
    private readonly namespace: string,
    private readonly components: Record<Component, ComponentNames>,
  ) {}

  start(eventNamespaces: string[]): void {
    for (const ns of new Set(eventNamespaces)) {
      this.running.push(
        watchEvents(
          this.kube,
          ns,
          (e) => this.record({ kind: 'event', at: e.at, type: e.type, reason: e.reason, message: e.message, object: e.object, count: e.count }),
          { signal: this.stop.signal, onStream: (r) => this.record({ kind: 'stream', at: Date.now(), stream: `events ${ns}`, state: r.state, message: r.message }) },
        ),
      );
    }
    this.running.push(this.discoverLoop());
  }

  async close(): Promise<void> {
    this.stop.abort();
    for (const c of this.following.values()) c.abort();
    await Promise.allSettled(this.running);
  }

  private async discoverLoop(): Promise<void> {
    while (!this.stop.signal.aborted) {
      await this.discover().catch(() => undefined);
      await sleep(DISCOVERY_INTERVAL_MS, undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  private async discover(): Promise<void> {
    const live = new Set<string>();
    // in the single topology both components are containers of the same pods: list them once
    const podsBySelector = new Map<string, Promise<KubeObject[]>>();
    for (const [component, names] of Object.entries(this.components) as [Component, ComponentNames][]) {
      if (!podsBySelector.has(names.selector)) {
        podsBySelector.set(names.selector, list(this.kube, { apiVersion: 'v1', kind: 'Pod', namespace: this.namespace, labelSelector: names.selector }));
      }
      const pods = await podsBySelector.get(names.selector)!;
      for (const pod of pods) {
        for (const container of followable(pod, component === 'gateway' ? [names.container, ...GATEWAY_INIT_CONTAINERS] : [names.container])) {
          const key = `${pod.metadata.name}/${container}`;
          live.add(key);
          if (!this.following.has(key)) this.follow(component, pod.metadata.name, container, key);
        }
      }
    }
    for (const [key, controller] of this.following) {
      if (!live.has(key)) {
        controller.abort();
        this.following.delete(key);
      }
    }
  }

  private follow(component: Component, pod: string, container: string, key: string): void {
    const controller = new AbortController();
    this.following.set(key, controller);
    const stream = `logs ${key}`;
    this.running.push(
      streamLogs(
        this.kube,
        { namespace: this.namespace, pod, container },
        (line, at) => this.record({ kind: 'log', at, component, pod, container, line }),
        { signal: controller.signal, onStream: (r) => this.record({ kind: 'stream', at: Date.now(), stream, state: r.state, message: r.message }) },
      ),
    );
  }
}
