// `modelctl timeline`: where the seconds of the last start-up went, from the timing logs. A waterfall in the terminal
// by default; `--html FILE` writes the page (`-`: to stdout), `--json` prints the timeline itself.
import { join, relative } from 'node:path';
import { loadConfig } from '../../common/config/load.js';
import { ConfigError, ExitCode, ModelctlError } from '../../common/errors.js';
import { readTimingEvents, timingLogFiles } from '../../common/timing/reader.js';
import { paint } from '../report/style.js';
import { buildTimeline } from '../report/timeline/build.js';
import { timelineOptions } from '../report/timeline/from-config.js';
import { eventsOfLatestStartup, latestRuns } from '../report/timeline/from-logs.js';
import { timelineText } from '../report/timeline/text.js';
import { writeTimelineHtml } from '../report/timeline/write.js';

export function timeline(opts: { config: string; html?: string; json?: boolean }): void {
  if (opts.html === '-' && opts.json)
    throw new ConfigError(['--html - and --json both want stdout; give --html a file']);
  const config = loadConfig(opts.config);
  const logs = join(config.stateDir, 'logs');
  const logged = readTimingEvents(timingLogFiles(config.stateDir));
  if (logged.length === 0) {
    const hint = 'run `modelctl up` or `modelctl coldstart-test` first';
    throw new ModelctlError(`no timing events in ${relative(process.cwd(), logs) || '.'}: ${hint}`, {
      exitCode: ExitCode.failure,
    });
  }
  // A start-up's servers all begin within its budget; a server whose latest run is older belongs to another one.
  const { events, leftOut } = eventsOfLatestStartup(latestRuns(logged), config.budgetMs);
  const older = leftOut.length > 0 ? `; left out, their latest run is older: ${leftOut.join(', ')}` : '';
  const note = `the latest start-up in ${relative(process.cwd(), logs)}${older}`;
  const t = buildTimeline(events, timelineOptions(config, config.budgetMs, note));

  if (opts.html) writeTimelineHtml(opts.html, t);
  if (opts.json) console.log(JSON.stringify(t, null, 2));
  else if (opts.html !== '-') {
    const columns = process.stdout.columns ?? (Number(process.env.COLUMNS) || 100);
    console.log(timelineText(t, columns, paint));
    if (opts.html) console.log(`wrote ${opts.html}`);
  }
}
