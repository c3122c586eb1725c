// `modelctl pull`: obtains every model file the config names (demo synthesis or download) and says what it did.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { formatBytes, formatMs } from '../config/units.js';
import { ModelctlError } from '../errors.js';
import { displayPath, pullAll, type PullResult } from '../models/pull.js';
import { paint, paintErr } from '../report/style.js';

const VERB: Record<PullResult['action'], string> = { present: 'present', made: 'made', downloaded: 'downloaded', none: 'nothing to pull' };

export function registerPull(program: Command): void {
  program
    .command('pull')
    .description('make sure every model file exists: synthesize demo:* models, download http(s) sources, verify sha256')
    .option('-c, --config <file>', 'config file', 'models.yaml')
    .option('--json', 'print one JSON result per model')
    .action(async (opts: { config: string; json?: boolean }) => {
      const config = loadConfig(opts.config);
      const showProgress = !opts.json && process.stderr.isTTY;
      const results = await pullAll(config, (r) => {
        if (opts.json) return console.log(JSON.stringify(r));
        const where = r.file ? displayPath(config, r.file) : '(package data)';
        if (r.error) return console.log(`${paint.red('✘')} ${r.model}  ${where}  ${r.error}`);
        const size = r.bytes === undefined ? '' : ` ${formatBytes(r.bytes)}`;
        const time = r.action === 'present' || r.action === 'none' ? '' : ` in ${formatMs(r.ms)}`;
        console.log(`${paint.green('✔')} ${r.model}  ${where}  ${VERB[r.action]}${size}${time}`);
      }, showProgress ? (model, p) => {
        const pct = p.total ? ` ${Math.floor((100 * p.transferred) / p.total)}%` : '';
        process.stderr.write(`\r${paintErr.dim(`${model}: ${formatBytes(p.transferred)}${pct}`)}\x1b[K`);
      } : undefined);
      if (showProgress) process.stderr.write('\r\x1b[K');
      const failed = results.filter((r) => r.error);
      if (failed.length > 0) throw new ModelctlError(`${failed.length} model(s) could not be pulled: ${failed.map((r) => r.model).join(', ')}`);
    });
}
