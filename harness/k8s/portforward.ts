import { createServer, type AddressInfo, type Socket } from 'node:net';
import { PortForward } from '@kubernetes/client-node';
import { timeout } from '../timeouts.ts';
import type { Kube } from './client.ts';
import { list } from './objects.ts';
import { isPodReady } from './wait.ts';

export interface PortForwardTarget {
  namespace: string;
  pod: string;
  remotePort: number;
}

export interface Forward {
  localPort: number;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (a free port) and forwards each connection to the pod's port over
 * its own API server websocket, as kubectl port-forward does.
 */
export async function portForward(kube: Kube, { namespace, pod, remotePort }: PortForwardTarget): Promise<Forward> {
  const forwarder = new PortForward(kube.config);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const limit = setTimeout(() => socket.destroy(), timeout('kubeRequest'));
    forwarder.portForward(namespace, pod, [remotePort], socket, null, socket).then(
      (opened) => {
        clearTimeout(limit);
        // With retryCount 0 (the default) client-node hands back the websocket itself.
        if (typeof opened === 'function') return;
        if (socket.destroyed) return opened.close();
        socket.once('close', () => opened.close());
        opened.on('close', () => socket.end());
      },
      () => {
        clearTimeout(limit);
        socket.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    localPort: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The name of a Ready pod matching the selector; throws if there is none right now. */
export async function podFor(kube: Kube, namespace: string, labelSelector: string): Promise<string> {
  const pods = await list(kube, { apiVersion: 'v1', kind: 'Pod', namespace, labelSelector });
  const ready = pods.find(isPodReady);
  if (ready === undefined) throw new Error(`no ready pod matching ${labelSelector} in ${namespace} (${pods.length} found)`);
  return ready.metadata.name;
}
