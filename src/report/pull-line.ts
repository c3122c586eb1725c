// One line per pulled model, for `pull` and `up`: `✔ chat  models/demo-chat.gguf  made 2.1 MB in 49 ms`.
import type { Config } from '../../common/config/types.js';
import { displayPath, type PullResult } from '../models/pull.js';
import { formatBytes, formatMs } from '../format.js';
import { paint } from './style.js';

const VERB: Record<PullResult['action'], string> = {
  present: 'present',
  verified: 'present, sha256 verified',
  made: 'made',
  downloaded: 'downloaded',
  none: 'nothing to pull',
};

/** `✔ chat  models/demo-chat.gguf  made 2.1 MB in 49 ms`, or the model's error. */
export function formatPullResult(config: Config, r: PullResult): string {
  const where = r.file ? displayPath(config, r.file) : '(package data)';
  if (r.error) return `${paint.red('✘')} ${r.model}  ${where}  ${r.error}`;
  const size = r.bytes === undefined ? '' : ` ${formatBytes(r.bytes)}`;
  const time = r.action !== 'present' && r.action !== 'none' ? ` in ${formatMs(r.ms)}` : '';
  const resumed = r.resumedFrom ? ` (resumed at ${formatBytes(r.resumedFrom)})` : '';
  return `${paint.green('✔')} ${r.model}  ${where}  ${VERB[r.action]}${size}${time}${resumed}`;
}
