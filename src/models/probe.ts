// Asks for a remote file's size, checksum and final location (HEAD) before any byte is downloaded: the free-space
// check needs the sizes, and the download needs the storage URL the hub redirects to.
import got, { type Response } from 'got';
import { DownloadError } from '../../common/errors.js';
import { failedRequest, MAX_REDIRECTS, refusal, tooManyRedirects } from './http-errors.js';
import { type RemoteFile, requestHeaders } from './remote-file.js';

/** What a HEAD request learned before the download. */
export interface Probe {
  /** Where the bytes are: the file's URL, or the storage URL the hub redirected to (often signed, short-lived). */
  location: URL;
  size?: number;
  /** The sha256 the hub published for the file (`X-Linked-Etag` of an LFS file). */
  sha256?: string;
  /** The commit the revision resolved to (`X-Repo-Commit`). */
  commit?: string;
}

/** `"abc"`, `W/"abc"` → `abc`. */
const bareEtag = (etag: string | undefined) => etag?.replace(/^W\//, '').replace(/^"|"$/g, '');

const header = (res: Response, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const numberHeader = (res: Response, name: string): number | undefined => {
  const n = Number(header(res, name));
  return header(res, name) !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/**
 * Walks the redirects with HEAD requests. The hub's answer to a resolve request carries the file's size and sha256
 * (`X-Linked-Size`, `X-Linked-Etag`) beside its redirect to the storage host, so the walk stops there: the signed
 * storage URL is for the download. The token goes to the hub's origin only.
 */
export async function probe(file: RemoteFile, timeoutMs = 30_000): Promise<Probe> {
  let url = file.url;
  const found: Omit<Probe, 'location'> = {};
  for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
    const headers = requestHeaders(file, url);
    let res: Response;
    try {
      res = await got(url, {
        method: 'HEAD',
        headers,
        followRedirect: false,
        throwHttpErrors: false,
        retry: { limit: 0 },
        decompress: false,
        timeout: { request: timeoutMs },
      });
    } catch (err) {
      throw failedRequest(file, err);
    }
    const linkedEtag = bareEtag(header(res, 'x-linked-etag'))?.toLowerCase();
    found.sha256 ??= linkedEtag && /^[0-9a-f]{64}$/.test(linkedEtag) ? linkedEtag : undefined;
    found.size ??= numberHeader(res, 'x-linked-size');
    found.commit ??= header(res, 'x-repo-commit');
    const code = res.statusCode;
    if (code >= 300 && code < 400) {
      const next = header(res, 'location');
      if (!next) throw new DownloadError(`${file.label}: HTTP ${code} without a Location`, false, code);
      url = new URL(next, url);
      if (found.size !== undefined) return { ...found, location: url };
      continue;
    }
    if (code >= 200 && code < 300)
      return { ...found, size: found.size ?? numberHeader(res, 'content-length'), location: url };
    // A server may not answer HEAD at all, and a storage host may refuse it on a URL signed for GET: the download
    // itself will tell.
    if (code === 405 || code === 501 || (hop > 0 && code === 403)) return { ...found, location: url };
    throw refusal(file, url, code, header(res, 'x-error-code'), 'authorization' in headers);
  }
  throw tooManyRedirects(file);
}
