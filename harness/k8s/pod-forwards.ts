import type { Kube } from './client.ts';
import { portForward, type Forward } from './portforward.ts';

/**
 * Port-forwards to single pods, opened on first use and kept for later rounds: the way to reach
 * one pod from the host whatever the platform (kind pod IPs are not routable from a macOS host).
 * A forward that failed to open is forgotten, so the next round tries again.
 */
export class PodForwards {
  private readonly open = new Map<string, { pod: string; forward: Promise<Forward> }>();

  constructor(
    private readonly kube: Kube,
    private readonly namespace: string,
  ) {}

  /** `http://127.0.0.1:<local port>` reaching `port` of `pod`. */
  async url(pod: string, port: number): Promise<string> {
    const key = `${pod}:${port}`;
    let entry = this.open.get(key);
    if (!entry) {
      entry = { pod, forward: portForward(this.kube, { namespace: this.namespace, pod, remotePort: port }) };
      this.open.set(key, entry);
    }
    try {
      return `http://127.0.0.1:${(await entry.forward).localPort}`;
    } catch (error) {
      this.open.delete(key);
      throw error;
    }
  }

  /** Closes the forwards of every pod not named: pods that are gone. */
  async keepOnly(pods: readonly string[]): Promise<void> {
    const keep = new Set(pods);
    await this.closeWhere((pod) => !keep.has(pod));
  }

  close(): Promise<void> {
    return this.closeWhere(() => true);
  }

  private async closeWhere(drop: (pod: string) => boolean): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, { pod, forward }] of this.open) {
      if (!drop(pod)) continue;
      this.open.delete(key);
      closing.push(forward.then((f) => f.close(), () => undefined));
    }
    await Promise.all(closing);
  }
}
