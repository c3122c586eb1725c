// Whether this server is alive in the sense that matters: its event loop turns (measured, not assumed), its engine
// comes back from what it is asked, and, with `liveness.inference`, its models still answer one tiny real inference.
// /livez, the supervisor's heartbeat and systemd's watchdog all ask `healthy()`.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { LivenessSettings } from '../../../common/config/types.js';
import type { ModelHost } from './model-host.js';
import type { ModelRecord, ModelTable } from '../model-states.js';

/** Deep-check failures in a row that make a model unhealthy. */
export const UNHEALTHY_AFTER = 2;

/** With the watchdog off (`liveness: off`), /livez still calls an event loop stalled past this long not alive. */
const STALLED_WITHOUT_WATCHDOG_MS = 2000;

/** A deep check is one real inference, slower than a pong: it gets this many heartbeat timeouts (`timeoutMs`). */
const CHECK_TIMEOUTS = 10;

export interface LivenessReport {
  alive: boolean;
  reason?: string;
  eventLoopDelayMs: number;
}

export class ServerLiveness<H> {
  private readonly histogram: IntervalHistogram;
  private lastWindowMaxMs = 0;
  private timers: NodeJS.Timeout[] = [];
  /** A round of deep checks is running: the next one due is skipped, not stacked on it. */
  private checking = false;
  /** Deep checks run, by result (for /metrics). */
  readonly checks = { ok: 0, failed: 0 };

  constructor(
    private readonly settings: LivenessSettings | undefined,
    private readonly models: ModelTable<H>,
    private readonly host: ModelHost<H>,
    /** Largest event-loop delay that still counts as alive: the heartbeat's timeout, which it would miss past it. */
    private readonly maxDelayMs: number = settings?.timeoutMs ?? STALLED_WITHOUT_WATCHDOG_MS,
  ) {
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
    const window = setInterval(() => {
      this.lastWindowMaxMs = this.histogram.max / 1e6;
      this.histogram.reset();
    }, 1000);
    window.unref();
    this.timers.push(window);
  }

  /** The worst event-loop delay of the last second (or of the current one, if that is worse already). */
  eventLoopDelayMs(): number {
    return Math.max(this.lastWindowMaxMs, this.histogram.max / 1e6);
  }

  report(): LivenessReport {
    const eventLoopDelayMs = Math.round(this.eventLoopDelayMs());
    if (eventLoopDelayMs > this.maxDelayMs) {
      return { alive: false, reason: `event loop blocked for ${eventLoopDelayMs} ms`, eventLoopDelayMs };
    }
    if (this.host.wedged) return { alive: false, reason: 'an inference ignored its cancellation', eventLoopDelayMs };
    const loaded = [...this.models.values()].filter((m) => m.state === 'ready' || m.state === 'unhealthy');
    if (loaded.length > 0 && loaded.every((m) => m.state === 'unhealthy')) {
      return { alive: false, reason: 'every model failed its inference check', eventLoopDelayMs };
    }
    return { alive: true, eventLoopDelayMs };
  }

  healthy = (): boolean => this.report().alive;

  /**
   * With `liveness.inference`: one tiny real inference per loaded model at that period; a round still running when
   * the next is due is not doubled. `check` must run through ModelHost.use (`(m) => host.use(m, 'check', (h) =>
   * engine.warmup(m, h))`), never straight to NativeWork: an unload then waits for it instead of freeing the copy.
   */
  startDeepChecks(check: (m: ModelRecord<H>, handle: H) => Promise<void>): void {
    const periodMs = this.settings?.inferenceMs;
    if (!periodMs) return;
    const round = async () => {
      if (this.checking) return;
      this.checking = true;
      await this.checkAll(check).finally(() => (this.checking = false));
    };
    const timer = setInterval(() => void round(), periodMs);
    timer.unref();
    this.timers.push(timer);
  }

  private async checkAll(check: (m: ModelRecord<H>, handle: H) => Promise<void>): Promise<void> {
    for (const m of this.models.values()) {
      if ((m.state !== 'ready' && m.state !== 'unhealthy') || m.handle === undefined) continue;
      const ok = await withTimeout(check(m, m.handle), this.settings!.timeoutMs * CHECK_TIMEOUTS);
      this.record(m, ok);
    }
  }

  private record(m: ModelRecord<H>, ok: boolean): void {
    if (ok) {
      this.checks.ok += 1;
      m.checkFailuresInARow = 0;
      if (m.state === 'unhealthy') {
        m.moveTo('ready', { event: 'healthy' });
      }
      return;
    }
    this.checks.failed += 1;
    m.checkFailures += 1;
    m.checkFailuresInARow += 1;
    if (m.state === 'ready' && m.checkFailuresInARow >= UNHEALTHY_AFTER) {
      m.moveTo('unhealthy', {
        event: 'unhealthy',
        error: `failed its inference check ${UNHEALTHY_AFTER} times in a row`,
      });
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.histogram.disable();
  }
}

async function withTimeout(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = work.then(
    () => true,
    () => false,
  );
  const ok = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return ok;
}
