import type { Probes } from '../harness/runner/scenario.ts';

/**
 * The probes most scenarios share: `/echo` through the proxy, its Ingress published, and the
 * Ingress a fault creates later (it reads nothing until it exists, so the steady state does not
 * wait for it).
 */
export function echoProbes(namespace: string, later: string): Probes {
  return {
    routes: [{ route: '/echo', path: '/echo', expectStatus: 200 }],
    ingresses: [
      { namespace, name: 'echo' },
      { namespace, name: later },
    ],
    intervalMs: 2000,
  };
}
