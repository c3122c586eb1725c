// The one loader both servers use: loads models in parallel under a cap, retries a failed load after a delay, times and
// reports every step (through each model's record, which puts its state on the events). One Loader per server, so
// loads started later (a lifted quarantine) share the same cap.
import pLimit, { type LimitFunction } from 'p-limit';
import { messageOf } from '../../../common/errors.js';
import type { MemoryEstimate } from '../../../common/memory/estimate.js';
import { realClock, type Clock } from '../clock.js';
import type { LoadWatch } from '../engine.js';
import type { ModelRecord } from '../model-states.js';
import type { MemoryGate, Ticket } from './admission.js';
import { LoadProgress } from './load-progress.js';

/** An optional step inside a load attempt after the load itself (one real inference); undefined means skip it. */
export type AfterLoad<H> = (model: ModelRecord<H>, handle: H) => Promise<void> | undefined;

export interface LoaderOptions<H> {
  /** Loads at once; the cap holds only while an attempt runs, not during a retry's wait. */
  concurrency: number;
  /** Extra attempts after a failed one. */
  retries: number;
  retryDelayMs: number;
  /** Loads one model, reporting bytes done through `watch`; throws with a reason on failure. */
  load(model: ModelRecord<H>, attempt: number, watch: LoadWatch): Promise<H>;
  /** What the model will need in memory (reads its header): asked before each attempt when there is a gate. */
  estimate?(model: ModelRecord<H>): Promise<MemoryEstimate>;
  /** Memory admission: a load waits here until its estimate fits. */
  gate?: MemoryGate;
  /** An attempt whose progress does not advance for this long fails (and is retried). */
  stallTimeoutMs?: number;
  /** First-sight check: one inference the first time a file is seen. */
  verify?: AfterLoad<H>;
  /** Opt-in warm-up: one small real inference after the load. */
  warm?: AfterLoad<H>;
  /** Called once a model's loading is over, ready or failed. */
  settled?(model: ModelRecord<H>): void;
  clock?: Clock;
}

export class Loader<H> {
  private readonly limit: LimitFunction;
  private readonly clock: Clock;

  constructor(private readonly opts: LoaderOptions<H>) {
    this.limit = pLimit(opts.concurrency);
    this.clock = opts.clock ?? realClock;
  }

  /** Loads every model in `models`, in that order within the cap; never throws: a failure stays with its model. */
  async load(models: ModelRecord<H>[]): Promise<void> {
    await Promise.all(models.map((m) => this.loadOne(m)));
  }

  private async loadOne(m: ModelRecord<H>): Promise<void> {
    const { opts, clock } = this;
    for (;;) {
      if (await this.limit(() => this.attempt(m))) {
        m.error = undefined;
        const again = m.origin === 'reload' ? { detail: 'reload' } : {};
        m.moveTo('ready', { event: 'ready', attempt: m.attempts, ms: clock.now(), ...again });
        opts.settled?.(m);
        return;
      }
      if (m.attempts > opts.retries || m.retryable === false) {
        m.moveTo('failed', { event: 'failed', attempt: m.attempts, error: m.error, file: m.file });
        opts.settled?.(m);
        return;
      }
      m.moveTo('retrying', { event: 'retry', attempt: m.attempts, ms: opts.retryDelayMs });
      await clock.sleep(opts.retryDelayMs);
    }
  }

  /**
   * One attempt: wait for memory, load (watched for stalls), then the first-sight check and warm-up when asked for.
   * True when the model is usable.
   */
  private async attempt(m: ModelRecord<H>): Promise<boolean> {
    const { opts, clock } = this;
    m.attempts += 1;
    const attempt = m.attempts;
    m.moveTo('loading', { event: 'load_start', attempt, file: m.file });
    let started = clock.now();
    let ticket: Ticket | undefined;
    try {
      // The estimate reads the file's header: a dead mount stalls there, so it runs under the stall watch; waiting
      // for memory does not count.
      const progress = new LoadProgress(
        attempt,
        (e) => m.emit(e),
        clock,
        opts.stallTimeoutMs,
        () => ticket,
      );
      const handle = await progress.run(async (watch) => {
        ticket = await this.admit(m, watch);
        if (ticket) started = clock.now();
        return opts.load(m, attempt, watch);
      });
      m.loadMs = clock.now() - started;
      m.emit({ event: 'load_end', attempt, ms: m.loadMs });
      await this.step(m, handle, opts.verify, 'verify_start', 'verify_end');
      const warmMs = await this.step(m, handle, opts.warm, 'warmup_start', 'warmup_end');
      if (warmMs !== undefined) {
        m.warmupMs = warmMs;
        m.warmups += 1;
      }
      m.handle = handle;
      return true;
    } catch (err) {
      m.error = messageOf(err);
      if ((err as { retryable?: boolean }).retryable === false) m.retryable = false;
      // A load refused while it waited for memory stays `waiting` until it retries or fails for good.
      m.emit({ event: 'load_failed', attempt, ms: clock.now() - started, error: m.error });
      return false;
    } finally {
      ticket?.end();
    }
  }

  /** With a memory gate: waits until the model's estimate fits (state `waiting` meanwhile); undefined without one. */
  private async admit(m: ModelRecord<H>, watch: LoadWatch): Promise<Ticket | undefined> {
    const { gate, estimate } = this.opts;
    if (!gate || !estimate) return undefined;
    const need = await estimate(m);
    const admission = gate.admit(m.name, need, (free) => {
      m.moveTo('waiting', { event: 'memory_wait', attempt: m.attempts, needs: need.bytes, free });
    });
    const ticket = await watch.queue(admission);
    const admitted = { event: 'admitted', attempt: m.attempts, needs: need.bytes, free: gate.free() } as const;
    if (m.state === 'waiting') m.moveTo('loading', admitted);
    else m.emit(admitted);
    return ticket;
  }

  /** Runs an after-load step with its start/end events; returns its duration, or undefined when it was skipped. */
  private async step(
    m: ModelRecord<H>,
    handle: H,
    run: AfterLoad<H> | undefined,
    start: 'verify_start' | 'warmup_start',
    end: 'verify_end' | 'warmup_end',
  ): Promise<number | undefined> {
    const started = this.clock.now();
    const running = run?.(m, handle);
    if (!running) return undefined;
    m.emit({ event: start, attempt: m.attempts });
    await running;
    const ms = this.clock.now() - started;
    m.emit({ event: end, attempt: m.attempts, ms });
    return ms;
  }
}

/** Loads `models` with a loader of their own (tests, benchmarks). */
export function loadModels<H>(models: ModelRecord<H>[], opts: LoaderOptions<H>): Promise<void> {
  return new Loader(opts).load(models);
}
