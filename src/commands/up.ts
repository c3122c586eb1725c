// `modelctl up`: config → pull → ports → start every server at once → live progress → summary → supervise until a
// signal.
import { loadConfig } from '../../common/config/load.js';
import type { Config } from '../../common/config/types.js';
import { alreadyReported, ExitCode, ModelctlError, messageOf } from '../../common/errors.js';
import { jsonReporter } from '../report/json.js';
import { liveReporter } from '../report/live.js';
import { plainReporter } from '../report/plain.js';
import type { Reporter } from '../report/reporter.js';
import { canRedraw, paint } from '../report/style.js';
import { assertPortsFree } from '../supervisor/ports.js';
import { trackStackState } from '../supervisor/state-file.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { quarantinedRequired } from '../supervisor/view/stack-summary.js';
import { initialView, type StackView } from '../supervisor/view/stack-view.js';
import { openReloads } from '../reload/serve.js';
import { runDetached, tellParent } from '../detach.js';
import { budgetFlag } from '../flags.js';

export interface UpOptions {
  /** `wait` is checked by commander (`choices`). */
  config: string;
  budget?: string;
  json?: boolean;
  pull: boolean;
  detach?: boolean;
  daemon?: boolean;
  wait: 'all' | 'serving';
  warmup?: boolean;
}

function chooseReporter(opts: UpOptions, config: Config, now: () => number): Reporter {
  if (opts.json) return jsonReporter();
  if (canRedraw(process.stdout) && !opts.daemon) return liveReporter(paint, initialView(config), now);
  return plainReporter(
    paint,
    config.servers.map((s) => s.name),
  );
}

export async function up(opts: UpOptions): Promise<void> {
  const config = loadConfig(opts.config);
  const budgetMs = budgetFlag(config, opts.budget);
  const quietNote = (text: string) =>
    opts.json ? console.log(JSON.stringify({ type: 'note', text })) : console.log(text);
  // Imported only to pull: a start that finds every file present (or --no-pull) never loads the download code.
  if (opts.pull) await (await import('../pull-first.js')).pullMissing(config, { quiet: opts.json, out: quietNote });
  await assertPortsFree(config);
  if (opts.detach) return runDetached(config, budgetMs, opts);

  const sup = new Supervisor(config, {
    budgetMs,
    wait: opts.wait,
    warmup: opts.warmup,
    watch: true,
  });
  const reporter = chooseReporter(opts, config, () => sup.now());
  sup.on('event', (e) => reporter.event(e));
  let ready = false;
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (signal: NodeJS.Signals) => {
      if (ready) resolve(signal);
      else sup.interrupt(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const reloads = await openReloads(config, sup, {
    hangupStops: Boolean(process.stdout.isTTY) && !opts.daemon,
    onHangup: () => onSignal('SIGHUP'),
    note: (text) => reporter.note(text),
  });
  const stackStartedAt = Date.now() - sup.now();
  const tracker = trackStackState(config, { detached: Boolean(opts.daemon), control: reloads.path, stackStartedAt });
  sup.on('event', (e) => tracker.event(e));
  const forgetState = () => {
    reloads.close();
    tracker.remove();
  };

  try {
    const summary = await sup.up();
    ready = true;
    reloads.accept();
    reporter.ready(summary, sup.now(), budgetMs);
    tellParent({ type: 'stack-ready', coldStartMs: sup.now(), budgetMs, summary });
  } catch (err) {
    const exitCode = err instanceof ModelctlError ? err.exitCode : ExitCode.failure;
    reporter.failed(messageOf(err), exitCode);
    tellParent({ type: 'failed', message: messageOf(err), exitCode });
    reporter.close();
    forgetState();
    throw err instanceof ModelctlError ? alreadyReported(err) : err;
  }
  const signal = await stopped;
  reloads.close();
  reporter.note(`${signal}: stopping every server`);
  const unwell = whatWentWrong(sup.view, sup.running, opts.wait);
  await sup.shutdown();
  reporter.close();
  forgetState();
  if (unwell.length > 0) throw new ModelctlError(`stopped cleanly, but ${unwell.join('; ')}`);
}

/**
 * After a clean stop, what still makes the run a failure (exit 1): a server that failed while running, and with
 * `--wait all` a required model that was quarantined.
 */
function whatWentWrong(view: StackView, running: Config, wait: UpOptions['wait']): string[] {
  const failed = view.servers.filter((s) => s.state === 'failed').map((s) => `server ${s.name} failed`);
  const quarantined =
    wait === 'all' ? quarantinedRequired(view, running).map((q) => `a required model is out: ${q}`) : [];
  return [...failed, ...quarantined];
}
