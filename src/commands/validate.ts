// `modelctl validate`: checks a config and lists every problem, not just the first.
import { loadConfig } from '../config/load.js';
import { formatMs } from '../config/units.js';
import { paint } from '../report/style.js';

export function validate(opts: { config: string; json?: boolean }): void {
  const config = loadConfig(opts.config);
  if (opts.json) return console.log(JSON.stringify({ valid: true, config }, null, 2));
  const models = config.servers.reduce((n, s) => n + s.models.length, 0);
  console.log(
    `${paint.green('✔')} ${opts.config}: ${config.servers.length} server(s), ${models} model(s), budget ${formatMs(config.budget)}`,
  );
}
