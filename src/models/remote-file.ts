// A file to download, whatever named it (an http(s) URL or an `hf:` reference): where to ask, what messages call it,
// and who may see the token.
import { HF_PREFIX } from '../../common/config/hf-ref.js';
import { explainHubRefusal, type Hub, resolveUrl } from './hf.js';
import type { Source } from './source.js';

/** Everything a download needs to know about where a file is and who may read it. */
export interface RemoteFile {
  url: URL;
  /** What messages call the file: never a token, never a signed query string. */
  label: string;
  /** A bearer token for `url`'s origin; never sent to any other host (the storage host a hub redirects to). */
  token?: string;
  /** Why the origin refused the file, when it can say better than the status code. */
  explain?: (status: number, errorCode: string | undefined, tokenSent: boolean) => string | undefined;
}

/** The remote file a URL or hf: source names; undefined for sources that are made, not downloaded. */
export function remoteFileOf(source: Source, hub: Hub): RemoteFile | undefined {
  if (source.kind === 'url') return { url: source.url, label: withoutQuery(source.url) };
  if (source.kind !== 'hf') return undefined;
  const { ref } = source;
  const revision = ref.revision === 'main' ? '' : `@${ref.revision}`;
  return {
    url: resolveUrl(ref, hub),
    label: `${HF_PREFIX}${ref.owner}/${ref.repo}/${ref.file}${revision}`,
    token: hub.token,
    explain: (status, errorCode, tokenSent) => explainHubRefusal(ref, hub, status, errorCode, tokenSent),
  };
}

/** A URL as messages may show it: signed storage URLs carry credentials in their query. */
export function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** Headers for a request to `url`: raw bytes (sizes and ranges mean what they say), the token only at its origin. */
export function requestHeaders(file: RemoteFile, url: URL, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'modelctl', ...extra };
  if (file.token && url.origin === file.url.origin) headers.authorization = `Bearer ${file.token}`;
  return headers;
}
