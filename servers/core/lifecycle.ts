// The server's side of readiness: from its models' states it tells the supervisor (and systemd) once when it is
// serving, once when it is ready (or degraded: every required model ready or quarantined), or once that it failed.
import type { TimingEvent } from '../../common/timing/events.js';
import { serverStatus, type ModelTable } from './model-states.js';
import { notifySystemd, signalParent } from './ready-signal.js';
import type { Emit } from './timing-emitter.js';

/** Model events after which the server's status may have changed. */
const LANDINGS = new Set<TimingEvent['event']>(['ready', 'failed', 'quarantined', 'runtime_ready']);

export class ServerLifecycle<H> {
  /** Process start to ready, once ready: the `cold_start_seconds` metric. */
  coldStartMs?: number;
  private servingSent = false;
  private settled = false;
  private emit?: Emit;

  constructor(
    private readonly models: ModelTable<H>,
    private readonly onReady: () => void,
  ) {}

  /** Wires the emitter (it is made after the lifecycle, since it reports every event here). */
  attach(emit: Emit): void {
    this.emit = emit;
  }

  /** Sees every timing event; acts on the ones after which the status may have changed. */
  observe(e: TimingEvent): void {
    if (LANDINGS.has(e.event)) this.check();
  }

  private check(): void {
    const status = serverStatus(this.models.values());
    if (!this.servingSent && status !== 'loading' && status !== 'failed') {
      this.servingSent = true;
      signalParent({ type: 'serving', ms: performance.now() });
    }
    if (this.settled) return;
    if (status === 'ok' || status === 'degraded') {
      this.settled = true;
      this.coldStartMs = performance.now();
      const quarantined = [...this.models.values()].filter((m) => m.state === 'quarantined').map((m) => m.name);
      this.emit?.({ event: 'server_ready', ms: this.coldStartMs });
      signalParent({ type: 'ready', ms: this.coldStartMs, quarantined });
      this.onReady();
      void notifySystemd();
    } else if (status === 'failed') {
      this.settled = true;
      const failed = [...this.models.values()].filter((m) => m.state === 'failed' && m.required);
      const error = failed.map((m) => `${m.name}: ${m.error}`).join('; ');
      this.emit?.({ event: 'server_failed', error });
      signalParent({ type: 'failed', error });
    }
  }
}
