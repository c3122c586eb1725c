// A model's lifecycle, one explicit state machine: queued → loading → retrying → ready | failed, and quarantined for a
// model that crashed its server (lifted by hand back to queued).
import type { ModelState, ModelStatusBody, ServerStatus } from '../../common/protocol.js';

const ALLOWED: Record<ModelState, readonly ModelState[]> = {
  queued: ['loading', 'quarantined'],
  loading: ['waiting', 'ready', 'retrying', 'failed'],
  waiting: ['loading', 'retrying', 'failed'],
  retrying: ['loading'],
  ready: ['unhealthy'],
  unhealthy: ['ready'],
  failed: [],
  quarantined: ['queued'],
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
  /** The file's identity when its load began (common/file-identity.ts): what crash records are kept against. */
  identity?: string;
  /** Requests served since the load: the first one is journalled as such. */
  requests = 0;
  /** Requests cancelled with 504 past `requestTimeout`. */
  timeouts = 0;
  /** False once a failure is one a retry cannot mend (the model can never fit in memory). */
  retryable = true;
  /** Deep liveness checks failed, in all and in a row. */
  checkFailures = 0;
  checkFailuresInARow = 0;
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
      timeouts: this.timeouts,
      priority: this.priority,
      required: this.required,
      warm: this.warmupMs !== undefined,
      error: this.error ?? null,
    };
  }
}

/**
 * The server's status follows from its models': `failed` once a required model failed for good, `ok` once every
 * required model is ready, `degraded` once each is ready or quarantined, `serving` once the required models of the
 * first priority are settled that way (Kubernetes-style readiness for `/health?ready=any`), else `loading`. A model
 * that is not required never holds up or fails its server.
 */
export function serverStatus(models: Iterable<ModelRecord<unknown>>): ServerStatus {
  const required = [...models].filter((m) => m.required);
  const settled = (m: ModelRecord<unknown>) => ['ready', 'quarantined', 'unhealthy'].includes(m.state);
  if (required.some((m) => m.state === 'failed')) return 'failed';
  if (required.every((m) => m.state === 'ready')) return 'ok';
  if (required.every(settled)) return 'degraded';
  const first = Math.min(...required.map((m) => m.priority));
  return required.filter((m) => m.priority === first).every(settled) ? 'serving' : 'loading';
}
