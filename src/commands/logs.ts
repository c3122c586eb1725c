// `modelctl logs`: the timing logs, in plain words by default or as raw JSON lines; `-f` follows.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { paint } from '../report/style.js';
import { describeEvent, type TimingEvent } from '../timing/events.js';
import { followTimingEvents, readTimingEvents, timingLogFiles } from '../timing/reader.js';

export function registerLogs(program: Command): void {
  program
    .command('logs [server]')
    .description('show the timing logs (every load event of every server, or of one)')
    .option('-c, --config <file>', 'config file', 'models.yaml')
    .option('-f, --follow', 'keep printing new events until Ctrl-C')
    .option('--json', 'print the raw JSON lines')
    .action(async (server: string | undefined, opts: { config: string; follow?: boolean; json?: boolean }) => {
      const config = loadConfig(opts.config);
      const print = (e: TimingEvent) => console.log(opts.json ? JSON.stringify(e) : `${paint.dim(e.ts)} ${e.server.padEnd(10)} ${describeEvent(e)}`);
      readTimingEvents(timingLogFiles(config.stateDir, server)).forEach(print);
      if (!opts.follow) return;
      const stop = followTimingEvents(() => timingLogFiles(config.stateDir, server), print);
      await new Promise<void>((resolve) => process.once('SIGINT', () => { stop(); resolve(); }));
    });
}
