// One server's rows of the timeline: its own row (the phases of each process: boot, start, runtime, models; ready,
// failed and exited marks) and a ModelTrack per model. A process that dies cuts off what its models were doing.
import type { TimingEvent } from '../../../common/timing/events.js';
import type { ServerState } from '../../supervisor/states.js';
import type { MarkKind, Row, Segment, SegmentKind } from './model.js';
import { ModelTrack, roundMs } from './model-track.js';

/** The server events that begin a phase, and their words. */
const PHASE_AFTER: Partial<Record<TimingEvent['event'], { kind: SegmentKind; words: string }>> = {
  server_start: { kind: 'start', words: 'server code running' },
  listening: { kind: 'runtime', words: 'listening' },
  runtime_ready: { kind: 'models', words: 'runtime ready' },
};

export class ServerTrack {
  readonly row: Row;
  readonly models = new Map<string, ModelTrack>();
  private process = 0;
  private phase?: Segment;

  constructor(
    server: string,
    models: string[],
    private readonly fileBytes: (model: string) => number | undefined,
  ) {
    this.row = { server, segments: [], marks: [], attempts: 0, state: 'not reported' };
    for (const m of models) this.model(m);
  }

  model(name: string): ModelTrack {
    let track = this.models.get(name);
    if (!track) {
      track = new ModelTrack(this.row.server, name, this.fileBytes(name));
      this.models.set(name, track);
    }
    return track;
  }

  spawned(at: number): void {
    if (this.phase) this.exited(at, 'replaced by a new process');
    this.process += 1;
    this.row.attempts = this.process;
    this.row.state = 'starting';
    this.beginPhase('boot', at);
  }

  timing(e: TimingEvent, at: number): void {
    if (e.model) return this.model(e.model).apply(e, at, this.process);
    const next = PHASE_AFTER[e.event];
    if (!next || !this.phase) return;
    this.endPhase(at, next.words);
    this.beginPhase(next.kind, at);
    if (next.kind === 'models') for (const m of this.models.values()) m.queueFrom(at, this.process);
  }

  state(state: ServerState, at: number, detail?: string): void {
    if (state === 'ready') {
      this.endPhase(at, 'ready');
      this.row.readyMs = roundMs(at);
      this.row.state = 'ready';
      this.mark('ready', at);
    } else if (state === 'restarting') {
      this.exited(at, detail ?? 'the process exited');
    } else if (state === 'failed') {
      this.endPhase(at, 'failed', detail ?? 'failed');
      this.row.state = 'failed';
      this.mark('failed', at, detail);
    }
  }

  /** The run is over: whatever is still under way ends here. */
  close(at: number, cutOff: string): void {
    if (this.row.state === 'starting') this.row.state = 'not ready';
    this.endPhase(at, 'the end of the run', cutOff);
    for (const m of this.models.values()) m.closeAll(at, cutOff);
  }

  private exited(at: number, reason: string): void {
    this.endPhase(at, 'exited', reason);
    this.row.state = 'exited';
    this.mark('exited', at, reason);
    for (const m of this.models.values()) m.closeAll(at, `the server process exited: ${reason}`, true);
  }

  private beginPhase(kind: SegmentKind, at: number): void {
    this.phase = { kind, startMs: roundMs(at), endMs: roundMs(at), process: this.process };
  }

  private endPhase(at: number, until: string, cutOff?: string): void {
    if (!this.phase) return;
    this.phase.endMs = roundMs(Math.max(this.phase.startMs, at));
    this.phase.until = until;
    if (cutOff) this.phase.cutOff = cutOff;
    this.row.segments.push(this.phase);
    this.phase = undefined;
  }

  private mark(kind: MarkKind, at: number, detail?: string): void {
    this.row.marks.push({ kind, atMs: roundMs(at), process: this.process, detail });
  }
}
