// `modelctl pull`: obtains every model file the config names (demo synthesis or download) and says what it did.
import { loadConfig } from '../../common/config/load.js';
import { pullOrThrow } from '../models/pull.js';
import { formatBytes } from '../report/format.js';
import { formatPullResult } from '../report/pull-line.js';
import { paintErr } from '../report/style.js';

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
