// What routes use to reach a model: its readiness turned into the 404/503 a client should see, and its inference run
// as native work (journalled; alone while the model is on probation after a crash while serving), cancelled with 504
// past `requestTimeout`. A cancelled inference that does not come back is a wedged engine: /livez and the heartbeat
// then say so. It counts each model's inferences in flight, so an unload can wait for them before freeing the model.
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';
import type { ModelTable } from './http.js';
import type { ModelMemory } from './model-memory.js';
import { SERVING, type ModelRecord } from './model-states.js';
import type { NativeWork } from './native-work.js';

/** Seconds a client should wait before asking again for a model that is still loading. */
const RETRY_AFTER_S = '1';

/** How long a cancelled inference may take to come back before the engine counts as wedged. */
export const WEDGE_GRACE_MS = 10_000;

/** A ready model taken for one request: `run` is its inference, given a signal that aborts at the timeout. */
export interface Lease<H> {
  handle: H;
  run<R>(fn: (signal: AbortSignal) => Promise<R>): Promise<R>;
}

/** What retiring a model's copy found: the handle to free, and how many inferences had to be cancelled. */
export interface Retired<H> {
  handle: H | undefined;
  cancelled: number;
}

export class ModelHost<H> {
  /** Cancelled inferences that have not come back within WEDGE_GRACE_MS. */
  private stuck = 0;
  /** Each copy's inferences in native code now, by their cancel switch. */
  private readonly running = new Map<ModelRecord<H>, Set<AbortController>>();
  /** Called whenever an inference of a copy comes back. */
  private readonly drained = new Map<ModelRecord<H>, () => void>();

  constructor(
    readonly models: ModelTable<H>,
    private readonly native: NativeWork,
    private readonly memory: ModelMemory,
    private readonly requestTimeoutMs: number,
  ) {}

  /** True while an inference ignores its cancellation: the engine no longer does what it is asked. */
  get wedged(): boolean {
    return this.stuck > 0;
  }

  /** The model named by a request, ready to serve; throws the 400 / 404 / 503 the client should see. */
  lease(name: string | undefined, req?: FastifyRequest): Lease<H> {
    if (!name) throw new HttpError(400, 'model: is required');
    const m = this.models.get(name);
    if (!m) {
      const known = [...this.models.keys()].join(', ');
      throw new HttpError(404, `model "${name}" does not exist on this server; it has ${known}`, 'not_found_error');
    }
    if (req) req.modelName = name;
    if (m.state === 'failed') throw new HttpError(503, `model "${name}" failed to load: ${m.error}`, 'model_failed');
    if (m.state === 'quarantined') {
      throw new HttpError(503, m.error ?? `model "${name}" is quarantined`, 'model_quarantined');
    }
    if (m.state === 'unloading' || m.state === 'unloaded') {
      const how = m.state === 'unloading' ? 'is being unloaded' : `is unloaded (POST /admin/models/${name}/load)`;
      throw new HttpError(503, `model "${name}" ${how}`, 'model_unloaded');
    }
    if (!SERVING.includes(m.state) || m.handle === undefined) {
      throw new HttpError(503, `model "${name}" is still loading (${m.state})`, 'model_loading', {
        'retry-after': RETRY_AFTER_S,
      });
    }
    const handle = m.handle;
    return {
      handle,
      run: async (fn) => {
        // Leased before its copy was retired: the handle is freed or about to be; the client asks again.
        if (m.handle !== handle) {
          throw new HttpError(503, `model "${name}" was reloaded; ask again`, 'model_loading', {
            'retry-after': RETRY_AFTER_S,
          });
        }
        const memo = this.memory.get(name, m.identity);
        const probation = memo.crashes > 0 && memo.crashedWhile === 'serving';
        const phase = m.requests === 0 ? 'first-request' : 'request';
        m.requests += 1;
        const cancel = new AbortController();
        this.enter(m, cancel);
        const work = this.native.run(name, phase, () => fn(cancel.signal), { alone: probation, identity: m.identity });
        void work.then(
          () => this.leave(m, cancel),
          () => this.leave(m, cancel),
        );
        const result = await this.withTimeout(name, work, cancel, () => (m.timeouts += 1));
        if (probation)
          this.memory.update(name, m.identity, (x) => Object.assign(x, { crashes: 0, lastCrash: undefined }));
        return result;
      },
    };
  }

  /** Inferences of this copy in native code now. */
  inflight(m: ModelRecord<H>): number {
    return this.running.get(m)?.size ?? 0;
  }

  /**
   * Takes a copy out of service once its inferences have come back: waits for them up to `timeoutMs`, then cancels
   * the rest and waits for those. The handle is detached at the moment nothing runs on it, so no request can start
   * on a freed model; the caller frees it.
   */
  async retire(m: ModelRecord<H>, timeoutMs: number): Promise<Retired<H>> {
    const retired: Retired<H> = { handle: undefined, cancelled: 0 };
    const detach = () => {
      retired.handle = m.handle;
      m.handle = undefined;
    };
    if (this.inflight(m) === 0) {
      detach();
      return retired;
    }
    const timer = setTimeout(() => {
      for (const c of this.running.get(m) ?? []) {
        retired.cancelled += 1;
        c.abort();
      }
    }, timeoutMs);
    await new Promise<void>((resolve) =>
      this.drained.set(m, () => {
        if (this.inflight(m) > 0) return;
        detach();
        resolve();
      }),
    );
    clearTimeout(timer);
    this.drained.delete(m);
    return retired;
  }

  private enter(m: ModelRecord<H>, cancel: AbortController): void {
    const set = this.running.get(m) ?? new Set();
    set.add(cancel);
    this.running.set(m, set);
  }

  private leave(m: ModelRecord<H>, cancel: AbortController): void {
    const set = this.running.get(m);
    set?.delete(cancel);
    if (set?.size === 0) this.running.delete(m);
    this.drained.get(m)?.();
  }

  /** The work's result, or a 504 once the timeout passes (the work is told to stop and watched for coming back). */
  private async withTimeout<R>(model: string, work: Promise<R>, cancel: AbortController, counted: () => void) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.requestTimeoutMs);
    });
    try {
      const first = await Promise.race([work, timedOut]);
      if (first !== 'timeout') return first as R;
    } finally {
      clearTimeout(timer);
    }
    counted();
    cancel.abort();
    this.watchForWedge(work);
    const seconds = Math.round(this.requestTimeoutMs / 1000);
    throw new HttpError(504, `model "${model}" took longer than ${seconds} s (requestTimeout); cancelled`, 'timeout');
  }

  private watchForWedge(work: Promise<unknown>): void {
    let back = false;
    let counted = false;
    const settle = () => {
      back = true;
      if (counted) this.stuck -= 1;
    };
    work.then(settle, settle);
    setTimeout(() => {
      if (back) return;
      counted = true;
      this.stuck += 1;
    }, WEDGE_GRACE_MS).unref();
  }
}
