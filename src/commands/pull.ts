// `modelctl pull`: obtains every model file the config names (demo synthesis or download) and says what it did.
import { loadConfig } from '../config/load.js';
import { formatBytes, formatMs } from '../config/units.js';
import type { Config } from '../config/schema.js';
import { PullError } from '../errors.js';
import { displayPath, pullAll, type PullResult } from '../models/pull.js';
import { paint, paintErr } from '../report/style.js';

const VERB: Record<PullResult['action'], string> = {
  present: 'present',
  made: 'made',
  downloaded: 'downloaded',
  none: 'nothing to pull',
};

/** `✔ chat  models/demo-chat.gguf  made 2.1 MB in 49 ms`, or the model's error. */
export function formatPullResult(config: Config, r: PullResult): string {
  const where = r.file ? displayPath(config, r.file) : '(package data)';
  if (r.error) return `${paint.red('✘')} ${r.model}  ${where}  ${r.error}`;
  const size = r.bytes === undefined ? '' : ` ${formatBytes(r.bytes)}`;
  const time = r.action === 'present' || r.action === 'none' ? '' : ` in ${formatMs(r.ms)}`;
  return `${paint.green('✔')} ${r.model}  ${where}  ${VERB[r.action]}${size}${time}`;
}

/** Pulls every model; throws naming the models that could not be obtained. Shared by `pull` and `up`. */
export async function pullOrThrow(
  config: Config,
  onResult: (r: PullResult) => void,
  onProgress?: Parameters<typeof pullAll>[2],
): Promise<void> {
  const results = await pullAll(config, onResult, onProgress);
  const failed = results.filter((r) => r.error);
  if (failed.length > 0)
    throw new PullError(
      `${failed.length} model(s) could not be pulled: ${failed.map((r) => `${r.model} (${r.error})`).join('; ')}`,
    );
}

export async function pull(opts: { config: string; json?: boolean }): Promise<void> {
  const config = loadConfig(opts.config);
  const showProgress = !opts.json && process.stderr.isTTY;
  try {
    await pullOrThrow(
      config,
      (r) => console.log(opts.json ? JSON.stringify(r) : formatPullResult(config, r)),
      showProgress
        ? (model, p) => {
            const pct = p.total ? ` ${Math.floor((100 * p.transferred) / p.total)}%` : '';
            process.stderr.write(`\r${paintErr.dim(`${model}: ${formatBytes(p.transferred)}${pct}`)}\x1b[K`);
          }
        : undefined,
    );
  } finally {
    if (showProgress) process.stderr.write('\r\x1b[K');
  }
}
