/**
 * Admin API entity drift: the `entity-counts` snapshot (built by probes/admin-queries.ts from
 * Kong's collections) and the predicate that judges it. Pure.
 */

/** KIC tags every entity it manages with this. */
export const MANAGED_TAG = 'managed-by-ingress-controller';

/** An entity as the Admin API lists it; references to other entities are `{ id }` or null. */
export interface AdminRow {
  id: string;
  [field: string]: unknown;
}

export interface Collections {
  services: AdminRow[];
  routes: AdminRow[];
  plugins: AdminRow[];
  consumers: AdminRow[];
}

export type Counted = keyof Collections;

export interface EntityCounts {
  /** entities tagged MANAGED_TAG, per collection */
  managed: Record<Counted, number>;
  /** plugins that share a name and a scope: Kong holds one plugin per name and scope */
  duplicatePlugins: { plugin: string; scope: string; ids: string[] }[];
  /** plugins that point at a route, service or consumer that no longer exists */
  orphanPlugins: { id: string; plugin: string; missing: string }[];
}

const SCOPES = ['route', 'service', 'consumer', 'consumer_group'] as const;

function refId(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

function pluginScope(p: AdminRow): string {
  const parts = SCOPES.flatMap((s) => {
    const id = refId(p[s]);
    return id ? [`${s} ${id}`] : [];
  });
  return parts.length ? parts.join(', ') : 'global';
}

export function countEntities(c: Collections): EntityCounts {
  const managed = (rows: AdminRow[]) => rows.filter((r) => Array.isArray(r['tags']) && (r['tags'] as unknown[]).includes(MANAGED_TAG)).length;
  const byKey = new Map<string, { plugin: string; scope: string; ids: string[] }>();
  for (const p of c.plugins) {
    const plugin = String(p['name']);
    const scope = pluginScope(p);
    const key = `${plugin}\u0000${scope}`;
    const entry = byKey.get(key) ?? { plugin, scope, ids: [] };
    entry.ids.push(p.id);
    byKey.set(key, entry);
  }
  // consumer groups are not listed, so a reference to one cannot be checked
  const known: Record<'route' | 'service' | 'consumer', Set<string>> = {
    route: new Set(c.routes.map((r) => r.id)),
    service: new Set(c.services.map((s) => s.id)),
    consumer: new Set(c.consumers.map((s) => s.id)),
  };
  const orphanPlugins = c.plugins.flatMap((p) =>
    (['route', 'service', 'consumer'] as const).flatMap((s) => {
      const id = refId(p[s]);
      return id && !known[s].has(id) ? [{ id: p.id, plugin: String(p['name']), missing: `${s} ${id}` }] : [];
    }),
  );
  return {
    managed: { services: managed(c.services), routes: managed(c.routes), plugins: managed(c.plugins), consumers: managed(c.consumers) },
    duplicatePlugins: [...byKey.values()].filter((d) => d.ids.length > 1),
    orphanPlugins,
  };
}

function isEntityCounts(data: unknown): data is EntityCounts {
  const d = data as Partial<EntityCounts> | null;
  return typeof d === 'object' && d !== null && typeof d.managed === 'object' && Array.isArray(d.duplicatePlugins) && Array.isArray(d.orphanPlugins);
}

/**
 * A predicate over `entity-counts`: bad when Kong holds fewer managed entities than the
 * scenario's configuration makes (lost in an upgrade), a plugin twice for one scope, or a
 * plugin attached to an entity that is gone. Minimums rather than exact counts: how many Kong
 * entities KIC makes of one Kubernetes object may change between versions without harm.
 */
export function entityDriftProblem(minimum: Partial<Record<Counted, number>>): (data: unknown) => string | undefined {
  return (data) => {
    if (!isEntityCounts(data)) return 'no entity-counts snapshot';
    const problems: string[] = [];
    for (const [collection, least] of Object.entries(minimum) as [Counted, number][]) {
      const have = data.managed[collection] ?? 0;
      if (have < least) problems.push(`${have} managed ${collection}, fewer than the ${least} configured`);
    }
    for (const d of data.duplicatePlugins) problems.push(`plugin ${d.plugin} on ${d.scope} ${d.ids.length} times (ids ${d.ids.join(', ')})`);
    for (const o of data.orphanPlugins) problems.push(`plugin ${o.plugin} (id ${o.id}) points at ${o.missing}, which does not exist`);
    return problems.length ? problems.join('; ') : undefined;
  };
}
