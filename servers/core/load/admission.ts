// Memory admission: a load starts only when what it will need fits in what is free, so loads under the cap wait
// instead of overcommitting. What is free = capacity − what the process holds now − what the loads in flight have
// still to allocate (their estimate less their progress). Capacity is the tightest of `memoryLimit`, the cgroup's limit
// and the machine's MemAvailable, less a margin.
import { describeNeed, formatGiB, type MemoryEstimate } from '../../../common/memory/estimate.js';
import { memoryCapacity, readMemory, tightestLimit, type MemoryReading } from '../../../common/memory/system.js';

/** A model that cannot fit in the capacity even alone: failed at once, never retried. */
export class NeverFitsError extends Error {
  readonly retryable = false;
}

export interface Ticket {
  /** The share of the load done (0..1): that much of the estimate is now in the process's memory. */
  progress(fraction: number): void;
  /** The load ended (done or failed): its memory is in the process now, or was never taken. */
  end(): void;
}

export interface AdmissionOptions {
  /** `memoryLimit` of the server, when set. */
  limitBytes?: number;
  marginBytes?: number;
  read?: () => MemoryReading;
  rss?: () => number;
  /** How often a waiting load looks again (memory is also freed by others). */
  pollMs?: number;
}

export class MemoryGate {
  private readonly inflight = new Map<symbol, { bytes: number; fraction: number }>();
  private readonly queue: { key: symbol; need: number; wake: () => void; reject: () => void }[] = [];
  private timer?: NodeJS.Timeout;
  private readonly read: () => MemoryReading;
  private readonly rss: () => number;
  /** What the process held before any model: what a model can never have. */
  private baselineRss?: number;

  constructor(private readonly opts: AdmissionOptions = {}) {
    this.read = opts.read ?? readMemory;
    this.rss = opts.rss ?? (() => process.memoryUsage.rss());
  }

  /** The most this process may hold. */
  capacity(): number {
    return memoryCapacity(this.read(), this.rss(), this.opts.limitBytes, this.opts.marginBytes);
  }

  /** Free for a new load now. */
  free(): number {
    const promised = [...this.inflight.values()].reduce((sum, l) => sum + l.bytes * (1 - l.fraction), 0);
    return this.capacity() - this.rss() - promised;
  }

  /**
   * Waits until `estimate` fits, calling `onWait` once if it must wait; throws NeverFitsError when it cannot fit even
   * with no model loaded, or no longer can beside the models loaded (nothing else is loading to make room).
   */
  async admit(model: string, estimate: MemoryEstimate, onWait: (free: number) => void): Promise<Ticket> {
    this.baselineRss ??= this.rss();
    const room = this.capacity() - this.baselineRss;
    if (estimate.bytes > room) {
      const bound = tightestLimit(this.read(), this.rss(), this.opts.limitBytes).name;
      const why = `${formatGiB(Math.max(0, room))} available (${bound}, less the runtime and a margin)`;
      throw new NeverFitsError(`${describeNeed(estimate)}; ${why}`);
    }
    const key = Symbol(model);
    if (this.queue.length > 0 || estimate.bytes > this.free()) {
      onWait(this.free());
      await new Promise<void>((wake, fail) => {
        const reject = () => fail(new NeverFitsError(`${describeNeed(estimate)}; ${this.besideLoaded()}`));
        this.queue.push({ key, need: estimate.bytes, wake, reject });
        this.poll();
      });
    } else {
      this.inflight.set(key, { bytes: estimate.bytes, fraction: 0 });
    }
    return {
      progress: (fraction) => {
        const l = this.inflight.get(key);
        if (l) l.fraction = Math.max(l.fraction, Math.min(1, fraction));
      },
      end: () => {
        this.inflight.delete(key);
        this.pump();
      },
    };
  }

  private besideLoaded(): string {
    return `only ${formatGiB(Math.max(0, this.free()))} is free beside the models already loaded`;
  }

  private poll(): void {
    this.timer ??= setInterval(() => this.pump(), this.opts.pollMs ?? 100);
  }

  /**
   * Admits waiting loads in order while the first fits (its memory is promised before it wakes, so the next one sees
   * it); the first is refused when nothing is loading that could still make room.
   */
  private pump(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.need > this.free()) {
        if (this.inflight.size > 0) break;
        this.queue.shift()!.reject();
        continue;
      }
      this.queue.shift();
      this.inflight.set(head.key, { bytes: head.need, fraction: 0 });
      head.wake();
    }
    if (this.queue.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
