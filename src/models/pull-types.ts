// What a pull reports (a result per model, events while files download) and what it can be asked to do.
import type { DiskReader } from './disk-space.js';
import type { Hub } from './hf.js';
import type { RetryPolicy } from './retry.js';

/** What a pull did for a model (`verified`: present, and hashed now against a checksum). */
export type PullAction = 'present' | 'verified' | 'made' | 'downloaded' | 'none';

/** One model's outcome: printed by `pull`, mentioned by `up`, a JSON `result` event. */
export interface PullResult {
  server: string;
  model: string;
  file?: string;
  action: PullAction;
  bytes?: number;
  ms: number;
  sha256?: string;
  /** Bytes an earlier, interrupted run had already downloaded. */
  resumedFrom?: number;
  error?: string;
}

/** An event without the model it is about. */
export type PullEventBody =
  | { type: 'start'; total?: number; from: number }
  | { type: 'progress'; transferred: number; total?: number }
  | { type: 'retry'; attempt: number; delayMs: number; reason: string };

/** What happens while files are obtained, for the progress view (the outcomes come through `onResult`). */
export type PullEvent = { server: string; model: string } & PullEventBody;

/** What to pull and how; the swappable edges (disk reader, retry sleep) are for tests. */
export interface PullOptions {
  /** Where `hf:` sources live and the token for them; the public hub, no token, when not given. */
  hub?: Hub;
  /** Model names to pull; every model when empty. */
  models?: string[];
  /** Obtain again even what is present (a fresh file: new size, mtime and inode). */
  force?: boolean;
  /** Rehash present files instead of trusting the record. */
  verify?: boolean;
  /** Files made or downloaded at once (default 3). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  readDisk?: DiskReader;
  onResult?: (r: PullResult) => void;
  onEvent?: (e: PullEvent) => void;
}
