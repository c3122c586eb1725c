// Holding models to account for a crash of their server. The previous process left a journal naming the models it had
// in native code when it died; each gets a crash on its record. One crash makes a suspect: it gets its next load (or,
// if it crashed while serving, its next request) alone. A crash while alone, after an earlier one, convicts: the model
// is quarantined until its file changes or someone lifts it.
import { howItEnded } from '../../../common/errors.js';
import { LOAD_PHASES, type CrashJournal, type Death, type NativePhase } from '../../../common/crash-journal.js';
import type { ModelMemory } from './model-memory.js';

const WHILE: Record<NativePhase, string> = {
  load: 'while loading',
  verify: 'during its first-sight check',
  warmup: 'while warming up',
  'first-request': 'on its first request',
  request: 'while serving a request',
  check: 'during its liveness check',
  unload: 'while being unloaded',
};

/** `(SIGABRT: GGML_ASSERT(hparams.n_layer_all > 0) failed)`, or what is known when nobody saw the process end. */
export function describeDeath(death: Death | undefined): string {
  if (!death) return '(the process died; no supervisor saw how)';
  return `(${howItEnded(death.code, death.signal, death.lastWords)})`;
}

export interface Verdict {
  model: string;
  /** What happened, in words. */
  crash: string;
  convicted: boolean;
}

/**
 * Applies a journal left by a previous process of this server to the memory. `identityOf` gives each model file's
 * identity now: a model whose file changed since is not held to account. Returns what was decided, for the log.
 */
export function judgeCrash(
  journal: CrashJournal | undefined,
  memory: ModelMemory,
  identityOf: (model: string) => string | undefined,
  isAlive: (pid: number) => boolean,
  fileOf: (model: string) => string | undefined = () => undefined,
): Verdict[] {
  if (!journal || journal.pid === process.pid || journal.inflight.length === 0 || isAlive(journal.pid)) return [];
  const verdicts: Verdict[] = [];
  for (const entry of journal.inflight) {
    const identity = identityOf(entry.model);
    if (identity === undefined || (entry.identity !== undefined && entry.identity !== identity)) continue;
    const where = [entry.model, fileOf(entry.model)].filter(Boolean).join(': ');
    const crash = `${where}: crashed the ${journal.server} server ${WHILE[entry.phase]} ${describeDeath(journal.died)}`;
    const memo = memory.update(entry.model, identity, (m) => {
      const convicted = entry.alone && m.crashes >= 1;
      m.crashes += 1;
      m.crashedWhile = LOAD_PHASES.includes(entry.phase) ? 'loading' : 'serving';
      m.attemptsUsed = entry.attempt;
      m.lastCrash = crash;
      if (convicted) m.quarantined = `${crash}; quarantined`;
    });
    verdicts.push({ model: entry.model, crash, convicted: memo.quarantined !== undefined });
  }
  return verdicts;
}
