// A local stand-in for a hub and its CDN for the pull benchmark: `/bench/models/resolve/main/f<i>.gguf` answers 302
// with X-Linked-Etag and X-Linked-Size like the hub, `/blobs/<i>` serves the bytes (Range too), optionally paced per
// connection to mimic a CDN that caps each stream. Files are generated on the fly from one random block.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const BLOCK = randomBytes(1 << 20);
const CHUNK = 256 * 1024;

/** Byte `offset` onwards of file `i`: the block, rotated per file so files differ. */
function slice(i: number, offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let done = 0; done < length;) {
    const at = (offset + done + i * 7919) % BLOCK.length;
    done += BLOCK.copy(out, done, at, Math.min(BLOCK.length, at + length - done));
  }
  return out;
}

function sha256Of(i: number, size: number): string {
  const hash = createHash('sha256');
  for (let at = 0; at < size; at += 1 << 22) hash.update(slice(i, at, Math.min(1 << 22, size - at)));
  return hash.digest('hex');
}

/** Writes bytes [from, size) of file i, at most `rate` bytes per second on this connection (0: no cap). */
async function send(res: ServerResponse, i: number, from: number, size: number, rate: number) {
  const started = performance.now();
  for (let at = from; at < size && !res.destroyed; at += CHUNK) {
    const ok = res.write(slice(i, at, Math.min(CHUNK, size - at)));
    if (!ok) await new Promise((r) => res.once('drain', r));
    const ahead = ((at + CHUNK - from) / rate) * 1000 - (performance.now() - started);
    if (rate > 0 && ahead > 0) await sleep(ahead);
  }
  res.end();
}

/** Starts the server with `files` files of `size` bytes (their sha256 computed first). */
export async function startPullServer(files: number, size: number) {
  const sums = Array.from({ length: files }, (_, i) => sha256Of(i, size));
  const state = { rate: 0 };
  const server = createServer((req, res) => {
    const resolve = /^\/bench\/models\/resolve\/main\/f(\d+)\.gguf$/.exec(req.url ?? '');
    if (resolve) {
      const i = Number(resolve[1]);
      const headers = { 'x-linked-etag': `"${sums[i]}"`, 'x-linked-size': size, location: `/blobs/${i}?sig=x` };
      return res.writeHead(302, headers).end();
    }
    const blob = /^\/blobs\/(\d+)/.exec(req.url ?? '');
    if (!blob) return res.writeHead(404).end();
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const range = from > 0 ? { 'content-range': `bytes ${from}-${size - 1}/${size}` } : {};
    res.writeHead(from > 0 ? 206 : 200, { 'content-length': size - from, ...range });
    if (req.method === 'HEAD') return res.end();
    void send(res, Number(blob[1]), from, size, state.rate);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    /** Caps each connection at this many bytes per second from now on (0: no cap). */
    pace: (bytesPerSecond: number) => (state.rate = bytesPerSecond),
    close: () => new Promise((r) => server.close(r)),
  };
}
