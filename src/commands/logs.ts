// `modelctl logs`: the timing logs, in plain words by default or as raw JSON lines; `-f` follows.
import { loadConfig } from '../../common/config/load.js';
import { paint } from '../report/style.js';
import { describeEvent, type TimingEvent } from '../../common/timing/events.js';
import { followTimingEvents, readTimingEvents, timingLogFiles } from '../../common/timing/reader.js';

export async function logs(
  server: string | undefined,
  opts: { config: string; follow?: boolean; json?: boolean },
): Promise<void> {
  const config = loadConfig(opts.config);
  const print = (e: TimingEvent) =>
    console.log(opts.json ? JSON.stringify(e) : `${paint.dim(e.ts)} ${e.server.padEnd(10)} ${describeEvent(e)}`);
  const files = () => timingLogFiles(config.stateDir, server);
  if (!opts.follow) {
    readTimingEvents(files()).forEach(print);
    return;
  }
  // Ctrl-C is ours from the start; the logs so far and what follows come through the same descriptors.
  const interrupted = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  const stop = followTimingEvents(files, print, { backlog: (events) => events.forEach(print) });
  await interrupted;
  stop();
}
