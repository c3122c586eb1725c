// A local HTTP server serving one payload, resuming on a Range request (not at /no-range); closed after the file.
import { createServer } from 'node:http';
import { afterAll, beforeAll } from 'vitest';

export interface FileServer {
  /** `http://127.0.0.1:PORT`, set once the server listens (in beforeAll). */
  base: string;
  requests: { url: string; range?: string }[];
}

export function serveBytes(payload: Buffer): FileServer {
  const served: FileServer = { base: '', requests: [] };
  const server = createServer((req, res) => {
    served.requests.push({ url: req.url!, range: req.headers.range });
    const range = /bytes=(\d+)-/.exec(req.headers.range ?? '');
    if (req.url === '/no-range' || !range) {
      res.writeHead(200, { 'content-length': payload.length });
      return res.end(payload);
    }
    const from = Number(range[1]);
    res.writeHead(206, {
      'content-length': payload.length - from,
      'content-range': `bytes ${from}-${payload.length - 1}/${payload.length}`,
    });
    res.end(payload.subarray(from));
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    served.base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return served;
}
