// How a server loads its models: in what order, which alone (suspects of an earlier crash, last), which not at all
// (quarantined), and what runs inside each attempt (the load, the first-sight check, warm-up), all as native work.
import type { BuiltinServerConfig } from '../../../common/config/types.js';
import type { ModelTable } from '../http/app.js';
import { MemoryGate } from './admission.js';
import { Loader } from './loader.js';
import type { ModelMemo, ModelMemory } from '../native/model-memory.js';
import type { ModelRecord } from '../model-states.js';
import type { NativeWork } from '../native/native-work.js';
import { orderForLoading } from './ordering.js';
import type { Engine } from '../run-server.js';
import type { Emit } from '../timing-emitter.js';
import type { Verdict } from '../native/crash-verdict.js';

export interface LoadContext<H> {
  server: BuiltinServerConfig;
  engine: Engine<H>;
  native: NativeWork;
  memory: ModelMemory;
  emit: Emit;
  /** The identity of the file the record's settings name, now. */
  identityOf: (model: ModelRecord<H>) => string | undefined;
  /** `up --warmup`. */
  forceWarmup: boolean;
}

/** The server's loader (and its memory gate): loads run as native work, alone for the models in `alone`. */
export function createServerLoader<H>(ctx: LoadContext<H>): {
  loader: Loader<H>;
  alone: Set<string>;
  gate: MemoryGate;
} {
  const { server, engine, native, memory } = ctx;
  const alone = new Set<string>();
  const gate = new MemoryGate({ limitBytes: server.memoryLimitBytes });
  const opts = (m: ModelRecord<H>, attempt?: number) => ({ alone: alone.has(m.name), attempt, identity: m.identity });
  const needsCheck = (m: ModelRecord<H>) =>
    (m.settings.verify ?? server.verify) === 'first-load' && !memory.get(m.name, m.identity).verified;
  const wantsWarmup = (m: ModelRecord<H>) => ctx.forceWarmup || (m.settings.warmup ?? server.warmup);

  const loader = new Loader<H>({
    concurrency: server.concurrency,
    retries: server.retries,
    retryDelayMs: server.retryDelayMs,
    stallTimeoutMs: server.stallTimeoutMs,
    gate,
    emit: ctx.emit,
    estimate: engine.estimate && ((m) => engine.estimate!(m)),
    load: (m, attempt, progress) => {
      m.identity = ctx.identityOf(m);
      // Waiting for other native work to leave (a suspect runs alone) is queueing, not a load that stalled.
      const queue = progress.queue;
      return native.run(m.name, 'load', () => engine.load(m, attempt, progress), { ...opts(m, attempt), queue });
    },
    verify: (m, handle) => {
      if (!needsCheck(m)) return undefined;
      return native
        .run(m.name, 'verify', () => engine.warmup(m, handle), opts(m, m.attempts))
        .then(() => void memory.update(m.name, m.identity, (memo) => (memo.verified = true)));
    },
    warm: (m, handle) =>
      wantsWarmup(m) ? native.run(m.name, 'warmup', () => engine.warmup(m, handle), opts(m, m.attempts)) : undefined,
    settled: (m) => {
      // A suspect that loaded alone without crashing is cleared of its loading crash.
      if (m.state === 'ready' && alone.delete(m.name)) {
        memory.update(m.name, m.identity, (memo) => Object.assign(memo, { crashes: 0, lastCrash: undefined }));
      }
    },
  });
  return { loader, alone, gate };
}

/** What a model's memory says about loading it now: as usual, alone and last (a suspect), or not at all. */
interface Placed<H> {
  model: ModelRecord<H>;
  memo: ModelMemo;
  place: 'normal' | 'suspect' | 'quarantined';
}

function placeEach<H>(ctx: LoadContext<H>, models: ModelTable<H>, previousLoadMs: Map<string, number>): Placed<H>[] {
  return orderForLoading([...models.values()], ctx.server.order, previousLoadMs).map((model) => {
    const memo = ctx.memory.get(model.name, ctx.identityOf(model));
    const suspect = memo.crashes > 0 && memo.crashedWhile === 'loading';
    return { model, memo, place: memo.quarantined ? 'quarantined' : suspect ? 'suspect' : 'normal' };
  });
}

/** The models whose loads will start, in that order (suspects last, quarantined left out): what prefetch reads. */
export function loadingOrder<H>(
  ctx: LoadContext<H>,
  models: ModelTable<H>,
  previousLoadMs: Map<string, number>,
): ModelRecord<H>[] {
  const placed = placeEach(ctx, models, previousLoadMs);
  const at = (place: Placed<H>['place']) => placed.filter((p) => p.place === place).map((p) => p.model);
  return [...at('normal'), ...at('suspect')];
}

/**
 * Sorts the models into those that load as usual and the suspects of an earlier crash (alone, last); quarantined
 * models are not loaded at all. Reports each crash and quarantine in the timing log.
 */
export function planLoads<H>(
  ctx: LoadContext<H>,
  models: ModelTable<H>,
  verdicts: Verdict[],
  previousLoadMs: Map<string, number>,
): { normal: ModelRecord<H>[]; suspects: ModelRecord<H>[] } {
  const normal: ModelRecord<H>[] = [];
  const suspects: ModelRecord<H>[] = [];
  for (const { model: m, memo, place } of placeEach(ctx, models, previousLoadMs)) {
    const crash = verdicts.find((v) => v.model === m.name)?.crash;
    if (place === 'quarantined') {
      // A model convicted while serving had loaded once.
      m.attempts = memo.attemptsUsed ?? 1;
      m.error = memo.quarantined;
      m.moveTo('quarantined');
      ctx.emit({ event: 'quarantined', model: m.name, attempt: m.attempts, error: m.error, file: m.file });
    } else if (place === 'suspect') {
      m.attempts = memo.attemptsUsed ?? 0;
      if (crash) ctx.emit({ event: 'crashed', model: m.name, attempt: m.attempts, error: crash, file: m.file });
      suspects.push(m);
    } else {
      if (crash) ctx.emit({ event: 'crashed', model: m.name, error: crash, file: m.file });
      normal.push(m);
    }
  }
  return { normal, suspects };
}
