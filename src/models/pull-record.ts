// `.modelctl/pulled.json`: the sha256 of each file pulled or verified, with the size, mtime and inode it had then. A
// file that still has them is trusted without rehashing: hashing 20 GB on every `up` is not acceptable.
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Config } from '../../common/config/types.js';
import { writeAtomically } from './file-ops.js';

/** What identifies a file's content without reading it. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** A file's checksum and the identity it had when the checksum was taken. */
export interface RecordEntry extends FileIdentity {
  sha256: string;
  /**
   * The sha256 of the `source:` the file came from: enough to see that it changed, and a URL's token (after `${ENV}`)
   * never lands on disk.
   */
  sourceSha256?: string;
  /** The hub commit it was downloaded from, for `hf:` sources. */
  commit?: string;
  at: string;
}

/** The whole record file. */
export interface PullRecord {
  version: 1;
  /** By path relative to the config's folder. */
  files: Record<string, RecordEntry>;
}

/** `.modelctl/pulled.json` beside the config. */
export const recordFile = (config: Config): string => join(config.stateDir, 'pulled.json');

/** A model file relative to the config's folder: how the record keys it and the reports show it. */
export const displayPath = (config: Config, file: string): string => relative(config.dir, file) || file;

const digestOf = (source: string | undefined) =>
  source === undefined ? undefined : createHash('sha256').update(source).digest('hex');

/** A file's identity now; undefined when it does not exist. */
export async function identityOf(file: string): Promise<FileIdentity | undefined> {
  const s = await stat(file).catch(() => undefined);
  return s && { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
}

/** Same size, inode and mtime (to the millisecond: tools that restore an mtime may drop the nanoseconds). */
export const sameIdentity = (a: FileIdentity, b: FileIdentity): boolean =>
  a.size === b.size && a.ino === b.ino && Math.abs(a.mtimeMs - b.mtimeMs) < 1;

/**
 * The record, or an empty one when there is none. One that cannot be read is also treated as empty: that only costs
 * a rehash of the files with a checksum, never trust in a file that was not checked. `migrated`: it held sources as
 * written (before they were hashed) and should be saved, hashed, even if nothing else changes.
 */
export async function readRecord(config: Config): Promise<{ record: PullRecord; migrated: boolean }> {
  try {
    const parsed = JSON.parse(await readFile(recordFile(config), 'utf8')) as Partial<PullRecord>;
    if (parsed.version === 1 && parsed.files && typeof parsed.files === 'object') {
      let migrated = false;
      for (const entry of Object.values(parsed.files) as (RecordEntry & { source?: string })[]) {
        if (entry.source === undefined) continue;
        entry.sourceSha256 = digestOf(entry.source);
        delete entry.source;
        migrated = true;
      }
      return { record: { version: 1, files: parsed.files }, migrated };
    }
  } catch {
    /* missing or unreadable: start afresh */
  }
  return { record: { version: 1, files: {} }, migrated: false };
}

/** The entry for a file, if it came from `source`: after a change of source, what was recorded says nothing. */
export function entryOf(config: Config, record: PullRecord, file: string, source?: string): RecordEntry | undefined {
  const entry = record.files[displayPath(config, file)];
  return entry?.sourceSha256 === digestOf(source) ? entry : undefined;
}

/** The record says the file came from a source, and `source` is another one: the file on disk is not the one named. */
export function sourceChanged(config: Config, record: PullRecord, file: string, source?: string): boolean {
  const recorded = record.files[displayPath(config, file)]?.sourceSha256;
  return source !== undefined && recorded !== undefined && recorded !== digestOf(source);
}

/** Remembers a file's checksum with its identity now; `saveRecord` writes it. */
export async function remember(
  config: Config,
  record: PullRecord,
  file: string,
  sha256: string,
  source: string | undefined,
  commit?: string,
): Promise<void> {
  const id = await identityOf(file);
  if (!id) return;
  const sourceSha256 = digestOf(source);
  record.files[displayPath(config, file)] = { ...id, sha256, sourceSha256, commit, at: new Date().toISOString() };
}

/** Writes the record atomically (temp file + rename): a crash leaves the old record or the new one. */
export async function saveRecord(config: Config, record: PullRecord): Promise<void> {
  await writeAtomically(recordFile(config), (tmp) => writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`));
}
