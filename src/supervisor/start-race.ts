// `up`'s start: every server at once, each racing to ready under one budget; the first failure stops them all (fail
// fast), and an exit of a server that was ready before the rest is a failure too. Once all are ready, each is put under
// the policies' watch and the stack is ready.
import type { SummaryRow } from './events.js';
import { bringUp, explain, type NotReady } from './bring-up.js';
import type { ManagedServer, SupervisorCore } from './core.js';
import type { Outcome } from './readiness.js';
import type { ServerProcess } from './server-process.js';
import { canMove } from './states.js';
import { summaryOf } from './view/stack-summary.js';

/** How one server's wait during `up` ended: its race to ready, or (once ready) its process's exit. */
interface Settled {
  s: ManagedServer;
  outcome: Outcome;
}

/** The first failure while the stack starts: marks that server failed, stops every server, and throws why. */
async function failFast(core: SupervisorCore, s: ManagedServer, outcome: NotReady): Promise<never> {
  const error = explain(core, s, outcome);
  if (outcome.kind !== 'aborted' && canMove(s.state, 'failed')) core.setState(s, 'failed', error.message);
  await core.shutdown();
  throw error;
}

/** Brings every server up: resolves with the summary once all are ready; on the first failure stops all, throws why. */
export async function raceToReady(core: SupervisorCore): Promise<SummaryRow[]> {
  const deadline = core.opts.deadlineMs ?? core.opts.budgetMs;
  const settle = (s: ManagedServer, outcome: Promise<Outcome>) => outcome.then((o): Settled => ({ s, outcome: o }));
  const exitOf = (proc: ServerProcess) => proc.exited.then((exit): Outcome => ({ kind: 'exited', exit }));
  // What ends each server's wait: its race to ready, then (once it is ready) its exit, until the whole stack is.
  const waits = new Map(core.servers.map((s) => [s, settle(s, bringUp(core, s, deadline))]));
  let starting = core.servers.length;
  while (starting > 0) {
    const { s, outcome } = await Promise.race(waits.values());
    if (outcome.kind !== 'ready') return failFast(core, s, outcome);
    starting -= 1;
    waits.set(s, settle(s, exitOf(s.proc!)));
  }
  // An exit in the same turn as the last ready may not have settled its wait yet.
  const gone = core.servers.find((s) => s.proc?.exitInfo);
  if (gone) return failFast(core, gone, { kind: 'exited', exit: gone.proc!.exitInfo! });
  for (const s of core.servers) core.supervise(s);
  const summary = summaryOf(core.view);
  core.send({ type: 'stack-ready', at: core.now(), summary });
  return summary;
}
