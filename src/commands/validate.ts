// `modelctl validate`: checks a config and lists every problem, not just the first.
import { loadConfig } from '../../common/config/load.js';
import { formatMs } from '../report/format.js';
import { paint } from '../report/style.js';

export function validate(opts: { config: string; json?: boolean }): void {
  const config = loadConfig(opts.config);
  if (opts.json) return console.log(JSON.stringify({ valid: true, config }, null, 2));
  const models = config.servers.reduce((n, s) => n + s.models.length, 0);
  const counts = `${config.servers.length} server(s), ${models} model(s)`;
  console.log(`${paint.green('✔')} ${opts.config}: ${counts}, budget ${formatMs(config.budgetMs)}`);
}
