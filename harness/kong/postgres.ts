import { randomBytes } from 'node:crypto';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { RUN_LABEL } from '../cluster/names.ts';
import { timeout } from '../timeouts.ts';
import type { PostgresAddress } from './values.ts';

/** The Docker network kind puts its nodes on; a container there is reachable from pods by IP. */
export const KIND_NETWORK = 'kind';

export interface RunningPostgres {
  address: PostgresAddress;
  password: string;
  container: StartedPostgreSqlContainer;
}

/**
 * Kong's database in DB mode: the official postgres image through testcontainers, joined to the
 * kind network so Kong reaches it by IP. The password is random per run and goes to Kong only
 * through a Secret. Labelled with the run id so `cleanup` can find it.
 */
export async function startPostgres(image: string, runId: string): Promise<RunningPostgres> {
  const password = randomBytes(18).toString('base64url');
  const container = await new PostgreSqlContainer(image)
    .withDatabase('kong')
    .withUsername('kong')
    .withPassword(password)
    .withNetworkMode(KIND_NETWORK)
    .withLabels({ [RUN_LABEL]: runId })
    .withStartupTimeout(timeout('postgresStart'))
    .start();
  return { address: { host: container.getIpAddress(KIND_NETWORK), port: 5432, user: 'kong', database: 'kong' }, password, container };
}
