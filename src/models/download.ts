// Downloads a model over http(s): resumes a `.part` file with a Range request, restarts when the server will not
// resume, checks sha256.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import got from 'got';
import { PullError } from '../../common/errors.js';
import { fileSize, sha256File } from './file-ops.js';

export interface DownloadProgress {
  transferred: number;
  total?: number;
}

/** Downloads `url` to `file`; the finished file appears only once complete (and verified when `sha256` is given). */
export async function download(
  url: URL,
  file: string,
  opts: { sha256?: string; onProgress?: (p: DownloadProgress) => void } = {},
): Promise<{ bytes: number; resumedFrom: number }> {
  const part = `${file}.part`;
  const have = (await fileSize(part)) ?? 0;
  const stream = got.stream(url, {
    headers: have > 0 ? { range: `bytes=${have}-` } : {},
    retry: { limit: 2 },
    timeout: { response: 30_000 },
  });
  let resumedFrom = 0;
  stream.on('response', (res: { statusCode: number }) => {
    resumedFrom = res.statusCode === 206 ? have : 0;
  });
  stream.on('downloadProgress', (p: { transferred: number; total?: number }) =>
    opts.onProgress?.({ transferred: resumedFrom + p.transferred, total: p.total && resumedFrom + p.total }),
  );
  try {
    // Open the file only once we know whether the server resumes: append on 206, start over on 200.
    await new Promise<void>((resolve, reject) => {
      stream.once('response', () => resolve());
      stream.once('error', reject);
    });
    await pipeline(stream, createWriteStream(part, { flags: resumedFrom > 0 ? 'a' : 'w' }));
  } catch (err) {
    throw new PullError(`download of ${url} failed: ${(err as Error).message} (run pull again to resume)`, {
      cause: err,
    });
  }
  if (opts.sha256) {
    const actual = await sha256File(part);
    if (actual !== opts.sha256.toLowerCase()) {
      await rm(part, { force: true });
      throw new PullError(
        `${url}: sha256 mismatch: expected ${opts.sha256}, got ${actual}; the download was discarded`,
      );
    }
  }
  await rename(part, file);
  return { bytes: (await fileSize(file)) ?? 0, resumedFrom };
}
