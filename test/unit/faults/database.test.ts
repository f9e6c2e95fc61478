import { expect } from 'chai';
import { Toxiproxy } from 'toxiproxy-node-client';
import { EnvironmentError } from '../../../harness/errors.ts';
import { latencyToxic, PostgresFaults, proxyBody, type RunningToxiproxy } from '../../../harness/faults/database.ts';
import type { RunningPostgres } from '../../../harness/kong/postgres.ts';
import { StubTools } from '../../support/stub-tools.ts';
import { FakeToxiproxyApi, type ToxicState } from '../../support/toxiproxy-api.ts';

const POSTGRES_CONTAINER = 'kc-r1-postgres';
const POSTGRES_ID = '3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6d7e8f90112233445566778899aabbccd';
const ADDRESS = { host: '172.18.0.9', port: 5432, user: 'kong', database: 'kong' };
const LATENCY = 'kong-chaos-latency';

/** PostgresFaults reads only the container's id; the rest of StartedPostgreSqlContainer is not used. */
function postgres(): RunningPostgres {
  return { address: ADDRESS, password: 'unused', container: { getId: () => POSTGRES_ID } } as unknown as RunningPostgres;
}

/** A real client against the fake API; PostgresFaults never touches the Toxiproxy container itself. */
function toxiproxy(api: FakeToxiproxyApi): RunningToxiproxy {
  return { container: {} as RunningToxiproxy['container'], client: new Toxiproxy(api.url), address: ADDRESS };
}

function otherToxic(): ToxicState {
  return { name: 'someone-elses', type: 'bandwidth', stream: 'upstream', toxicity: 1, attributes: { rate: 10 } };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e as Error,
  );
}

describe('faults/database', () => {
  it('proxyBody: Toxiproxy listens where Kong expects Postgres and forwards to the container by name', () => {
    expect(proxyBody(POSTGRES_CONTAINER)).to.deep.equal({ name: 'postgres', listen: '0.0.0.0:5432', upstream: 'kc-r1-postgres:5432', enabled: true });
  });

  it('latencyToxic: latency on every answer from Postgres (downstream), no jitter, all connections', () => {
    expect(latencyToxic(750)).to.deep.equal({ name: LATENCY, type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 750, jitter: 0 } });
  });

  describe('PostgresFaults against a Toxiproxy API', () => {
    let api: FakeToxiproxyApi;
    let faults: PostgresFaults;

    beforeEach(async () => {
      api = await FakeToxiproxyApi.start();
      api.seed({ ...proxyBody(POSTGRES_CONTAINER), enabled: true });
      faults = new PostgresFaults(postgres(), toxiproxy(api));
    });
    afterEach(() => api.close());

    const writes = () => api.requests.filter((r) => r.method !== 'GET');

    it('cut disables the proxy, sending listen and upstream along unchanged', async () => {
      await faults.cut();
      expect(api.requests).to.deep.equal([
        { method: 'GET', path: '/proxies/postgres', body: undefined },
        { method: 'POST', path: '/proxies/postgres', body: { enabled: false, listen: '0.0.0.0:5432', upstream: 'kc-r1-postgres:5432' } },
      ]);
      expect(api.proxy('postgres')).to.include({ enabled: false, listen: '0.0.0.0:5432', upstream: 'kc-r1-postgres:5432' });
    });

    it('latency adds one latency toxic of that many ms on the downstream', async () => {
      await faults.latency(1200);
      expect(writes()).to.deep.equal([
        {
          method: 'POST',
          path: '/proxies/postgres/toxics',
          body: { name: LATENCY, type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1200, jitter: 0 } },
        },
      ]);
      expect(api.proxy('postgres')?.toxics.map((t) => [t.name, t.attributes['latency']])).to.deep.equal([[LATENCY, 1200]]);
    });

    it('restore after a cut re-enables the proxy and deletes no toxic it did not add', async () => {
      api.seed({ ...proxyBody(POSTGRES_CONTAINER), enabled: false, toxics: [otherToxic()] });
      await faults.restore();
      expect(writes()).to.deep.equal([{ method: 'POST', path: '/proxies/postgres', body: { enabled: true, listen: '0.0.0.0:5432', upstream: 'kc-r1-postgres:5432' } }]);
      expect(api.requests.some((r) => r.path.startsWith('/proxies/postgres/toxics/'))).to.equal(false);
      expect(api.proxy('postgres')).to.deep.include({ enabled: true, toxics: [otherToxic()] });
    });

    it('restore after latency removes the latency toxic, and only that one', async () => {
      api.seed({ ...proxyBody(POSTGRES_CONTAINER), enabled: true, toxics: [otherToxic()] });
      await faults.latency(500);
      api.requests.length = 0;
      await faults.restore();
      expect(writes()).to.deep.equal([
        { method: 'POST', path: '/proxies/postgres', body: { enabled: true, listen: '0.0.0.0:5432', upstream: 'kc-r1-postgres:5432' } },
        { method: 'DELETE', path: `/proxies/postgres/toxics/${LATENCY}`, body: undefined },
      ]);
      expect(api.proxy('postgres')).to.deep.include({ enabled: true, toxics: [otherToxic()] });
    });

    it('cut, latency and restore compose: everything back as before', async () => {
      const before = api.proxy('postgres');
      await faults.cut();
      await faults.latency(300);
      await faults.restore();
      expect(api.proxy('postgres')).to.deep.equal(before);
    });

    it('a Toxiproxy error reaches the caller (the proxy is missing)', async () => {
      const empty = await FakeToxiproxyApi.start();
      try {
        const error = await rejection(new PostgresFaults(postgres(), toxiproxy(empty)).cut());
        expect(error.message).to.equal('Request failed with status code 404');
      } finally {
        await empty.close();
      }
    });
  });

  describe('stop and start with a stub docker', () => {
    let stubs: StubTools;
    beforeEach(async () => {
      stubs = await StubTools.install(['docker']);
    });
    afterEach(() => stubs.restore());

    it('stop and start the Postgres container by its id, without needing Toxiproxy', async () => {
      const faults = new PostgresFaults(postgres(), undefined);
      await faults.stop();
      await faults.start();
      expect(await stubs.lines()).to.deep.equal([`docker stop ${POSTGRES_ID}`, `docker start ${POSTGRES_ID}`]);
    });

    it('DB-less: every fault is a one-line EnvironmentError and nothing runs', async () => {
      const faults = new PostgresFaults(undefined, undefined);
      for (const fault of [() => faults.cut(), () => faults.restore(), () => faults.latency(100), () => faults.stop(), () => faults.start()]) {
        const error = await rejection(fault());
        expect(error).to.be.instanceOf(EnvironmentError);
        expect(error.message).to.equal('no database to fault: the target runs DB-less');
      }
      expect(await stubs.calls()).to.deep.equal([]);
    });

    it('no proxy: cut, restore and latency say Toxiproxy is needed, in one line', async () => {
      const faults = new PostgresFaults(postgres(), undefined);
      for (const fault of [() => faults.cut(), () => faults.restore(), () => faults.latency(100)]) {
        const error = await rejection(fault());
        expect(error).to.be.instanceOf(EnvironmentError);
        expect(error.message).to.equal('database cut-off and latency need Toxiproxy: the scenario must install with databaseProxy');
        expect(error.message).to.not.include('\n');
      }
      expect(await stubs.calls()).to.deep.equal([]);
    });
  });
});
