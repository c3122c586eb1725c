// One load attempt's progress: reported as `load_progress` events at most four times a second, fed to memory
// admission, and watched: an attempt whose progress does not advance for `stallTimeout` is aborted and fails with
// where it stood, instead of waiting out the whole budget.
import { formatGiB } from '../../../common/memory/estimate.js';
import type { Clock } from '../clock.js';
import type { LoadWatch } from '../engine.js';
import type { ModelEvent } from '../model-states.js';
import type { Ticket } from './admission.js';

const MIN_EVENT_GAP_MS = 250;

export class StallError extends Error {}

export class LoadProgress {
  private done = 0;
  private total = 0;
  private lastAdvance: number;
  private lastEvent = -Infinity;
  private rateFrom: { at: number; done: number };
  private readonly abort = new AbortController();
  private queued = 0;

  constructor(
    private readonly attempt: number,
    /** The model's record's emitter (it names the model). */
    private readonly emit: (e: ModelEvent) => void,
    private readonly clock: Clock,
    private readonly stallTimeoutMs: number | undefined,
    /** Memory admission's ticket, once there is one: progress frees what the load had still to allocate. */
    private readonly ticket: () => Ticket | undefined = () => undefined,
  ) {
    this.lastAdvance = clock.now();
    this.rateFrom = { at: this.lastAdvance, done: 0 };
  }

  /** Runs the engine's load; rejects with a StallError (and aborts the load) when it stops advancing. */
  async run<T>(load: (watch: LoadWatch) => Promise<T>): Promise<T> {
    const watch: LoadWatch = {
      signal: this.abort.signal,
      progress: (done, total) => this.report(done, total),
      queue: async (wait) => {
        this.queued += 1;
        try {
          return await wait;
        } finally {
          this.queued -= 1;
          this.lastAdvance = this.clock.now();
        }
      },
    };
    if (!this.stallTimeoutMs) return load(watch);
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      const check = () => {
        const quiet = this.clock.now() - this.lastAdvance;
        if (this.queued > 0 || quiet < this.stallTimeoutMs!) return;
        clearInterval(timer);
        const error = new StallError(this.describeStall(quiet));
        this.abort.abort(error);
        reject(error);
      };
      timer = setInterval(check, Math.min(1000, Math.max(50, this.stallTimeoutMs! / 10)));
    });
    try {
      return await Promise.race([load(watch), stalled]);
    } finally {
      clearInterval(timer);
    }
  }

  private describeStall(quietMs: number): string {
    const seconds = Math.round(quietMs / 1000);
    if (this.total === 0) return `no progress for ${seconds} s (nothing was read)`;
    const pct = Math.floor((this.done / this.total) * 100);
    return `no progress for ${seconds} s at ${pct}% (${formatGiB(this.done)} of ${formatGiB(this.total)})`;
  }

  private report(done: number, total: number): void {
    const now = this.clock.now();
    if (done > this.done) this.lastAdvance = now;
    this.done = Math.max(this.done, done);
    this.total = total;
    const fraction = total > 0 ? Math.min(1, this.done / total) : 0;
    this.ticket()?.progress(fraction);
    if (now - this.lastEvent < MIN_EVENT_GAP_MS && fraction < 1) return;
    const seconds = (now - this.rateFrom.at) / 1000;
    const rate = seconds > 0 ? Math.round((this.done - this.rateFrom.done) / seconds) : undefined;
    if (seconds >= 1) this.rateFrom = { at: now, done: this.done };
    this.lastEvent = now;
    this.emit({
      event: 'load_progress',
      attempt: this.attempt,
      bytes: this.done,
      total,
      fraction,
      rate,
    });
  }
}
