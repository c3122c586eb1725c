// One GET of what a `.part` file still lacks: `Range` from where it ends, a fresh start when the server sends the
// whole file instead (200), nothing at all when it is already complete.
import { pipeline } from 'node:stream/promises';
import got from 'got';
import { DownloadError } from '../../common/errors.js';
import { failedRequest, MAX_REDIRECTS, refusal, tooManyRedirects } from './http-errors.js';
import { type PartFile, partWriter, restartPart } from './part-file.js';
import type { Probe } from './probe.js';
import { type RemoteFile, requestHeaders } from './remote-file.js';

/** Bytes in the file so far (resumed ones included) and the whole size, when known. */
export interface DownloadProgress {
  transferred: number;
  total?: number;
}

interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
}

/** `bytes 100-299/300` → 100 and 300. */
function contentRange(value: unknown): { start?: number; total?: number } {
  const m = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(typeof value === 'string' ? value : '');
  const number = (s: string | undefined) => (s === undefined || s === '*' ? undefined : Number(s));
  return { start: number(m?.[1]), total: number(m?.[2]) };
}

/** Downloads the rest of the file into `part`; a transient DownloadError leaves the part ready to resume. */
export async function downloadRest(
  file: RemoteFile,
  target: Probe,
  part: PartFile,
  onProgress?: (p: DownloadProgress) => void,
  timeoutMs = 30_000,
): Promise<void> {
  if (target.size !== undefined && part.bytes === target.size) return;
  let location: URL | undefined = target.location;
  for (let hop = 0; location; hop++) {
    if (hop === MAX_REDIRECTS) throw tooManyRedirects(file);
    location = await getRest(file, location, target.size, part, onProgress, timeoutMs);
  }
}

/** One GET from `part.bytes` on; returns where a redirect points instead (the token follows only to its origin). */
async function getRest(
  file: RemoteFile,
  url: URL,
  size: number | undefined,
  part: PartFile,
  onProgress: ((p: DownloadProgress) => void) | undefined,
  timeoutMs: number,
): Promise<URL | undefined> {
  const from = part.bytes;
  const headers = requestHeaders(file, url, from > 0 ? { range: `bytes=${from}-` } : {});
  const stream = got.stream(url, {
    headers,
    followRedirect: false,
    throwHttpErrors: false,
    retry: { limit: 0 },
    decompress: false,
    timeout: { response: timeoutMs, socket: 2 * timeoutMs },
  });
  let expectedEnd: number | undefined;
  try {
    const res = await new Promise<Answer>((resolve, reject) => {
      stream.once('response', resolve);
      stream.once('error', reject);
    });
    const range = contentRange(res.headers['content-range']);
    const location = res.headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
      stream.destroy();
      return new URL(location, url);
    }
    if (res.statusCode === 416 && range.total === from) {
      stream.destroy(); // the part already holds every byte
      return undefined;
    }
    if (res.statusCode !== 200 && res.statusCode !== 206) {
      const code = res.headers['x-error-code'];
      throw refusal(file, url, res.statusCode, typeof code === 'string' ? code : undefined, 'authorization' in headers);
    }
    if (res.statusCode === 206 && range.start !== from) {
      restartPart(part);
      throw new DownloadError(`${file.label}: the server resumed at the wrong byte; starting over`, true);
    }
    if (res.statusCode === 200) restartPart(part);
    const length = Number(res.headers['content-length']);
    expectedEnd = Number.isSafeInteger(length) ? part.bytes + length : (range.total ?? size);
    const total = range.total ?? (res.statusCode === 200 ? expectedEnd : size);
    const writer = partWriter(part, () => onProgress?.({ transferred: part.bytes, total }));
    try {
      await pipeline(stream, writer.stream);
    } finally {
      await writer.closed;
    }
  } catch (err) {
    stream.destroy();
    throw failedRequest(file, err);
  }
  if (expectedEnd !== undefined && part.bytes < expectedEnd)
    throw new DownloadError(`${file.label}: the connection ended after ${part.bytes} of ${expectedEnd} bytes`, true);
  return undefined;
}
