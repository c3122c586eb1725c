import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, utimesSync, writeSync } from 'node:fs';
import { closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import { NotEnoughSpaceError } from '../../common/errors.js';
import { type PullEvent, type PullOptions, pullAll } from '../../src/models/pull.js';
import { COMMIT, type FakeHub, startFakeHub } from '../helpers/fake-hub.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir();
let hub: FakeHub;
const files: Record<string, { bytes: Buffer; sha: string }> = {};

beforeAll(async () => {
  hub = await startFakeHub();
  for (const name of ['a', 'b', 'c', 'cut', 'flaky', 'bad', 'expired']) {
    const bytes = randomBytes(300_000);
    files[name] = { bytes, sha: hub.addFile('org/models-GGUF', `q4/${name}.gguf`, bytes) };
  }
  const gated = randomBytes(200_000);
  files.gated = { bytes: gated, sha: hub.addFile('corp/gated-GGUF', 'gated.gguf', gated, { gated: true }) };
  const small = Buffer.from('{"small": "file kept in git, not LFS"}');
  files.small = { bytes: small, sha: hub.addFile('org/models-GGUF', 'config.json', small, { lfs: false }) };
  hub.corrupt(files.bad!.sha);
});

/** A config in its own folder (own record, own files) with one llm model per `name: source` pair. */
function setup(folder: string, models: Record<string, string>) {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  const lines = Object.entries(models).map(
    ([name, source]) => `      - { name: ${name}, path: m/${name}.bin, source: "${source}" }`,
  );
  const config = parseConfig(
    `servers:\n  llm:\n    kind: llm\n    port: 9\n    models:\n${lines.join('\n')}\n`,
    join(dir, 'models.yaml'),
    {},
  );
  const events: PullEvent[] = [];
  const pull = (opts: PullOptions = {}) =>
    pullAll(config, {
      hub: { endpoint: hub.endpoint, token: hub.token },
      retry: { baseDelayMs: 1 },
      onEvent: (e) => events.push(e),
      ...opts,
    });
  return { dir, config, pull, events, file: (name: string) => join(dir, 'm', `${name}.bin`) };
}

const since = (n: number) => hub.requests.slice(n);

describe('pull from a Hugging Face hub', () => {
  it('downloads an hf: file through the redirect to storage and verifies it against X-Linked-Etag', async () => {
    const s = setup('plain', { a: 'hf:org/models-GGUF/q4/a.gguf' });
    const before = hub.requests.length;
    const [r] = await s.pull();
    expect(r).toMatchObject({ action: 'downloaded', bytes: 300_000, sha256: files.a!.sha });
    expect(readFileSync(s.file('a')).equals(files.a!.bytes)).toBe(true);
    expect(since(before).map((q) => `${q.host} ${q.method}`)).toEqual(['hub HEAD', 'storage GET']);
    const progress = s.events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toEqual({
      server: 'llm',
      model: 'a',
      type: 'progress',
      transferred: 300_000,
      total: 300_000,
    });
    const record = JSON.parse(readFileSync(join(s.dir, '.modelctl/pulled.json'), 'utf8'));
    expect(record.files['m/a.bin']).toMatchObject({ sha256: files.a!.sha, size: 300_000, commit: COMMIT });
  });

  it('downloads a small non-LFS file that the hub serves itself', async () => {
    const s = setup('small', { cfg: 'hf:org/models-GGUF/config.json@main' });
    const [r] = await s.pull();
    expect(r).toMatchObject({ action: 'downloaded' });
    expect(readFileSync(s.file('cfg')).equals(files.small!.bytes)).toBe(true);
  });

  it('sends the token to the hub for a gated file and never to the storage host', async () => {
    const s = setup('gated-ok', { g: 'hf:corp/gated-GGUF/gated.gguf' });
    const before = hub.requests.length;
    const [r] = await s.pull();
    expect(r).toMatchObject({ action: 'downloaded', sha256: files.gated!.sha });
    const seen = since(before);
    expect(seen.filter((q) => q.host === 'hub').map((q) => q.authorization)).toEqual([`Bearer ${hub.token}`]);
    expect(seen.filter((q) => q.host === 'storage').map((q) => q.authorization)).toEqual([undefined]);
  });

  it('refuses a gated file without HF_TOKEN, and with a token not granted access, saying what to do', async () => {
    const s = setup('gated-no', { g: 'hf:corp/gated-GGUF/gated.gguf' });
    const before = hub.requests.length;
    const [none] = await s.pull({ hub: { endpoint: hub.endpoint } });
    expect(none!.error).toBe(
      'hf:corp/gated-GGUF/gated.gguf: corp/gated-GGUF is gated or private: set HF_TOKEN ' +
        '(or the repository does not exist)',
    );
    const [wrong] = await s.pull({ hub: { endpoint: hub.endpoint, token: 'hf_not_granted' } });
    expect(wrong!.error).toContain(`has not been granted access: accept its terms at ${hub.endpoint}/corp/gated-GGUF`);
    expect(since(before).map((q) => q.host)).toEqual(['hub', 'hub']);
    expect(existsSync(s.file('g'))).toBe(false);
  });

  it('names the repository and revision when a file or revision does not exist, asking the hub only once', async () => {
    const s = setup('missing', { x: 'hf:org/models-GGUF/q4/nope.gguf', y: 'hf:org/models-GGUF/q4/a.gguf@v9' });
    const before = hub.requests.length;
    const by = Object.fromEntries((await s.pull()).map((r) => [r.model, r.error]));
    expect(by.x).toBe('hf:org/models-GGUF/q4/nope.gguf: no such file in org/models-GGUF at main: q4/nope.gguf');
    expect(by.y).toBe('hf:org/models-GGUF/q4/a.gguf@v9: no revision v9 in org/models-GGUF');
    expect(since(before)).toHaveLength(2);
  });

  it('never puts a download in place whose bytes do not match the published sha256', async () => {
    const s = setup('corrupt', { bad: 'hf:org/models-GGUF/q4/bad.gguf' });
    const [r] = await s.pull();
    expect(r!.error).toMatch(
      new RegExp(
        `sha256 mismatch: expected ${files.bad!.sha} \\(from the hub \\(X-Linked-Etag\\)\\), got [0-9a-f]{64}`,
      ),
    );
    expect(readdirSync(join(s.dir, 'm'))).toEqual([]);
  });

  it('resumes a download cut in the middle with a Range request, in the same run', async () => {
    const s = setup('cut', { cut: 'hf:org/models-GGUF/q4/cut.gguf' });
    hub.cutOnce.set(files.cut!.sha, 120_000);
    const before = hub.requests.length;
    const [r] = await s.pull();
    expect(r).toMatchObject({ action: 'downloaded', sha256: files.cut!.sha });
    const gets = since(before).filter((q) => q.host === 'storage' && q.method === 'GET');
    expect(gets).toHaveLength(2);
    expect(gets[0]!.range).toBeUndefined();
    expect(Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1])).toBeGreaterThan(0);
    expect(s.events.filter((e) => e.type === 'retry')).toHaveLength(1);
    expect(readFileSync(s.file('cut')).equals(files.cut!.bytes)).toBe(true);
  });

  it('resumes the .part an earlier run left, and says from where', async () => {
    const s = setup('part', { b: 'hf:org/models-GGUF/q4/b.gguf' });
    mkdirSync(join(s.dir, 'm'));
    writeFileSync(`${s.file('b')}.part`, files.b!.bytes.subarray(0, 100_000));
    const before = hub.requests.length;
    const [r] = await s.pull();
    expect(r).toMatchObject({ action: 'downloaded', resumedFrom: 100_000, sha256: files.b!.sha });
    expect(since(before).find((q) => q.host === 'storage')!.range).toBe('bytes=100000-');
  });

  it('retries 503 with doubling waits and gives up on a refusal at once', async () => {
    const s = setup('flaky', { flaky: 'hf:org/models-GGUF/q4/flaky.gguf' });
    hub.failures.set(files.flaky!.sha, 2);
    const waits: number[] = [];
    const [r] = await s.pull({ retry: { baseDelayMs: 5, sleep: async (ms) => waits.push(ms) } });
    expect(r).toMatchObject({ action: 'downloaded' });
    expect(waits).toEqual([5, 10]);
    const [gone] = await setup('flaky-404', { n: 'hf:org/models-GGUF/q4/none.gguf' }).pull({
      retry: { sleep: async (ms) => waits.push(ms) },
    });
    expect(gone!.error).toContain('no such file');
    expect(waits).toEqual([5, 10]);
  });

  it('asks the hub for a fresh storage URL when the one from the HEAD has expired (403) by the GET', async () => {
    const s = setup('expired', { e: 'hf:org/models-GGUF/q4/expired.gguf' });
    hub.expireOnce.add(files.expired!.sha);
    const before = hub.requests.length;
    const [r] = await s.pull();
    expect(r).toMatchObject({ action: 'downloaded', sha256: files.expired!.sha });
    const seen = since(before);
    expect(seen.map((q) => `${q.host} ${q.method}`)).toEqual(['hub HEAD', 'storage GET', 'hub HEAD', 'storage GET']);
    expect(seen.filter((q) => q.host === 'storage').map((q) => q.authorization)).toEqual([undefined, undefined]);
    expect(s.events.filter((e) => e.type === 'retry').map((e) => 'reason' in e && e.reason)).toEqual([
      `hf:org/models-GGUF/q4/expired.gguf: HTTP 403 (storage host ${new URL(hub.storageUrl).host}): access denied`,
    ]);
  });

  it('refuses a pull that does not fit on the disk before any byte is written, with both numbers', async () => {
    const s = setup('full', { a: 'hf:org/models-GGUF/q4/a.gguf', b: 'hf:org/models-GGUF/q4/b.gguf' });
    const before = hub.requests.length;
    const read: string[] = [];
    const readDisk = async (dir: string) => (read.push(dir), { id: 'tiny', freeBytes: 450_000 });
    const pulling = s.pull({ readDisk });
    await expect(pulling).rejects.toBeInstanceOf(NotEnoughSpaceError);
    await expect(pulling).rejects.toThrow(
      `not enough disk space: needs 600.0 kB, 450.0 kB free on ${s.dir} (a 300.0 kB, b 300.0 kB)`,
    );
    expect(since(before).map((q) => `${q.host} ${q.method}`)).toEqual(['hub HEAD', 'hub HEAD']);
    expect(read).toEqual([s.dir]); // both files go to m/ (not made yet): its disk is read once
    expect(existsSync(join(s.dir, 'm'))).toBe(false);
  });

  it('trusts a recorded file by size, mtime and inode without rehashing; --verify rehashes, repairs', async () => {
    const s = setup('trust', { c: 'hf:org/models-GGUF/q4/c.gguf' });
    await s.pull();
    // Corrupt a byte in place, then put the mtime back: size, mtime and inode are what the record says.
    const { mtime, atime } = statSync(s.file('c'));
    const fd = openSync(s.file('c'), 'r+');
    writeSync(fd, Buffer.from([files.c!.bytes[10]! ^ 0xff]), 0, 1, 10);
    closeSync(fd);
    utimesSync(s.file('c'), atime, mtime);
    expect((await s.pull())[0]).toMatchObject({ action: 'present', sha256: files.c!.sha });
    const [verified] = await s.pull({ verify: true });
    expect(verified).toMatchObject({ action: 'downloaded', sha256: files.c!.sha });
    expect(readFileSync(s.file('c')).equals(files.c!.bytes)).toBe(true);
    expect((await s.pull({ verify: true }))[0]).toMatchObject({ action: 'verified' });
  });

  it('rehashes a file changed since the record (new mtime), downloads it again when it no longer matches', async () => {
    const s = setup('changed', { c: 'hf:org/models-GGUF/q4/c.gguf' });
    await s.pull();
    utimesSync(s.file('c'), new Date(), new Date(Date.now() + 5000));
    expect((await s.pull())[0]).toMatchObject({ action: 'verified' });
    writeFileSync(s.file('c'), randomBytes(300_000));
    expect((await s.pull())[0]).toMatchObject({ action: 'downloaded' });
    expect(readFileSync(s.file('c')).equals(files.c!.bytes)).toBe(true);
  });

  it('downloads a file two models name once, counting its size once', async () => {
    const s = setup('shared', { a: 'hf:org/models-GGUF/q4/a.gguf' });
    const twice = { ...s.config, servers: [s.config.servers[0]!, { ...s.config.servers[0]!, name: 'llm2' }] };
    const before = hub.requests.length;
    const results = await pullAll(twice, {
      hub: { endpoint: hub.endpoint },
      readDisk: async () => ({ id: 'one', freeBytes: 400_000 }),
    });
    expect(results.map((r) => [r.server, r.action]).sort()).toEqual([
      ['llm', 'downloaded'],
      ['llm2', 'downloaded'],
    ]);
    expect(since(before).filter((q) => q.host === 'storage')).toHaveLength(1);
  });

  it('with --force makes a demo model and downloads an hf: model again, as new files (new inodes)', async () => {
    const s = setup('force', { d: 'demo:llama?size=300KB', a: 'hf:org/models-GGUF/q4/a.gguf' });
    await s.pull();
    const inode = (n: string) => statSync(s.file(n)).ino;
    const before = { d: inode('d'), a: inode('a') };
    expect((await s.pull()).map((r) => r.action)).toEqual(['present', 'present']);
    const forced = await s.pull({ force: true });
    expect(forced.map((r) => r.action).sort()).toEqual(['downloaded', 'made']);
    expect(inode('d')).not.toBe(before.d);
    expect(inode('a')).not.toBe(before.a);
    const only = await s.pull({ force: true, models: ['a'] });
    expect(only.map((r) => [r.model, r.action])).toEqual([['a', 'downloaded']]);
  });
});
