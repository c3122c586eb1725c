import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import { fetchRemote } from '../../src/models/fetch-remote.js';
import { pullAll } from '../../src/models/pull.js';
import { DEFAULT_RETRY } from '../../src/models/retry.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const payload = randomBytes(300_000);
const sha = createHash('sha256').update(payload).digest('hex');
let server: Server;
let base: string;
const requests: { method: string; url: string; range?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, range: req.headers.range });
    if (req.url === '/no-head') {
      if (req.method === 'HEAD') return res.writeHead(405).end();
      return res.writeHead(302, { location: '/model' }).end();
    }
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
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Downloads a plain URL the way `pull` does (HEAD for the size, GET with Range, sha256 check, rename). */
const download = (url: URL, file: string, opts: { sha256?: string } = {}) =>
  fetchRemote({ url, label: url.href }, file, { ...opts, retry: DEFAULT_RETRY });

describe('download', () => {
  it('downloads, verifies sha256 and renames into place', async () => {
    const file = join(dir, 'a.bin');
    const r = await download(new URL(`${base}/model`), file, { sha256: sha });
    expect(r).toEqual({ bytes: payload.length, sha256: sha, resumedFrom: 0, verified: true });
    expect(readFileSync(file).equals(payload)).toBe(true);
    expect(existsSync(`${file}.part`)).toBe(false);
  });

  it('resumes a partial download with a Range request', async () => {
    const file = join(dir, 'b.bin');
    writeFileSync(`${file}.part`, payload.subarray(0, 100_000));
    const r = await download(new URL(`${base}/model`), file, { sha256: sha });
    expect(r.resumedFrom).toBe(100_000);
    expect(requests.at(-1)!).toEqual({ method: 'GET', url: '/model', range: 'bytes=100000-' });
    expect(readFileSync(file).equals(payload)).toBe(true);
  });

  it('starts over when the server does not resume', async () => {
    const file = join(dir, 'c.bin');
    writeFileSync(`${file}.part`, Buffer.from('stale bytes'));
    const r = await download(new URL(`${base}/no-range`), file, { sha256: sha });
    expect(r.resumedFrom).toBe(0);
    expect(readFileSync(file).equals(payload)).toBe(true);
  });

  it('downloads from a server that refuses HEAD and redirects the GET', async () => {
    const file = join(dir, 'e.bin');
    const before = requests.length;
    const r = await download(new URL(`${base}/no-head`), file, { sha256: sha });
    expect(r.bytes).toBe(payload.length);
    expect(requests.slice(before).map((q) => `${q.method} ${q.url}`)).toEqual([
      'HEAD /no-head',
      'GET /no-head',
      'GET /model',
    ]);
  });

  it('discards a download whose sha256 does not match and leaves no file', async () => {
    const file = join(dir, 'd.bin');
    await expect(download(new URL(`${base}/model`), file, { sha256: '0'.repeat(64) })).rejects.toThrow(
      /sha256 mismatch: expected 0{64} \(from models\.yaml\), got [0-9a-f]{64}; the download was discarded/,
    );
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.part`)).toBe(false);
  });
});

describe('pull', () => {
  const config = () =>
    parseConfig(
      `
servers:
  llm:
    kind: llm
    port: 9
    models:
      - { name: one, path: m/one.gguf, source: "demo:llama?size=300KB" }
      - { name: two, path: m/two.gguf, source: "demo:llama?size=300KB" }
      - { name: web, path: m/web.bin, source: "${base}/model", sha256: ${sha} }
      - { name: gone, path: m/gone.gguf }
`,
      join(dir, 'models.yaml'),
      {},
    );

  it('makes demo models, downloads URLs, and reports a model it cannot obtain', async () => {
    const results = await pullAll(config());
    const by = Object.fromEntries(results.map((r) => [r.model, r]));
    expect(by.one).toMatchObject({ action: 'made', bytes: statSync(join(dir, 'm/one.gguf')).size });
    expect(by.web).toMatchObject({ action: 'downloaded', bytes: payload.length });
    expect(by.gone!.error).toMatch(/m\/gone\.gguf does not exist and the model has no source/);
    expect(readFileSync(join(dir, 'm/one.gguf')).equals(readFileSync(join(dir, 'm/two.gguf')))).toBe(false);
  });

  it('leaves a file that is present (and matches its checksum) untouched', async () => {
    const before = statSync(join(dir, 'm/one.gguf')).mtimeMs;
    const again = await pullAll(config(), { models: ['one', 'web'] });
    expect(again.map((r) => [r.model, r.action])).toEqual([
      ['one', 'present'],
      ['web', 'present'],
    ]);
    expect(statSync(join(dir, 'm/one.gguf')).mtimeMs).toBe(before);
  });

  it('downloads again when the file on disk does not match its checksum', async () => {
    writeFileSync(join(dir, 'm/web.bin'), 'corrupted');
    const [r] = await pullAll(config(), { models: ['web'] });
    expect(r!.action).toBe('downloaded');
    expect(readFileSync(join(dir, 'm/web.bin')).equals(payload)).toBe(true);
  });
});

describe('the pull record', () => {
  /** A config of its own folder (own record) with one model `m` at m/m.bin from `source`, when given. */
  const configIn = (folder: string, source?: string, env: NodeJS.ProcessEnv = {}) => {
    mkdirSync(join(dir, folder), { recursive: true });
    const from = source === undefined ? '' : `, source: "${source}"`;
    const model = `{ name: m, path: m/m.bin${from} }`;
    const text = `servers:\n  llm:\n    kind: llm\n    port: 9\n    models:\n      - ${model}\n`;
    return parseConfig(text, join(dir, folder, 'models.yaml'), env);
  };
  const recordText = (folder: string) => readFileSync(join(dir, folder, '.modelctl/pulled.json'), 'utf8');

  it('keeps a token in a source URL out of pulled.json, and still knows the source again', async () => {
    const secret = 'tok_do_not_write_me';
    const config = () => configIn('secret', `${base}/model?token=\${MODEL_TOKEN}`, { MODEL_TOKEN: secret });
    expect((await pullAll(config()))[0]).toMatchObject({ action: 'downloaded' });
    expect(recordText('secret')).not.toContain(secret);
    expect(JSON.parse(recordText('secret')).files['m/m.bin'].sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await pullAll(config()))[0]).toMatchObject({ action: 'present' });
  });

  it('hashes the sources of a record written before they were hashed, without pulling again', async () => {
    const source = `${base}/model?token=old_secret`;
    const config = configIn('legacy', source);
    await pullAll(config);
    const record = JSON.parse(recordText('legacy'));
    const entry = record.files['m/m.bin'];
    record.files['m/m.bin'] = { ...entry, sourceSha256: undefined, source };
    writeFileSync(join(dir, 'legacy/.modelctl/pulled.json'), JSON.stringify(record));
    expect((await pullAll(config))[0]).toMatchObject({ action: 'present' });
    expect(recordText('legacy')).not.toContain('old_secret');
    expect(JSON.parse(recordText('legacy')).files['m/m.bin'].sourceSha256).toBe(entry.sourceSha256);
  });

  it('obtains the file again when its model names another source; keeps it when the source is dropped', async () => {
    const file = join(dir, 'moved/m/m.bin');
    await pullAll(configIn('moved', 'demo:llama?size=300KB&seed=first'));
    const first = readFileSync(file);
    const [again] = await pullAll(configIn('moved', 'demo:llama?size=300KB&seed=second'));
    expect(again).toMatchObject({ action: 'made' });
    expect(readFileSync(file).equals(first)).toBe(false);
    expect((await pullAll(configIn('moved')))[0]).toMatchObject({ action: 'present' });
  });
});
