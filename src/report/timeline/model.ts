// The timeline of one start-up, worked out once from the event stream: what the HTML waterfall, the terminal waterfall
// and `modelctl timeline --json` all draw. Every time is milliseconds since the stack started (the first spawn).

/** A stretch of time on a row. Server rows hold the phases of each process; model rows what happened to the model. */
export type SegmentKind =
  /** server: process start → its code is loaded and running (`server_start`) */
  | 'boot'
  /** server: code running → listening */
  | 'start'
  /** server: listening → runtime ready */
  | 'runtime'
  /** server: runtime ready → ready (its models load) */
  | 'models'
  /** model: waiting for a load slot (the server's concurrency cap) */
  | 'queued'
  /** model: waiting for memory to be admitted */
  | 'memory'
  /** model: an attempt's load that succeeded */
  | 'load'
  /** model: an attempt that failed (or was cut off) */
  | 'load-failed'
  /** model: the first-sight check, one inference */
  | 'verify'
  | 'warmup'
  /** model: the wait before the next attempt */
  | 'retry';

export type MarkKind =
  /** server or model ready */
  | 'ready'
  /** server or model failed for good */
  | 'failed'
  /** a server process exited before it should have (a restart follows, or the end) */
  | 'exited'
  /** model: a crash was pinned on it (it loads again, alone) */
  | 'crashed'
  /** model: not loaded, its file crashed the server before */
  | 'quarantined';

export interface Segment {
  kind: SegmentKind;
  startMs: number;
  endMs: number;
  /** Load attempts, verify, warm-up and retry waits: the attempt they belong to. */
  attempt?: number;
  /** Which process of the server (1, then 2 after a restart, …). */
  process: number;
  /** Server phases: what ended it (`listening`, `ready`, `exited`, …). */
  until?: string;
  /** Why a stretch ended early: cut off by a crash, the stop, or the end of the run. */
  cutOff?: string;
  /** A failed attempt's reason. */
  error?: string;
  /** Load attempts: bytes read of `totalBytes` when known, and the rate in bytes per second. */
  bytes?: number;
  totalBytes?: number;
  rate?: number;
  /** Memory waits: what the model needs and what was free, in bytes. */
  needs?: number;
  free?: number;
}

export interface Mark {
  kind: MarkKind;
  atMs: number;
  attempt?: number;
  process: number;
  detail?: string;
}

export interface Row {
  server: string;
  /** Undefined for a server's own row. */
  model?: string;
  segments: Segment[];
  marks: Mark[];
  /** The figures beside the row. */
  readyMs?: number;
  /** The last successful load's duration. */
  loadMs?: number;
  attempts: number;
  /** Last known state: ready, failed, quarantined, loading, … or `not reported`. */
  state: string;
}

export interface Timeline {
  budgetMs: number;
  /** When the picture ends: the stack ready (and loads that began before it settled), the stop, or the last event. */
  endMs: number;
  /** When the last server was ready; null when one never was. */
  coldStartMs: number | null;
  /** Wall clock of the first timing event, when known. */
  startedAt?: string;
  /** Which run this is and why it was chosen (coldstart-test), or where the events came from (timeline). */
  note?: string;
  rows: Row[];
}
