// `modelctl validate`: checks a config and lists every problem, not just the first.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { formatMs } from '../config/units.js';
import { paint } from '../report/style.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check models.yaml and list every problem with its line and key path (exit 0 valid, 2 invalid)')
    .option('-c, --config <file>', 'config file', 'models.yaml')
    .option('--json', 'print the parsed config (or the errors) as JSON')
    .action((opts: { config: string; json?: boolean }) => {
      const config = loadConfig(opts.config);
      if (opts.json) return console.log(JSON.stringify({ valid: true, config }, null, 2));
      const models = config.servers.reduce((n, s) => n + s.models.length, 0);
      console.log(`${paint.green('✔')} ${opts.config}: ${config.servers.length} server(s), ${models} model(s), budget ${formatMs(config.budget)}`);
    });
}
