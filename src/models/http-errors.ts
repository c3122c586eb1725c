// Every message about a failed request for a model file, and whether it is worth retrying. Messages name the file as
// its source does (never a token, never a signed query string).
import { DownloadError, messageOf } from '../../common/errors.js';
import type { RemoteFile } from './remote-file.js';

/** Connection-level failures a retry may cure. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Redirects the HEAD and the GET of a file each follow at most. */
export const MAX_REDIRECTS = 10;

/** A request that went round more than MAX_REDIRECTS redirects. */
export const tooManyRedirects = (file: RemoteFile): DownloadError =>
  new DownloadError(`${file.label}: more than ${MAX_REDIRECTS} redirects`, false);

/** Statuses a retry may cure: server errors, rate limits, request timeouts. */
export const isTransientStatus = (status: number): boolean => status >= 500 || status === 429 || status === 408;

/** A request that got no (complete) answer: a refused or reset connection, a timeout, a cut body. */
export function failedRequest(file: RemoteFile, err: unknown): DownloadError {
  if (err instanceof DownloadError) return err;
  const e = err as { code?: string; name?: string };
  const transient =
    (e.code !== undefined && TRANSIENT_CODES.has(e.code)) || e.name === 'TimeoutError' || e.name === 'ReadError';
  // got's messages name the host and the system error; they never carry request headers.
  return new DownloadError(`${file.label}: ${messageOf(err)}`, transient);
}

/**
 * A request the server answered with an error status. A storage host's 401 or 403 is worth a retry: the signed URL
 * the hub redirected to may have expired since the pre-flight HEAD, and the retry asks the hub for a fresh one.
 */
export function refusal(
  file: RemoteFile,
  url: URL,
  status: number,
  errorCode: string | undefined,
  tokenSent: boolean,
): DownloadError {
  const atOrigin = url.origin === file.url.origin;
  const explained = atOrigin ? file.explain?.(status, errorCode, tokenSent) : undefined;
  const generic =
    status === 404
      ? 'no such file'
      : status === 401 || status === 403
        ? 'access denied'
        : isTransientStatus(status)
          ? 'server error'
          : 'refused';
  const where = atOrigin ? '' : ` (storage host ${url.host})`;
  const expired = !atOrigin && (status === 401 || status === 403);
  return new DownloadError(
    `${file.label}: ${explained ?? `HTTP ${status}${where}: ${generic}`}`,
    expired || isTransientStatus(status),
    status,
  );
}
