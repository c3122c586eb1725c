// A model's load lifecycle, one explicit state machine: queued → loading → retrying → ready | failed.
import type { ModelState, ModelStatusBody, ServerStatus } from '../../common/protocol.js';

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
  /** Duration of the last warm-up; set once the model is warm. */
  warmupMs?: number;
  /** Warm-ups run, and asked for but skipped because the model was already warm. */
  warmups = 0;
  warmupsSkipped = 0;
  error?: string;
  handle?: H;
  constructor(
    readonly name: string,
    readonly file?: string,
    readonly priority = 0,
    readonly required = true,
  ) {}

  /** Moves to `next`; a move the table does not allow is a bug and throws. */
  moveTo(next: ModelState): void {
    if (!ALLOWED[this.state].includes(next))
      throw new Error(`model ${this.name}: ${this.state} → ${next} is not allowed`);
    this.state = next;
  }

  toJSON(): ModelStatusBody {
    return {
      name: this.name,
      state: this.state,
      loadMs: this.loadMs ?? null,
      attempts: this.attempts,
      priority: this.priority,
      required: this.required,
      warm: this.warmupMs !== undefined,
      error: this.error ?? null,
    };
  }
}

/**
 * The server's status follows from its models': `failed` once a required model failed for good, `ok` once every
 * required model is ready, `serving` once the required models of the first priority are (Kubernetes-style readiness
 * for `/health?ready=any`), else `loading`. A model that is not required never fails its server.
 */
export function serverStatus(models: Iterable<ModelRecord<unknown>>): ServerStatus {
  const required = [...models].filter((m) => m.required);
  if (required.some((m) => m.state === 'failed')) return 'failed';
  if (required.every((m) => m.state === 'ready')) return 'ok';
  const first = Math.min(...required.map((m) => m.priority));
  return required.filter((m) => m.priority === first).every((m) => m.state === 'ready') ? 'serving' : 'loading';
}
