// `modelctl reload [--dry-run]`: the running stack takes the config file again. A bad file changes nothing (exit 2);
// otherwise the supervisor plans the difference and applies it, and this prints the plan, then each step as it
// happens, and exits 0 when all of it was applied, 1 when some step failed (what failed keeps running as it was).
import { loadConfig } from '../../common/config/load.js';
import { ConfigError, ExitCode, ModelctlError } from '../../common/errors.js';
import { isAlive } from '../../common/processes.js';
import { askSupervisor } from '../reload/client.js';
import { planLines } from '../reload/plan-lines.js';
import { plainReporter } from '../report/plain.js';
import { paint } from '../report/style.js';
import type { SupervisorEvent } from '../supervisor/events.js';
import { readStackState } from '../supervisor/state-file.js';

export interface ReloadOptions {
  config: string;
  dryRun?: boolean;
  json?: boolean;
  pull: boolean;
}

export async function reload(opts: ReloadOptions): Promise<void> {
  // Checked here first, so a bad file is reported and nothing is asked of the supervisor.
  const config = loadConfig(opts.config);
  const state = readStackState(config.stateDir);
  if (!state || !isAlive(state.supervisorPid))
    throw new ModelctlError('no stack is running: start one with `modelctl up`');
  if (!state.control) {
    const pid = state.supervisorPid;
    throw new ModelctlError(`the supervisor (pid ${pid}) has no control channel; send it SIGHUP (kill -HUP ${pid})`);
  }
  const say = (o: object) => console.log(JSON.stringify(o));
  if (opts.pull && !opts.dryRun) {
    const note = (text: string) => (opts.json ? say({ type: 'note', text }) : console.log(text));
    await (await import('../pull-first.js')).pullMissing(config, { quiet: true, out: note });
  }
  const names = [...new Set([...state.servers.map((s) => s.name), ...config.servers.map((s) => s.name)])];
  const plain = plainReporter(paint, names);
  const show = (line: SupervisorEvent) => {
    if (opts.json) return say(line);
    if (line.type === 'reload-plan') {
      console.log(line.dryRun ? 'would apply (dry run, nothing changes):' : 'applying:');
      for (const l of planLines(line.plan)) console.log(l);
    } else plain.event(line);
  };
  const result = await askSupervisor(state.control, { type: 'reload', dryRun: opts.dryRun }, show);
  if (opts.json) say({ type: 'result', ...result });
  if (result.ok) return;
  const reported = Boolean(opts.json);
  if (result.exitCode === ExitCode.usage) {
    const problems = (result.error ?? 'the config is not valid').split('\n');
    throw reported ? new ModelctlError(problems.join('; '), { exitCode: 2, reported }) : new ConfigError(problems);
  }
  throw new ModelctlError(result.error ?? 'the reload failed', { reported: reported || result.plan !== undefined });
}
