// A model's load lifecycle, one explicit state machine: queued → loading → retrying → ready | failed.

export type ModelState = 'queued' | 'loading' | 'retrying' | 'ready' | 'failed';

const ALLOWED: Record<ModelState, readonly ModelState[]> = {
  queued: ['loading'],
  loading: ['ready', 'retrying', 'failed'],
  retrying: ['loading'],
  ready: [],
  failed: [],
};

/** One model inside a server: its state and the figures /health reports. `handle` is what the engine loaded. */
export class ModelRecord<H> {
  state: ModelState = 'queued';
  attempts = 0;
  loadMs?: number;
  /** Set once the opt-in warm-up inference has run. */
  warmupMs?: number;
  error?: string;
  handle?: H;
  constructor(readonly name: string, readonly file?: string) {}

  /** Moves to `next`; a move the table does not allow is a bug and throws. */
  moveTo(next: ModelState): void {
    if (!ALLOWED[this.state].includes(next)) throw new Error(`model ${this.name}: ${this.state} → ${next} is not allowed`);
    this.state = next;
  }

  toJSON() {
    return { name: this.name, state: this.state, loadMs: this.loadMs ?? null, attempts: this.attempts, warm: this.warmupMs !== undefined, error: this.error ?? null };
  }
}

export type ServerStatus = 'loading' | 'ok' | 'failed';

/** The server's status follows from its models': failed once any failed for good, ok once all are ready. */
export function serverStatus(models: Iterable<ModelRecord<unknown>>): ServerStatus {
  const states = [...models].map((m) => m.state);
  if (states.includes('failed')) return 'failed';
  return states.every((s) => s === 'ready') ? 'ok' : 'loading';
}
