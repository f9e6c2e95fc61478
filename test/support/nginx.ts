/**
 * A real nginx for component tests: started as an ordinary process on a free loopback port with its
 * config, pid, logs and temp files in a temp dir, and killed afterwards. Missing nginx is an error,
 * never a skip: these tests are the traffic probe's proof against a real HTTP server.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Agent, request } from 'undici';
import { closedPort } from './kong-admin-server.ts';

export interface NginxOptions {
  /** the backend nginx proxies to on 127.0.0.1 */
  upstreamPort: number;
  /** requests per client connection before nginx closes it (nginx default 1000) */
  keepaliveRequests?: number;
  /** idle client connection timeout, nginx syntax (default 75s) */
  keepaliveTimeout?: string;
  /** serve HTTPS with a fresh self-signed certificate for CN=localhost */
  tls?: boolean;
}

export interface Nginx {
  port: number;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  errorLog(): string;
  /** client connections nginx has accepted so far (stub_status), this query's own included */
  acceptedConnections(): Promise<number>;
  stop(): Promise<void>;
}

function findNginx(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  for (const dir of dirs.filter((d) => d !== '')) {
    try {
      accessSync(join(dir, 'nginx'), constants.X_OK);
      return join(dir, 'nginx');
    } catch {
      // not in this directory
    }
  }
  throw new Error('nginx is not installed (looked on PATH and in /usr/sbin): install it, e.g. `apt-get install -y nginx-light`; the traffic probe component tests need a real nginx');
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  return { cert, key };
}

function config(dir: string, port: number, options: NginxOptions): string {
  const tls = options.tls ? selfSignedCertificate(dir) : undefined;
  const certificate = tls ? `ssl_certificate ${tls.cert};\n    ssl_certificate_key ${tls.key};` : '';
  return `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests ${options.keepaliveRequests ?? 1000};
  keepalive_timeout ${options.keepaliveTimeout ?? '75s'};
  upstream backend {
    server 127.0.0.1:${options.upstreamPort} max_fails=0;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port}${tls ? ' ssl' : ''};
    ${certificate}
    # 444: nginx closes the connection without any response
    location = /drop { return 444; }
    location = /nginx-status { stub_status; }
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
  # a second virtual host on the same port, so a test can see its Host header arrive
  server {
    listen 127.0.0.1:${port}${tls ? ' ssl' : ''};
    server_name teapot.test;
    ${certificate}
    location / { return 418; }
  }
}
`;
}

export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const binary = findNginx();
  const dir = mkdtempSync(join(tmpdir(), 'kong-chaos-nginx-'));
  const port = await closedPort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, config(dir, port, options));
  const errorLog = (): string => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  // -e: the compiled-in error log path (/var/log/nginx) is opened before the config is read.
  const child: ChildProcess = spawn(binary, ['-e', join(dir, 'error.log'), '-c', conf, '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let waited = 0; !(await accepts(port)); waited += 25) {
    if (child.exitCode !== null || waited > 5_000) {
      const why = `${stderr}${errorLog()}`.trim();
      await stop();
      throw new Error(`nginx did not start on 127.0.0.1:${port}: ${why || 'no output'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const acceptedConnections = async (): Promise<number> => {
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const text = await request(`${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/nginx-status`, { dispatcher })
      .then((res) => res.body.text())
      .finally(() => dispatcher.close());
    const accepts = /\n\s*(\d+)\s+\d+\s+\d+/.exec(text)?.[1];
    if (accepts === undefined) throw new Error(`unexpected stub_status answer: ${text}`);
    return Number(accepts);
  };
  return { port, url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, errorLog, acceptedConnections, stop };
}
