// `modelctl up`: config → pull → ports → start every server at once → live progress → summary → supervise until a signal.
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { parseDuration } from '../config/units.js';
import { ConfigError, ExitCode, ModelctlError, messageOf } from '../errors.js';
import { jsonReporter } from '../report/json.js';
import { liveReporter } from '../report/live.js';
import { plainReporter } from '../report/plain.js';
import type { Reporter } from '../report/reporter.js';
import { paint } from '../report/style.js';
import { assertPortsFree } from '../supervisor/ports.js';
import { trackStackState } from '../supervisor/state-file.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { runDetached, tellParent } from './detach.js';
import { formatPullResult, pullOrThrow } from './pull.js';

export interface UpOptions { config: string; budget?: string; json?: boolean; pull: boolean; detach?: boolean; daemon?: boolean }

/** The budget from --budget, or the config's. */
export function budgetOf(config: Config, flag: string | undefined): number {
  if (flag === undefined) return config.budget;
  const ms = parseDuration(flag);
  if (ms === undefined) throw new ConfigError([`--budget: expected a duration such as 500ms, 0.5s or 2m, got "${flag}"`]);
  return ms;
}

function chooseReporter(opts: UpOptions, sup: Supervisor): Reporter {
  if (opts.json) return jsonReporter();
  if (process.stdout.isTTY && !opts.daemon) return liveReporter(paint, sup);
  return plainReporter(paint, sup.servers.map((s) => s.config.name));
}

async function up(opts: UpOptions): Promise<void> {
  const config = loadConfig(opts.config);
  const budgetMs = budgetOf(config, opts.budget);
  const quietNote = (text: string) => (opts.json ? console.log(JSON.stringify({ type: 'note', text })) : console.log(text));
  if (opts.pull) await pullOrThrow(config, (r) => { if (r.action === 'made' || r.action === 'downloaded') quietNote(formatPullResult(config, r)); });
  await assertPortsFree(config);
  if (opts.detach) return runDetached(config, budgetMs, opts);

  const sup = new Supervisor(config, { budgetMs, graceMs: config.grace });
  const reporter = chooseReporter(opts, sup);
  sup.on('event', (e) => reporter.event(e));
  const forgetState = trackStackState(config, sup, Boolean(opts.daemon));
  let ready = false;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (ready) resolve(signal);
      else sup.interrupt(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  try {
    const summary = await sup.up();
    ready = true;
    reporter.ready(summary, sup.now(), budgetMs);
    tellParent({ type: 'stack-ready', coldStartMs: sup.now(), budgetMs, summary });
  } catch (err) {
    const exitCode = err instanceof ModelctlError ? err.exitCode : ExitCode.failure;
    reporter.failed(messageOf(err), exitCode);
    tellParent({ type: 'failed', message: messageOf(err), exitCode });
    reporter.close();
    forgetState();
    if (err instanceof ModelctlError) err.reported = true;
    throw err;
  }
  const signal = await stopped;
  reporter.note(`${signal}: stopping every server`);
  await sup.shutdown();
  reporter.close();
  forgetState();
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start every server in models.yaml, show where the cold start goes, and supervise until Ctrl-C')
    .option('-c, --config <file>', 'config file', 'models.yaml')
    .option('--budget <duration>', 'cold-start budget (default: the config\'s budget, 120s)')
    .option('--json', 'print machine-readable events, one JSON object per line')
    .option('--no-pull', 'do not make or download missing model files first')
    .option('-d, --detach', 'return once the stack is ready and leave it running under a background supervisor (stop it with `modelctl down`)')
    .addOption(new Option('--daemon', 'run as the background supervisor of `up -d`').hideHelp())
    .addHelpText('after', `
Exit codes: 0 stopped cleanly after ready, 1 a server or model failed (or a port is taken), 2 bad config or flags,
3 the cold-start budget was exceeded, 130 interrupted before ready. Every server is stopped on any of them.`)
    .action((opts: UpOptions) => up(opts));
}
