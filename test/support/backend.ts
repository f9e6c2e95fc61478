/**
 * A small HTTP backend in a child process, for the traffic probe's component tests and bench.
 * It runs apart from the test so that the probe's event loop and CPU are its own, and so that the
 * times it reports for going down and coming back are the truth an outage window is checked against.
 *
 * Paths: `/status/<code>` answers that code, `/hang` never answers, `/reset` drops the connection,
 * anything else answers 200 "ok".
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const CHILD_FLAG = '--kong-chaos-test-backend';

type Command = { op: 'stop' } | { op: 'start' } | { op: 'outage'; ms: number };
type Reply = { port: number } | { down: number } | { up: number } | { down: number; up: number };

export interface Backend {
  port: number;
  url: string;
  /** stops listening and drops every open connection; resolves with when (epoch ms) */
  stop(): Promise<number>;
  /** listens again on the same port; resolves with when (epoch ms) */
  start(): Promise<number>;
  /** down for exactly `ms`, timed inside the backend; resolves with both instants (epoch ms) */
  outage(ms: number): Promise<{ down: number; up: number }>;
  close(): Promise<void>;
}

function ask<T extends Reply>(child: ChildProcess, command: Command | null): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`test backend exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (reply) => {
      child.off('exit', onExit);
      resolve(reply as T);
    });
    if (command !== null) child.send(command);
  });
}

export async function startBackend(): Promise<Backend> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await ask<{ port: number }>(child, null);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => (await ask<{ down: number }>(child, { op: 'stop' })).down,
    start: async () => (await ask<{ up: number }>(child, { op: 'start' })).up,
    outage: (ms) => ask<{ down: number; up: number }>(child, { op: 'outage', ms }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function serve(): void {
  let server: Server | undefined;
  let port = 0;
  const listen = (): Promise<number> =>
    new Promise((resolve) => {
      server = createServer((req, res) => {
        const url = req.url ?? '/';
        if (url === '/hang') return;
        if (url === '/reset') return void req.socket.destroy();
        const code = /^\/status\/(\d{3})$/.exec(url)?.[1];
        res.writeHead(code ? Number(code) : 200, { 'content-type': 'text/plain', 'content-length': '3' }).end('ok\n');
      });
      server.keepAliveTimeout = 60_000;
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve(Date.now());
      });
    });
  const close = (): number => {
    const down = Date.now();
    server?.close();
    server?.closeAllConnections();
    server = undefined;
    return down;
  };
  process.on('message', (command: Command) => {
    if (command.op === 'stop') process.send!({ down: close() });
    else if (command.op === 'start') void listen().then((up) => process.send!({ up }));
    else {
      const down = close();
      setTimeout(() => void listen().then((up) => process.send!({ down, up })), command.ms - (Date.now() - down));
    }
  });
  process.on('disconnect', () => process.exit(0));
  void listen().then(() => process.send!({ port }));
}

if (process.argv[2] === CHILD_FLAG) serve();
