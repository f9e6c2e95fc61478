import { expect } from 'chai';
import { countEntities, entityDriftProblem, MANAGED_TAG, type AdminRow, type EntityCounts } from '../../../harness/judge/drift.ts';
import type { Kube } from '../../../harness/k8s/client.ts';
import { AdminClient } from '../../../harness/kong/admin.ts';
import { runAdminQuery } from '../../../harness/probes/admin-queries.ts';
import { startKongAdminServer, type KongAdminServer } from '../../support/kong-admin-server.ts';

const managed = [MANAGED_TAG, 'k8s-namespace:chaos-gate'];
const SERVICE = { id: 'b1d4c1c6-2a8e-5f0a-9d3b-1e5c7a9f0b21', name: 'chaos-gate.echo.80', tags: managed };
const ROUTE = { id: 'c2e5d2d7-3b9f-5a1b-8e4c-2f6d8b0a1c32', name: 'chaos-gate.gate-echo.echo.80', tags: managed, service: { id: SERVICE.id } };
const CONSUMER = { id: 'd3f6e3e8-4c0a-5b2c-9f5d-3a7e9c1b2d43', username: 'gate-consumer', tags: managed };
const plugin = (id: string, name: string, scope: Partial<Record<'route' | 'service' | 'consumer', string>>, tags: string[] | null = managed): AdminRow => ({
  id,
  name,
  tags,
  route: scope.route ? { id: scope.route } : null,
  service: scope.service ? { id: scope.service } : null,
  consumer: scope.consumer ? { id: scope.consumer } : null,
});

describe('judge/drift', () => {
  describe('countEntities', () => {
    it('counts only the entities KIC tags as managed', () => {
      const counts = countEntities({
        services: [SERVICE, { id: 'e4', name: 'hand-made', tags: null }],
        routes: [ROUTE],
        plugins: [plugin('p1', 'correlation-id', {}), plugin('p2', 'rate-limiting', {}, ['team-payments'])],
        consumers: [CONSUMER],
      });

      expect(counts.managed).to.deep.equal({ services: 1, routes: 1, plugins: 1, consumers: 1 });
      expect(counts.duplicatePlugins).to.deep.equal([]);
      expect(counts.orphanPlugins).to.deep.equal([]);
    });

    it('finds a plugin twice for the same name and scope, whatever its tags, but not the same name on other scopes', () => {
      const counts = countEntities({
        services: [SERVICE],
        routes: [ROUTE],
        plugins: [
          plugin('p1', 'response-transformer', { route: ROUTE.id }),
          plugin('p2', 'response-transformer', { route: ROUTE.id }, null),
          plugin('p3', 'response-transformer', { service: SERVICE.id }),
          plugin('p4', 'correlation-id', {}),
          plugin('p5', 'correlation-id', {}),
        ],
        consumers: [],
      });

      expect(counts.duplicatePlugins).to.deep.equal([
        { plugin: 'response-transformer', scope: `route ${ROUTE.id}`, ids: ['p1', 'p2'] },
        { plugin: 'correlation-id', scope: 'global', ids: ['p4', 'p5'] },
      ]);
    });

    it('finds plugins that point at a route, service or consumer that is gone', () => {
      const counts = countEntities({
        services: [SERVICE],
        routes: [],
        plugins: [plugin('p1', 'key-auth', { route: ROUTE.id }), plugin('p2', 'rate-limiting', { consumer: CONSUMER.id }), plugin('p3', 'response-transformer', { service: SERVICE.id })],
        consumers: [],
      });

      expect(counts.orphanPlugins).to.deep.equal([
        { id: 'p1', plugin: 'key-auth', missing: `route ${ROUTE.id}` },
        { id: 'p2', plugin: 'rate-limiting', missing: `consumer ${CONSUMER.id}` },
      ]);
    });
  });

  describe('entityDriftProblem', () => {
    const problem = entityDriftProblem({ routes: 3, plugins: 5 });
    const good: EntityCounts = { managed: { services: 2, routes: 3, plugins: 5, consumers: 1 }, duplicatePlugins: [], orphanPlugins: [] };

    it('reads a snapshot with at least the configured entities and no duplicates or orphans as good', () => {
      expect(problem(good)).to.equal(undefined);
      expect(problem({ ...good, managed: { ...good.managed, routes: 4 } })).to.equal(undefined);
    });

    it('names each collection that lost entities', () => {
      expect(problem({ ...good, managed: { ...good.managed, routes: 1, plugins: 4 } })).to.equal(
        '1 managed routes, fewer than the 3 configured; 4 managed plugins, fewer than the 5 configured',
      );
    });

    it('names duplicate and orphaned plugins with their ids', () => {
      const bad: EntityCounts = {
        ...good,
        duplicatePlugins: [{ plugin: 'key-auth', scope: 'route r1', ids: ['p1', 'p2'] }],
        orphanPlugins: [{ id: 'p9', plugin: 'rate-limiting', missing: 'consumer c1' }],
      };

      expect(problem(bad)).to.equal('plugin key-auth on route r1 2 times (ids p1, p2); plugin rate-limiting (id p9) points at consumer c1, which does not exist');
    });

    it('reads anything that is not an entity-counts snapshot as a problem, not as good', () => {
      expect(problem(undefined)).to.equal('no entity-counts snapshot');
      expect(problem([{ id: 'p1' }])).to.equal('no entity-counts snapshot');
    });
  });

  describe('the entity-counts Admin API query', () => {
    let kong: KongAdminServer;
    let admin: AdminClient;

    before(async () => {
      const collections: Record<string, AdminRow[]> = {
        '/services': [SERVICE],
        '/routes': [ROUTE],
        '/plugins': [plugin('p1', 'key-auth', { route: ROUTE.id }), plugin('p2', 'key-auth', { route: ROUTE.id })],
        '/consumers': [CONSUMER],
      };
      kong = await startKongAdminServer((req) => (collections[req.path] ? { status: 200, json: { data: collections[req.path], next: null } } : { status: 404, json: { message: 'Not found' } }));
      admin = new AdminClient(kong.url);
    });

    after(async () => {
      await admin.close();
      await kong.close();
    });

    it('lists the four collections and records their summary', async () => {
      const entry = await runAdminQuery('entity-counts', admin, {} as Kube, 'chaos-gate');

      expect(kong.requests.map((r) => r.path).sort()).to.deep.equal(['/consumers', '/plugins', '/routes', '/services']);
      expect(entry.query).to.equal('entity-counts');
      expect(entry.data).to.deep.equal({
        managed: { services: 1, routes: 1, plugins: 2, consumers: 1 },
        duplicatePlugins: [{ plugin: 'key-auth', scope: `route ${ROUTE.id}`, ids: ['p1', 'p2'] }],
        orphanPlugins: [],
      });
    });
  });
});
