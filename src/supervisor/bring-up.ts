// One server from spawn to ready, by a deadline: its race to ready (readiness.ts), and a start-up crash that its
// journal pins on models in native code restarted at once, so that the server holds those models to account. And,
// when it is not ready, the error that says why.
import {
  BudgetExceededError,
  InterruptedError,
  ModelctlError,
  ModelFailedError,
  ServerExitedError,
} from '../../common/errors.js';
import type { ManagedServer, SupervisorCore } from './core.js';
import { attributeCrash, maxStartupCrashRestarts } from './crash.js';
import { healthUrlOf, waitUntilReady, type Outcome } from './readiness.js';
import { stillLoading } from './view/stack-summary.js';

/** How a start that did not end ready ended. */
export type NotReady = Exclude<Outcome, { kind: 'ready' }>;

/**
 * Starts `s` and waits until it is ready, by `deadline` (ms since the stack started). Once the stack is stopping
 * nothing is started: `aborted`.
 */
export async function bringUp(core: SupervisorCore, s: ManagedServer, deadline: number): Promise<Outcome> {
  if (core.stopping) return { kind: 'aborted' };
  core.setState(s, 'starting');
  for (let crashes = 0; ; crashes++) {
    const proc = core.spawn(s);
    const over = core.starting(s, proc);
    const outcome = await waitUntilReady(proc, {
      timeoutMs: deadline - core.now(),
      signal: core.signal,
      healthUrl: healthUrlOf(s.config),
      probe: core.opts.probe,
      acceptServing: core.opts.wait === 'serving',
    });
    over();
    if (outcome.kind === 'ready') {
      if (s.state === 'starting') core.setState(s, 'ready');
      return outcome;
    }
    if (outcome.kind !== 'exited' || core.stopping) return outcome;
    const crash = attributeCrash(core.running, s.config, proc, outcome.exit);
    if (!crash || crashes >= maxStartupCrashRestarts(s.config)) return outcome;
    s.restarts += 1;
    core.setState(s, 'restarting', crash.reason);
    const reason = `${crash.reason}; restarted at once`;
    core.send({ type: 'restart', server: s.config.name, attempt: s.restarts, delayMs: 0, at: core.now(), reason });
    core.setState(s, 'starting');
  }
}

/** Why `s` is not ready, as the error `up` (or a reload's step) ends with. */
export function explain(core: SupervisorCore, s: ManagedServer, o: NotReady): ModelctlError {
  switch (o.kind) {
    case 'exited': {
      const lines = s.proc?.lastLines(8) ?? [];
      return new ServerExitedError(s.config.name, o.exit.code, o.exit.signal, lines, s.state === 'ready');
    }
    case 'model-failed':
      return new ModelFailedError(s.config.name, o.error);
    case 'aborted':
      if (core.stopping && !core.interruptedBy) return new ModelctlError('not started: the stack is stopping');
      return new InterruptedError(core.interruptedBy ?? 'a signal');
    case 'deadline':
      return new BudgetExceededError(core.opts.budgetMs, stillLoading(core.view), core.opts.deadlineMs);
  }
}
