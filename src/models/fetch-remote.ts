// Downloads one remote model file end to end: size and checksum from the origin, resumable attempts with retries,
// verification, and only then the rename into place. A file that does not match its checksum never appears.
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DownloadError, PullError } from '../../common/errors.js';
import type { DownloadProgress } from './download.js';
import { downloadRest } from './download.js';
import { openPart, type PartFile, partPathOf } from './part-file.js';
import { type Probe, probe } from './probe.js';
import type { RemoteFile } from './remote-file.js';
import { type RetryPolicy, withRetries } from './retry.js';

/** What to check the bytes against, where to start, and whom to tell. */
export interface FetchOptions {
  /** The checksum models.yaml gives; the origin's (`X-Linked-Etag`) is used when there is none. */
  sha256?: string;
  /** What the pre-flight HEAD found; later attempts ask again (signed storage URLs expire). */
  probed?: Probe;
  /** Discard an earlier `.part` (`pull --force`). */
  fresh?: boolean;
  retry: RetryPolicy;
  onStart?: (info: { total?: number; from: number }) => void;
  onProgress?: (p: DownloadProgress) => void;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/** A file that is in place, and what is known of it. */
export interface Fetched {
  bytes: number;
  sha256: string;
  /** Bytes an earlier run had left in the `.part` file. */
  resumedFrom: number;
  /** Whether the bytes were checked against a published or configured checksum. */
  verified: boolean;
  /** The repository commit the file came from, when the origin is a hub (`X-Repo-Commit`). */
  commit?: string;
}

/** Downloads `file` to `dest` (through `dest.part`), verified when a checksum is known. */
export async function fetchRemote(file: RemoteFile, dest: string, opts: FetchOptions): Promise<Fetched> {
  const partPath = partPathOf(dest);
  await mkdir(dirname(dest), { recursive: true });
  if (opts.fresh) await rm(partPath, { force: true });
  let target: Probe | undefined;
  let part: PartFile | undefined;
  let resumedFrom = 0;
  await withRetries(
    opts.retry,
    async (n) => {
      target = n === 1 && opts.probed ? opts.probed : await probe(file);
      if (!part) {
        part = await openPart(partPath, target.size);
        resumedFrom = part.bytes;
        opts.onStart?.({ total: target.size, from: part.bytes });
      }
      await downloadRest(file, target, part, opts.onProgress);
      if (target.size !== undefined && part.bytes < target.size)
        throw new DownloadError(`${file.label}: got ${part.bytes} of ${target.size} bytes`, true);
    },
    opts.onRetry,
  );
  const done = part!;
  const size = target!.size;
  if (size !== undefined && done.bytes !== size) {
    await rm(partPath, { force: true });
    throw new PullError(`${file.label}: got ${done.bytes} bytes, the origin announced ${size}; discarded`);
  }
  const actual = done.hash.digest('hex');
  const expected = opts.sha256?.toLowerCase() ?? target!.sha256;
  if (expected && actual !== expected) {
    await rm(partPath, { force: true });
    const from = opts.sha256 ? 'models.yaml' : 'the hub (X-Linked-Etag)';
    throw new PullError(
      `${file.label}: sha256 mismatch: expected ${expected} (from ${from}), got ${actual}; the download was discarded`,
    );
  }
  await rename(partPath, dest);
  const resumed = done.restarted ? 0 : resumedFrom;
  return { bytes: done.bytes, sha256: actual, resumedFrom: resumed, verified: !!expected, commit: target!.commit };
}
