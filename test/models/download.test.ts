import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { download } from '../../src/models/download.js';
import { serveBytes } from '../helpers/file-server.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const payload = randomBytes(300_000);
const sha = createHash('sha256').update(payload).digest('hex');
const server = serveBytes(payload);

describe('download', () => {
  it('downloads, verifies sha256 and renames into place', async () => {
    const file = join(dir, 'a.bin');
    const r = await download(new URL(`${server.base}/model`), file, { sha256: sha });
    expect(r).toEqual({ bytes: payload.length, resumedFrom: 0 });
    expect(readFileSync(file).equals(payload)).toBe(true);
    expect(existsSync(`${file}.part`)).toBe(false);
  });

  it('resumes a partial download with a Range request', async () => {
    const file = join(dir, 'b.bin');
    writeFileSync(`${file}.part`, payload.subarray(0, 100_000));
    const r = await download(new URL(`${server.base}/model`), file, { sha256: sha });
    expect(r.resumedFrom).toBe(100_000);
    expect(server.requests.at(-1)!.range).toBe('bytes=100000-');
    expect(readFileSync(file).equals(payload)).toBe(true);
  });

  it('starts over when the server does not resume', async () => {
    const file = join(dir, 'c.bin');
    writeFileSync(`${file}.part`, Buffer.from('stale bytes'));
    const r = await download(new URL(`${server.base}/no-range`), file, { sha256: sha });
    expect(r.resumedFrom).toBe(0);
    expect(readFileSync(file).equals(payload)).toBe(true);
  });

  it('discards a download whose sha256 does not match and leaves no file', async () => {
    const file = join(dir, 'd.bin');
    await expect(download(new URL(`${server.base}/model`), file, { sha256: '0'.repeat(64) })).rejects.toThrow(
      /sha256 mismatch: expected 0{64}, got [0-9a-f]{64}/,
    );
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.part`)).toBe(false);
  });
});
