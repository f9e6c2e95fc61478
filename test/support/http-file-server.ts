/** A throw-away HTTP server on 127.0.0.1 serving fixed bodies by path, recording every request path. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  /** base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  /** request paths in arrival order */
  requests: string[];
  /** replace or add a file while the server runs */
  files: Map<string, string | Buffer>;
  close(): Promise<void>;
}

export async function startFileServer(files: Record<string, string | Buffer> = {}): Promise<FileServer> {
  const table = new Map(Object.entries(files));
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(path);
    const body = table.get(path);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    files: table,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
