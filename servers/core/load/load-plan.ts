// How a server loads its models at start-up: in what order, which alone (suspects of an earlier crash, last), and
// which not at all (quarantined). Worked out once from the crash memory; prefetch and the loads both follow it.
import type { ModelRecord, ModelTable } from '../model-states.js';
import type { Verdict } from '../native/crash-verdict.js';
import type { ModelMemo, ModelMemory } from '../native/model-memory.js';
import { orderForLoading, type LoadOrder } from './ordering.js';

/** What a model's memory says about loading it now: as usual, alone and last (a suspect), or not at all. */
interface Placed<H> {
  model: ModelRecord<H>;
  memo: ModelMemo;
  place: 'normal' | 'suspect' | 'quarantined';
}

/** What the plan is worked out from. */
export interface LoadPlanInputs<H> {
  order: LoadOrder;
  /** The last run's load time of each model (for `longest-first`). */
  previousLoadMs: Map<string, number>;
  memory: ModelMemory;
  /** The identity of the file the record's settings name, now. */
  identityOf: (model: ModelRecord<H>) => string | undefined;
}

/** The start-up's plan, worked out from the crash memory each time it is asked (prefetch first, then the loads). */
export class LoadPlan<H> {
  constructor(private readonly inputs: LoadPlanInputs<H>) {}

  /** The models whose loads will start, in that order (suspects last, quarantined left out): what prefetch reads. */
  loadingOrder(models: ModelTable<H>): ModelRecord<H>[] {
    const placed = this.place(models);
    const at = (place: Placed<H>['place']) => placed.filter((p) => p.place === place).map((p) => p.model);
    return [...at('normal'), ...at('suspect')];
  }

  /**
   * Sorts the models into those that load as usual and the suspects of an earlier crash (alone, last); quarantined
   * models are not loaded at all. Reports each crash and quarantine in the timing log.
   */
  sort(models: ModelTable<H>, verdicts: Verdict[]): { normal: ModelRecord<H>[]; suspects: ModelRecord<H>[] } {
    const normal: ModelRecord<H>[] = [];
    const suspects: ModelRecord<H>[] = [];
    for (const { model: m, memo, place } of this.place(models)) {
      const crash = verdicts.find((v) => v.model === m.name)?.crash;
      if (place === 'quarantined') {
        // A model convicted while serving had loaded once.
        m.attempts = memo.attemptsUsed ?? 1;
        m.error = memo.quarantined;
        m.moveTo('quarantined', { event: 'quarantined', attempt: m.attempts, error: m.error, file: m.file });
      } else if (place === 'suspect') {
        m.attempts = memo.attemptsUsed ?? 0;
        if (crash) m.emit({ event: 'crashed', attempt: m.attempts, error: crash, file: m.file });
        suspects.push(m);
      } else {
        if (crash) m.emit({ event: 'crashed', error: crash, file: m.file });
        normal.push(m);
      }
    }
    return { normal, suspects };
  }

  private place(models: ModelTable<H>): Placed<H>[] {
    const { order, previousLoadMs, memory, identityOf } = this.inputs;
    return orderForLoading([...models.values()], order, previousLoadMs).map((model) => {
      const memo = memory.get(model.name, identityOf(model));
      const suspect = memo.crashes > 0 && memo.crashedWhile === 'loading';
      return { model, memo, place: memo.quarantined ? 'quarantined' : suspect ? 'suspect' : 'normal' };
    });
  }
}
