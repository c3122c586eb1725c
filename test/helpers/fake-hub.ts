// A local stand-in for the Hugging Face hub and its storage host, two servers on free ports. The hub answers
// `/OWNER/REPO/resolve/REVISION/FILE` like the real one: a 302 to a signed storage URL with X-Linked-Etag (sha256),
// X-Linked-Size and X-Repo-Commit for LFS files, the bytes themselves for small files, 401/403/404 with X-Error-Code
// otherwise. Storage serves Range requests and can misbehave on purpose (cut a body, answer 503 or an expired 403,
// hold responses).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll } from 'vitest';

export interface SeenRequest {
  host: 'hub' | 'storage';
  method: string;
  path: string;
  authorization?: string;
  range?: string;
  at: number;
}

interface Repo {
  gated: boolean;
  files: Map<string, { bytes: Buffer; lfs: boolean }>;
}

export const COMMIT = 'c0ffee0000000000000000000000000000000000';
export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

// Registered here, at import: vitest ignores an afterAll called inside a hook or a test, where the hub is started.
const started: Server[] = [];
afterAll(async () => {
  for (const srv of started.splice(0)) {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});

const listen = (srv: Server) =>
  new Promise<string>((r) =>
    srv.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(srv.address() as { port: number }).port}`)),
  );

export async function startFakeHub(token = 'hf_test_token_do_not_leak') {
  const repos = new Map<string, Repo>();
  const blobs = new Map<string, Buffer>();
  const requests: SeenRequest[] = [];
  /** Per blob: cut the body after this many bytes, once. */
  const cutOnce = new Map<string, number>();
  /** Per blob: answer 503 this many more times. */
  const failures = new Map<string, number>();
  /** Per blob: refuse the next GET with 403, as storage does once a signed URL has expired. */
  const expireOnce = new Set<string>();
  const hold = { until: 0, timeoutMs: 10_000, active: 0, maxActive: 0, waiting: [] as (() => void)[] };
  const t0 = performance.now();
  const seen = (host: SeenRequest['host'], req: IncomingMessage) =>
    requests.push({
      host,
      method: req.method!,
      path: req.url!,
      authorization: req.headers.authorization,
      range: req.headers.range,
      at: performance.now() - t0,
    });
  let storageUrl = '';

  const hub = createServer((req, res) => {
    seen('hub', req);
    const m = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(req.url!.split('?')[0]!);
    const refuse = (status: number, code: string) => res.writeHead(status, { 'x-error-code': code }).end();
    if (!m) return refuse(404, 'RepoNotFound');
    const [, owner, name, revision, file] = m.map((s) => decodeURIComponent(s ?? '')) as string[];
    const repo = repos.get(`${owner}/${name}`);
    const authorized = req.headers.authorization === `Bearer ${token}`;
    if (!repo) return refuse(req.headers.authorization ? 404 : 401, 'RepoNotFound');
    if (repo.gated && !authorized) return refuse(req.headers.authorization ? 403 : 401, 'GatedRepo');
    if (revision !== 'main' && revision !== COMMIT) return refuse(404, 'RevisionNotFound');
    const entry = repo.files.get(file!);
    if (!entry) return refuse(404, 'EntryNotFound');
    const sum = sha256(entry.bytes);
    const common = { 'x-repo-commit': COMMIT, 'accept-ranges': 'bytes' };
    if (!entry.lfs) {
      res.writeHead(200, { ...common, etag: `"${sum.slice(0, 40)}"`, 'content-length': entry.bytes.length });
      return res.end(req.method === 'HEAD' ? undefined : entry.bytes);
    }
    res.writeHead(302, {
      ...common,
      'x-linked-etag': `"${sum}"`,
      'x-linked-size': entry.bytes.length,
      location: `${storageUrl}/blobs/${sum}?signature=s3cr3t-signed&expires=9999999999`,
    });
    res.end();
  });

  const storage = createServer((req, res) => void serveBlob(req, res));
  async function serveBlob(req: IncomingMessage, res: ServerResponse) {
    seen('storage', req);
    const url = new URL(req.url!, 'http://x');
    const sum = url.pathname.replace('/blobs/', '');
    const bytes = blobs.get(sum);
    if (!bytes || url.searchParams.get('signature') !== 's3cr3t-signed') return res.writeHead(403).end();
    if (req.method === 'GET' && expireOnce.delete(sum)) return res.writeHead(403).end();
    if (req.method === 'GET' && (failures.get(sum) ?? 0) > 0) {
      failures.set(sum, failures.get(sum)! - 1);
      return res.writeHead(503).end();
    }
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const body = bytes.subarray(from);
    const head = { 'content-length': body.length, 'accept-ranges': 'bytes' };
    if (from > 0) res.writeHead(206, { ...head, 'content-range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` });
    else res.writeHead(200, head);
    if (req.method === 'HEAD') return res.end();
    hold.active++;
    hold.maxActive = Math.max(hold.maxActive, hold.active);
    res.on('close', () => hold.active--);
    if (hold.active < hold.until) {
      await new Promise<void>((resolve) => {
        hold.waiting.push(resolve);
        setTimeout(resolve, hold.timeoutMs);
      });
    } else for (const w of hold.waiting.splice(0)) w();
    const cut = cutOnce.get(sum);
    if (cut !== undefined) {
      cutOnce.delete(sum);
      res.write(body.subarray(0, cut), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    res.end(body);
  }

  const endpoint = await listen(hub);
  storageUrl = await listen(storage);
  started.push(hub, storage);
  return {
    endpoint,
    storageUrl,
    token,
    requests,
    cutOnce,
    failures,
    expireOnce,
    /** Holds each storage body until `n` are being served at once (or 10 s pass): proof that downloads overlap. */
    holdUntilConcurrent(n: number, timeoutMs = 10_000) {
      Object.assign(hold, { until: n, timeoutMs, maxActive: 0 });
    },
    maxConcurrent: () => hold.maxActive,
    /** Serves different bytes (same size) for a blob than its published sha256 says. */
    corrupt(sum: string) {
      const b = Buffer.from(blobs.get(sum)!);
      b[b.length >> 1]! ^= 0xff;
      blobs.set(sum, b);
    },
    /** Adds a file; LFS files (the default) are served from storage, the others by the hub itself. */
    addFile(repo: string, file: string, bytes: Buffer, opts: { gated?: boolean; lfs?: boolean } = {}) {
      const r = repos.get(repo) ?? { gated: false, files: new Map() };
      r.gated ||= Boolean(opts.gated);
      r.files.set(file, { bytes, lfs: opts.lfs ?? true });
      repos.set(repo, r);
      blobs.set(sha256(bytes), bytes);
      return sha256(bytes);
    },
  };
}

export type FakeHub = Awaited<ReturnType<typeof startFakeHub>>;
