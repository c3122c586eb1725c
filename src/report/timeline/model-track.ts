// One model's row of the timeline, folded from its timing events: queued, memory waits, each attempt, verify and
// warm-up, retry waits, and the marks (ready, failed, crashed, quarantined). Across a server restart the row goes on.
import type { TimingEvent } from '../../../common/timing/events.js';
import type { MarkKind, Row, Segment, SegmentKind } from './model.js';

/** Times in the model are rounded to 0.1 ms: enough for any picture, and stable in JSON. */
export const roundMs = (ms: number) => Math.round(ms * 10) / 10;

const WAITS = ['queued', 'retry', 'memory'] as const;

export class ModelTrack {
  readonly row: Row;
  /** What is under way now, at most one of each kind. */
  private readonly open = new Map<SegmentKind, Segment>();
  private process = 1;
  /** The process in which the model last did something; it waits in the queue of a process it has not started in. */
  private startedIn = 0;

  constructor(
    server: string,
    model: string,
    private readonly fileBytes?: number,
  ) {
    this.row = { server, model, segments: [], marks: [], attempts: 0, state: 'not reported' };
  }

  /** The server's runtime is ready: from now the model waits for a load slot, unless it has begun already. */
  queueFrom(at: number, process: number): void {
    this.process = process;
    if (this.startedIn !== process && this.open.size === 0) this.begin('queued', at);
  }

  apply(e: TimingEvent, at: number, process: number): void {
    this.process = process;
    switch (e.event) {
      case 'memory_wait':
        this.stopWaiting(at);
        Object.assign(this.begin('memory', at), { needs: e.needs, free: e.free });
        break;
      case 'admitted':
        this.end('memory', at);
        break;
      case 'load_start':
        this.stopWaiting(at);
        this.begin('load', at).attempt = e.attempt;
        this.row.attempts = Math.max(this.row.attempts, e.attempt ?? this.row.attempts + 1);
        this.row.state = 'loading';
        break;
      case 'load_progress': {
        const load = this.open.get('load');
        if (load) Object.assign(load, { bytes: e.bytes, totalBytes: e.total, rate: e.rate });
        break;
      }
      case 'load_end':
        this.endLoad(at, e.ms);
        break;
      case 'load_failed':
        for (const step of ['verify', 'warmup'] as const) this.end(step, at, undefined, e.error);
        this.end('load', at, e.ms, e.error);
        break;
      case 'verify_start':
      case 'warmup_start':
        this.begin(e.event === 'verify_start' ? 'verify' : 'warmup', at).attempt = e.attempt;
        break;
      case 'verify_end':
      case 'warmup_end':
        this.end(e.event === 'verify_end' ? 'verify' : 'warmup', at, e.ms);
        break;
      case 'retry':
        this.begin('retry', at).attempt = e.attempt;
        this.row.state = 'retrying';
        break;
      case 'ready':
        this.row.readyMs = roundMs(at);
        this.row.state = 'ready';
        this.mark('ready', at, e.attempt);
        break;
      case 'failed':
        this.closeAll(at);
        this.row.state = 'failed';
        this.mark('failed', at, e.attempt, e.error);
        break;
      case 'crashed':
        this.mark('crashed', at, e.attempt, e.error);
        break;
      case 'quarantined':
        this.stopWaiting(at);
        this.row.state = 'quarantined';
        this.row.attempts = Math.max(this.row.attempts, e.attempt ?? 0);
        this.mark('quarantined', at, e.attempt, e.error);
        break;
      default:
        // released, unhealthy, healthy: after start-up, not part of this picture.
        break;
    }
  }

  /** Everything under way ends here: the process died (an attempt it cut off counts as failed) or the run ended. */
  closeAll(at: number, cutOff?: string, processDied = false): void {
    for (const s of this.open.values()) {
      if (processDied && s.kind === 'load') s.kind = 'load-failed';
      this.finish(s, at, cutOff);
    }
    this.open.clear();
  }

  /** The model begins something of its own in this process: its waits (queue, retry, memory) are over. */
  private stopWaiting(at: number): void {
    this.startedIn = this.process;
    for (const wait of WAITS) this.end(wait, at);
  }

  private begin(kind: SegmentKind, at: number): Segment {
    this.end(kind, at);
    const s: Segment = { kind, startMs: roundMs(at), endMs: roundMs(at), process: this.process };
    this.open.set(kind, s);
    return s;
  }

  /**
   * Ends an open segment at `at`. When the server measured its duration, it lasted `ms` up to `at`: its start is
   * heard later than it happened when the server is busy starting loads, while its end is heard together with what
   * follows (ready, the server ready), so the bar sits right against them.
   */
  private end(kind: SegmentKind, at: number, ms?: number, error?: string): Segment | undefined {
    const s = this.open.get(kind);
    if (!s) return undefined;
    this.open.delete(kind);
    if (error !== undefined) {
      s.error = error;
      if (kind === 'load') s.kind = 'load-failed';
    }
    if (ms !== undefined) this.startEarlier(s, roundMs(at - ms));
    this.finish(s, at);
    return s;
  }

  /** Moves a segment's start back; the wait before it ended then too. */
  private startEarlier(s: Segment, startMs: number): void {
    s.startMs = startMs;
    const waits = this.row.segments.filter((w) => (WAITS as readonly string[]).includes(w.kind));
    for (const w of waits) if (w.endMs > startMs) w.endMs = Math.max(w.startMs, startMs);
    this.row.segments = this.row.segments.filter((w) => !waits.includes(w) || w.endMs > w.startMs);
  }

  private endLoad(at: number, ms: number | undefined): void {
    const s = this.end('load', at, ms);
    if (!s) return;
    if (ms !== undefined) this.row.loadMs = roundMs(ms);
    s.totalBytes ??= this.fileBytes;
    const seconds = (s.endMs - s.startMs) / 1000;
    if (s.totalBytes !== undefined && seconds > 0) {
      s.bytes = s.totalBytes;
      s.rate = Math.round(s.totalBytes / seconds);
    }
  }

  /** Ends a segment and keeps it, unless it is a wait that did not wait. */
  private finish(s: Segment, endMs: number, cutOff?: string): void {
    s.endMs = roundMs(Math.max(s.startMs, endMs));
    if (cutOff) s.cutOff = cutOff;
    if (s.endMs > s.startMs || !(WAITS as readonly string[]).includes(s.kind)) this.row.segments.push(s);
  }

  private mark(kind: MarkKind, at: number, attempt?: number, detail?: string): void {
    this.row.marks.push({ kind, atMs: roundMs(at), attempt, process: this.process, detail });
  }
}
