import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { Toxiproxy, type ICreateProxyBody, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import { EnvironmentError } from '../errors.ts';
import { RUN_LABEL } from '../cluster/names.ts';
import { KIND_NETWORK, type RunningPostgres } from '../kong/postgres.ts';
import type { PostgresAddress } from '../kong/values.ts';
import type { DatabaseFaults } from '../runner/scenario.ts';
import { timeout } from '../timeouts.ts';
import * as docker from '../tools/docker.ts';

const API_PORT = 8474;
const PROXY_NAME = 'postgres';
const LATENCY_TOXIC = 'kong-chaos-latency';

/** Toxiproxy listens where Kong expects Postgres, and forwards to the Postgres container by name. */
export function proxyBody(postgresContainerName: string): ICreateProxyBody {
  return { name: PROXY_NAME, listen: '0.0.0.0:5432', upstream: `${postgresContainerName}:5432`, enabled: true };
}

export function latencyToxic(ms: number): ICreateToxicBody<Latency> {
  return { name: LATENCY_TOXIC, type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: ms, jitter: 0 } };
}

export interface RunningToxiproxy {
  container: StartedTestContainer;
  client: Toxiproxy;
  /** where Kong connects instead of Postgres */
  address: PostgresAddress;
}

/**
 * Toxiproxy as a container on the kind network, in front of the run's Postgres. It upstreams to
 * Postgres by container name (Docker's DNS on the network), so the Postgres container can be
 * stopped and started without Kong's address changing.
 */
export async function startToxiproxy(image: string, postgres: RunningPostgres, runId: string): Promise<RunningToxiproxy> {
  const container = await new GenericContainer(image)
    .withNetworkMode(KIND_NETWORK)
    .withExposedPorts(API_PORT)
    .withLabels({ [RUN_LABEL]: runId })
    .withWaitStrategy(Wait.forHttp('/version', API_PORT))
    .withStartupTimeout(timeout('postgresStart'))
    .start();
  const client = new Toxiproxy(`http://${container.getHost()}:${container.getMappedPort(API_PORT)}`);
  await client.createProxy(proxyBody(postgres.container.getName().replace(/^\//, '')));
  return { container, client, address: { ...postgres.address, host: container.getIpAddress(KIND_NETWORK) } };
}

/** The DatabaseFaults of a real run: Toxiproxy for cut-offs and latency, Docker for stop/start. */
export class PostgresFaults implements DatabaseFaults {
  constructor(
    private readonly postgres: RunningPostgres | undefined,
    private readonly proxy: RunningToxiproxy | undefined,
  ) {}

  async cut(): Promise<void> {
    await this.setEnabled(false);
  }

  async restore(): Promise<void> {
    await this.setEnabled(true);
    // the client's Proxy object keeps none of the toxics Toxiproxy lists with it, so ask for them
    const { client } = this.proxy!;
    const toxics = `${client.host}/proxies/${PROXY_NAME}/toxics`;
    const { data } = (await client.getApi().get(toxics)) as { data: { name: string }[] };
    if (data.some((t) => t.name === LATENCY_TOXIC)) await client.getApi().delete(`${toxics}/${LATENCY_TOXIC}`);
  }

  async latency(ms: number): Promise<void> {
    await (await this.proxied()).addToxic(latencyToxic(ms));
  }

  async stop(): Promise<void> {
    await docker.stop(this.running().container.getId());
  }

  async start(): Promise<void> {
    await docker.start(this.running().container.getId());
  }

  /** Toxiproxy's update replaces the proxy, so listen and upstream go along unchanged. */
  private async setEnabled(enabled: boolean): Promise<void> {
    const proxy = await this.proxied();
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  }

  private running(): RunningPostgres {
    if (!this.postgres) throw new EnvironmentError('no database to fault: the target runs DB-less');
    return this.postgres;
  }

  private proxied() {
    this.running();
    if (!this.proxy) throw new EnvironmentError('database cut-off and latency need Toxiproxy: the scenario must install with databaseProxy');
    return this.proxy.client.get(PROXY_NAME);
  }
}
