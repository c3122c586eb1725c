// Whether a model file already on disk can stay: trusted from the record when its size, mtime and inode are those
// recorded, hashed when there is a checksum to meet and no such record, always hashed with `--verify`.
import type { RecordEntry } from './pull-record.js';
import { identityOf, sameIdentity } from './pull-record.js';
import { sha256File } from './file-ops.js';

/** What a present file is worth. */
export type Presence =
  | { state: 'missing' }
  /** Present and good: `sha256` when known, `verified` when it was hashed now and matched a checksum. */
  | { state: 'present'; size: number; sha256?: string; verified: boolean; hashed: boolean }
  | { state: 'mismatch'; expected: string; actual: string };

/**
 * `expected` is the checksum models.yaml gives, `entry` what the record says of this file (from the same source).
 * With neither, a present file is accepted as it is (there is nothing to compare with) unless `verify` asks for a
 * hash. A file whose size, mtime or inode changed since the record is hashed and compared with the record.
 */
export async function checkPresent(
  file: string,
  expected: string | undefined,
  entry: RecordEntry | undefined,
  verify: boolean,
): Promise<Presence> {
  const id = await identityOf(file);
  if (!id) return { state: 'missing' };
  const want = expected?.toLowerCase();
  if (entry && sameIdentity(entry, id) && !verify) {
    return want && entry.sha256 !== want
      ? { state: 'mismatch', expected: want, actual: entry.sha256 }
      : { state: 'present', size: id.size, sha256: entry.sha256, verified: false, hashed: false };
  }
  const reference = want ?? entry?.sha256;
  if (!reference && !verify) return { state: 'present', size: id.size, verified: false, hashed: false };
  const actual = await sha256File(file);
  if (reference && actual !== reference) return { state: 'mismatch', expected: reference, actual };
  return { state: 'present', size: id.size, sha256: actual, verified: reference !== undefined, hashed: true };
}
