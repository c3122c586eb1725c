// A model's lifecycle, one explicit state machine: queued → loading → retrying → ready | failed, quarantined for a
// model that crashed its server (lifted by hand back to queued), and on a reload: swapping (serves while its new copy
// loads; back to ready if that fails), unloading (drains its requests) → unloaded. A new copy is a new record. The
// record's `moveTo` is the only writer of its state, and every move is a timing event that carries the state, so no
// reader (the supervisor, the live view) works a state out from an event's name.
import type { ModelConfig } from '../../common/config/types.js';
import type { ModelState } from '../../common/model-state.js';
import type { ModelStatusBody, ServerStatus } from '../../common/protocol.js';
import type { MODEL_EVENTS, TimingEventInput } from '../../common/timing/events.js';

/** The allowed moves: from each state, the states it may move to. */
export const MOVES: Readonly<Record<ModelState, readonly ModelState[]>> = {
  queued: ['loading', 'quarantined', 'unloaded'],
  loading: ['waiting', 'ready', 'retrying', 'failed'],
  waiting: ['loading', 'retrying', 'failed'],
  retrying: ['loading'],
  ready: ['unhealthy', 'swapping', 'unloading'],
  unhealthy: ['ready', 'swapping', 'unloading'],
  swapping: ['ready', 'unloading'],
  unloading: ['unloaded'],
  unloaded: [],
  failed: ['unloaded'],
  quarantined: ['queued', 'unloaded'],
};

/** A server's models by name: the copy each name stands for now, what /health lists. */
export type ModelTable<H> = Map<string, ModelRecord<H>>;

/** An event about one model as its record emits it: the record adds the model's name and its state. */
export type ModelEvent = Omit<TimingEventInput, 'event' | 'model' | 'state'> & { event: (typeof MODEL_EVENTS)[number] };

/**
 * What a record plays on: the server's table (which copy each name stands for) and its emitter. A record made without
 * one (unit tests) is alone on an empty stage and its events go nowhere.
 */
export interface ModelStage<H> {
  models: ModelTable<H>;
  emit(e: TimingEventInput): void;
}

/** States in which a model serves requests. */
export const SERVING: readonly ModelState[] = ['ready', 'unhealthy', 'swapping'];
/** States a load is still under way in: a reload of the model waits until it settles. */
export const LOADING: readonly ModelState[] = ['queued', 'loading', 'waiting', 'retrying'];

/** One model inside a server: its state and the figures /health reports. `handle` is what the engine loaded. */
export class ModelRecord<H> {
  #state: ModelState = 'queued';
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
  /** The model's settings from the config, as this copy was loaded with them (a reload updates them in place). */
  settings: ModelConfig;
  /** Why this copy exists: the server's start-up, or a reload (its `ready` then says so, not the time since start). */
  origin: 'start' | 'reload' = 'start';
  constructor(
    readonly name: string,
    readonly file?: string,
    /** Taken in place by a reload, like `required`. */
    public priority = 0,
    public required = true,
    settings?: ModelConfig,
    private readonly stage: ModelStage<H> = { models: new Map(), emit: () => {} },
  ) {
    this.settings = settings ?? { name, required, priority, ...(file ? { file } : {}) };
  }

  /** A record for the `index`-th model of a server's section, emitting on `stage`. */
  static of<H>(
    settings: ModelConfig,
    index: number,
    stage: ModelStage<H>,
    origin: 'start' | 'reload' = 'start',
  ): ModelRecord<H> {
    const { name, file, priority, required } = settings;
    const m = new ModelRecord<H>(name, file, priority ?? index, required, settings, stage);
    m.origin = origin;
    return m;
  }

  /** Where the model is in its lifecycle; only `moveTo` changes it. */
  get state(): ModelState {
    return this.#state;
  }

  /**
   * Moves to `next` and emits `event` for the move, with the state on it: the one place a state changes. A move the
   * table does not allow is a bug and throws.
   */
  moveTo(next: ModelState, event: ModelEvent): void {
    if (!MOVES[this.#state].includes(next))
      throw new Error(`model ${this.name}: ${this.#state} → ${next} is not allowed`);
    this.#state = next;
    this.emit(event);
  }

  /**
   * Emits an event about this model with the state its clients see (what /health lists): this copy's, or, while the
   * table holds another copy under the name (the new copy of a side-by-side swap while it loads, the old one once
   * replaced), that copy's. So the model stays `swapping` through its new copy's load, and the old copy's unload after
   * a swap does not show.
   */
  emit(event: ModelEvent): void {
    const shown = this.stage.models.get(this.name) ?? this;
    this.stage.emit({ ...event, model: this.name, state: shown.state });
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
 * required model is ready (or swapping: it serves), `degraded` once each is ready or quarantined, `serving` once the
 * required models of the first priority are settled that way (Kubernetes-style readiness for `/health?ready=any`), else
 * `loading`. A model that is not required, or is being or was unloaded on purpose, never holds up or fails its server.
 */
export function serverStatus(models: Iterable<ModelRecord<unknown>>): ServerStatus {
  const required = [...models].filter((m) => m.required && m.state !== 'unloading' && m.state !== 'unloaded');
  const settled = (m: ModelRecord<unknown>) => ['ready', 'swapping', 'quarantined', 'unhealthy'].includes(m.state);
  if (required.some((m) => m.state === 'failed')) return 'failed';
  if (required.every((m) => m.state === 'ready' || m.state === 'swapping')) return 'ok';
  if (required.every(settled)) return 'degraded';
  const first = Math.min(...required.map((m) => m.priority));
  return required.filter((m) => m.priority === first).every(settled) ? 'serving' : 'loading';
}
