// After ready: checks on a fixed cadence that a server still answers (IPC heartbeat for ours, the health URL for
// foreign ones). Misses in a row up to `failures` make it hung; the owner then kills and restarts it. Like systemd's
// watchdog and a Kubernetes liveness probe, but with the reason said out loud.
import type { LivenessSettings } from '../../common/config/types.js';

export interface WatchdogHooks {
  /** One check: true when the server answered healthy within `timeoutMs`. */
  check(timeoutMs: number): Promise<boolean>;
  onAnswer?(): void;
  /** A check missed; `silentMs` since the last answer (or since the watch began). */
  onMiss?(misses: number, silentMs: number): void;
  /** `failures` misses in a row: the watch stops here. */
  onHung(silentMs: number): void;
  now?(): number;
}

export class Watchdog {
  private timer?: NodeJS.Timeout;
  private misses = 0;
  private lastAnswer: number;
  private checking = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private readonly settings: LivenessSettings,
    private readonly hooks: WatchdogHooks,
  ) {
    this.now = hooks.now ?? (() => performance.now());
    this.lastAnswer = this.now();
  }

  /** Checks every period from now on; a check still running when the next is due is not doubled. */
  start(): void {
    this.timer = setInterval(() => void this.tick(), this.settings.periodMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    const ok = await this.hooks.check(this.settings.timeoutMs).catch(() => false);
    this.checking = false;
    if (this.stopped) return;
    if (ok) {
      this.misses = 0;
      this.lastAnswer = this.now();
      this.hooks.onAnswer?.();
      return;
    }
    this.misses += 1;
    const silentMs = this.now() - this.lastAnswer;
    this.hooks.onMiss?.(this.misses, silentMs);
    if (this.misses >= this.settings.failures) {
      this.stop();
      this.hooks.onHung(silentMs);
    }
  }
}
