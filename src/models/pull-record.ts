// `.modelctl/pulled.json`: the sha256 of each file pulled or verified, with the size, mtime and inode it had then. A
// file that still has them is trusted without rehashing: hashing 20 GB on every `up` is not acceptable.
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
  /** The source the file came from (never a URL with a token or a signature). */
  source?: string;
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
const keyOf = (config: Config, file: string) => relative(config.dir, file) || file;

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
 * a rehash of the files with a checksum, never trust in a file that was not checked.
 */
export async function readRecord(config: Config): Promise<PullRecord> {
  try {
    const parsed = JSON.parse(await readFile(recordFile(config), 'utf8')) as Partial<PullRecord>;
    if (parsed.version === 1 && parsed.files && typeof parsed.files === 'object')
      return { version: 1, files: parsed.files };
  } catch {
    /* missing or unreadable: start afresh */
  }
  return { version: 1, files: {} };
}

/** The entry for a file, if it came from `source`: after a change of source, what was recorded says nothing. */
export function entryOf(config: Config, record: PullRecord, file: string, source?: string): RecordEntry | undefined {
  const entry = record.files[keyOf(config, file)];
  return entry?.source === source ? entry : undefined;
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
  if (id) record.files[keyOf(config, file)] = { ...id, sha256, source, commit, at: new Date().toISOString() };
}

/** Writes the record atomically (temp file + rename): a crash leaves the old record or the new one. */
export async function saveRecord(config: Config, record: PullRecord): Promise<void> {
  await writeAtomically(recordFile(config), (tmp) => writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`));
}
