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
  readTimingEvents(timingLogFiles(config.stateDir, server)).forEach(print);
  if (!opts.follow) return;
  const stop = followTimingEvents(() => timingLogFiles(config.stateDir, server), print);
  await new Promise<void>((resolve) =>
    process.once('SIGINT', () => {
      stop();
      resolve();
    }),
  );
}
