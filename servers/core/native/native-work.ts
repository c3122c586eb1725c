// Every call into an engine's native code goes through here: loads, first-sight checks, warm-ups and requests. It
// keeps the crash journal (which models are in native code right now) and runs a suspect's work alone.
import {
  crashJournalFile,
  type CrashJournal,
  type InflightEntry,
  type NativePhase,
} from '../../../common/crash-journal.js';
import { writeJsonAtomically } from '../../../common/json-file.js';
import { Gate } from './gate.js';

export interface NativeWorkOptions {
  /** Run with nothing else in native code, so that a crash now can only be this model's. */
  alone?: boolean;
  attempt?: number;
  identity?: string;
  /** A load's wait for its turn (LoadWatch.queue): time waiting behind other native work is not a stall. */
  queue?: <T>(wait: Promise<T>) => Promise<T>;
}

const noQueue = <T>(wait: Promise<T>): Promise<T> => wait;

export class NativeWork {
  private readonly gate = new Gate();
  private readonly inflight = new Map<string, { entry: InflightEntry; count: number }>();
  private readonly file: string;

  constructor(
    private readonly server: string,
    stateDir: string,
  ) {
    this.file = crashJournalFile(stateDir, server);
    this.write();
  }

  /** Runs `fn` as native work of `model`; the journal names the model for as long as it runs. */
  async run<T>(model: string, phase: NativePhase, fn: () => Promise<T>, opts: NativeWorkOptions = {}): Promise<T> {
    const release = await (opts.queue ?? noQueue)(this.gate.acquire(Boolean(opts.alone)));
    this.enter({ model, phase, alone: Boolean(opts.alone), attempt: opts.attempt, identity: opts.identity });
    try {
      return await fn();
    } finally {
      this.leave(model);
      release();
    }
  }

  /** The server is stopping on purpose: whatever is still running is not a crash if the process dies now. */
  stopping(): void {
    this.inflight.clear();
    this.write();
  }

  /** Models in native code now. */
  get models(): string[] {
    return [...this.inflight.keys()];
  }

  private enter(entry: InflightEntry): void {
    const current = this.inflight.get(entry.model);
    if (current) {
      current.count += 1;
      return;
    }
    this.inflight.set(entry.model, { entry, count: 1 });
    this.write();
  }

  private leave(model: string): void {
    const current = this.inflight.get(model);
    if (!current) return;
    current.count -= 1;
    if (current.count > 0) return;
    this.inflight.delete(model);
    this.write();
  }

  /**
   * Written only when the set of models in native code changes: work on a model already in native code writes nothing,
   * but a request to an idle model writes twice (in and out, about 0.2 ms each on ext4).
   */
  private write(): void {
    const journal: CrashJournal = {
      server: this.server,
      pid: process.pid,
      inflight: [...this.inflight.values()].map((v) => v.entry),
    };
    writeJsonAtomically(this.file, journal);
  }
}
