import type { AdminEntry } from '../evidence/types.ts';
import type { UpstreamTargets } from '../judge/admin-predicates.ts';
import { countEntities } from '../judge/drift.ts';
import type { Kube } from '../k8s/client.ts';
import { list } from '../k8s/objects.ts';
import type { AdminClient } from '../kong/admin.ts';
import type { AdminQueryName } from '../runner/scenario.ts';

interface EndpointSlice {
  metadata: { labels?: Record<string, string> };
  ports?: { port?: number; name?: string }[];
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
}

/**
 * Named Admin API snapshots. `upstream-targets` pairs each Kong upstream that KIC made for a
 * Service in `namespace` (named `<service>.<namespace>.<port>.svc`) with the Service's ready
 * endpoints, so a predicate can tell a sync that stopped delivering changes. `entity-counts`
 * summarises services, routes, plugins and consumers (see judge/drift.ts).
 */
export async function runAdminQuery(name: AdminQueryName, admin: AdminClient, kube: Kube, namespace: string): Promise<AdminEntry> {
  const at = Date.now();
  switch (name) {
    case 'plugins': {
      const plugins = await admin.listPlugins();
      return { kind: 'admin', at, query: name, data: plugins.map((p) => ({ id: p.id, name: p.name, tags: p.tags ?? [], route: p.route?.id ?? null, service: p.service?.id ?? null })) };
    }
    case 'upstream-targets': {
      const suffix = `.${namespace}.`;
      const upstreams = (await admin.list<{ id: string; name: string }>('/upstreams')).filter((u) => u.name.includes(suffix));
      const slices = (await list(kube, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace })) as unknown as EndpointSlice[];
      const data: UpstreamTargets[] = [];
      for (const u of upstreams) {
        const service = u.name.slice(0, u.name.indexOf(suffix));
        const targets = (await admin.listTargets(u.id)).map((t) => t.target);
        data.push({ upstream: u.name, targets: targets.sort(), endpoints: readyEndpoints(slices, service).sort() });
      }
      return { kind: 'admin', at, query: name, data };
    }
    case 'entity-counts': {
      const [services, routes, plugins, consumers] = await Promise.all([admin.list('/services'), admin.list('/routes'), admin.list('/plugins'), admin.list('/consumers')]);
      return { kind: 'admin', at, query: name, data: countEntities({ services, routes, plugins, consumers }) };
    }
  }
}

export function readyEndpoints(slices: EndpointSlice[], service: string): string[] {
  return slices
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === service)
    .flatMap((s) => {
      const port = s.ports?.[0]?.port;
      return (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses.map((a) => `${a}:${port}`));
    });
}
