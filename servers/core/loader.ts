// The one loader both servers use: loads models in parallel under a cap, retries a failed load after a delay, times and
// reports every step.
import pLimit from 'p-limit';
import { messageOf } from '../../common/errors.js';
import type { TimingEventInput } from '../../common/timing/events.js';
import type { ModelRecord } from './model-states.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface LoaderOptions<H> {
  /** Loads at once; the cap holds only while an attempt runs, not during a retry's wait. */
  concurrency: number;
  /** Extra attempts after a failed one. */
  retries: number;
  retryDelayMs: number;
  /** Loads one model; throws with a reason on failure. */
  load(model: ModelRecord<H>, attempt: number): Promise<H>;
  /** Opt-in warm-up: one small real inference after the load, inside the same attempt; absent means none. */
  warm?(model: ModelRecord<H>, handle: H): Promise<void> | undefined;
  emit(e: TimingEventInput): void;
  clock?: Clock;
}

/** Loads every model in `models`; never throws: a failure stays with its model, the others go on. */
export async function loadModels<H>(models: ModelRecord<H>[], opts: LoaderOptions<H>): Promise<void> {
  const clock = opts.clock ?? realClock;
  const limit = pLimit(opts.concurrency);
  const attempt = (m: ModelRecord<H>) =>
    limit(async () => {
      m.moveTo('loading');
      m.attempts += 1;
      opts.emit({ event: 'load_start', model: m.name, attempt: m.attempts, file: m.file });
      const started = clock.now();
      try {
        const handle = await opts.load(m, m.attempts);
        m.loadMs = clock.now() - started;
        opts.emit({ event: 'load_end', model: m.name, attempt: m.attempts, ms: m.loadMs });
        const warmStarted = clock.now();
        const warming = opts.warm?.(m, handle);
        if (warming) {
          opts.emit({ event: 'warmup_start', model: m.name, attempt: m.attempts });
          await warming;
          m.warmupMs = clock.now() - warmStarted;
          m.warmups += 1;
          opts.emit({ event: 'warmup_end', model: m.name, attempt: m.attempts, ms: m.warmupMs });
        }
        m.handle = handle;
        return true;
      } catch (err) {
        m.error = messageOf(err);
        opts.emit({
          event: 'load_failed',
          model: m.name,
          attempt: m.attempts,
          ms: clock.now() - started,
          error: m.error,
        });
        return false;
      }
    });

  await Promise.all(
    models.map(async (m) => {
      for (;;) {
        if (await attempt(m)) {
          m.error = undefined;
          m.moveTo('ready');
          opts.emit({ event: 'ready', model: m.name, attempt: m.attempts, ms: clock.now() });
          return;
        }
        if (m.attempts > opts.retries) {
          m.moveTo('failed');
          opts.emit({ event: 'failed', model: m.name, attempt: m.attempts, error: m.error, file: m.file });
          return;
        }
        m.moveTo('retrying');
        opts.emit({ event: 'retry', model: m.name, attempt: m.attempts, ms: opts.retryDelayMs });
        await clock.sleep(opts.retryDelayMs);
      }
    }),
  );
}
