// What routes use to reach a model: its readiness turned into the 404/503 a client should see, and its inference run
// as native work (journalled; alone while the model is on probation after a crash while serving), cancelled with 504
// past `requestTimeout`, counted from the moment it starts, not while it waits for its turn. A cancelled inference
// that does not come back is a wedged engine: /livez and the heartbeat then say so. Everything that runs on a copy
// (requests, admin warm-ups, deep checks) is counted in flight, so an unload can wait for it before freeing the copy.
import type { FastifyRequest } from 'fastify';
import type { NativePhase } from '../../../common/crash-journal.js';
import { HttpError, modelNotFound } from './http-error.js';
import type { ModelMemory } from '../native/model-memory.js';
import { SERVING, type ModelRecord, type ModelTable } from '../model-states.js';
import type { NativeWork, NativeWorkOptions } from '../native/native-work.js';

/** Seconds a client should wait before asking again for a model that is still loading. */
const RETRY_AFTER_S = '1';

/** How long a cancelled inference may take to come back before the engine counts as wedged. */
export const WEDGE_GRACE_MS = 10_000;

/** A ready model taken for one request: `run` is its inference, given a signal that aborts at the timeout. */
export interface Lease<H> {
  handle: H;
  run<R>(fn: (signal: AbortSignal) => Promise<R>): Promise<R>;
}

/**
 * What retiring a model's copy found: the handle to free, and how many inferences had to be cancelled. `error` when
 * cancelled work did not come back: the copy is out of service, but not freed (it may still be in use).
 */
export interface Retired<H> {
  handle: H | undefined;
  cancelled: number;
  error?: string;
}

/** One call on a copy: its cancel switch, and whether it has begun (cancelled while it waits, it never will). */
interface Call {
  cancel: AbortController;
  started: boolean;
  work?: Promise<unknown>;
}

const EXPIRED = Symbol('expired');

export class ModelHost<H> {
  /** Cancelled inferences that have not come back within WEDGE_GRACE_MS. */
  private stuck = 0;
  /** Each copy's calls in native code now or waiting for their turn. */
  private readonly running = new Map<ModelRecord<H>, Set<Call>>();
  /** Called whenever a call on a copy comes back (set while an unload waits). */
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
    if (!m) throw modelNotFound(name, this.models);
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
        const clock = deadline(this.requestTimeoutMs);
        const started = () => (clock.start(), fn(cancel.signal));
        const work = this.track(m, phase, cancel, started, { alone: probation, identity: m.identity });
        const result = await this.withTimeout(name, work, clock, cancel, () => (m.timeouts += 1));
        if (probation)
          this.memory.update(name, m.identity, (x) => Object.assign(x, { crashes: 0, lastCrash: undefined }));
        return result;
      },
    };
  }

  /**
   * Runs `fn` on the model's copy as native work an unload waits for, like a request but without its timeout: admin
   * warm-ups and deep liveness checks go through here, never straight to NativeWork. A 503 when no copy serves.
   */
  async use<R>(m: ModelRecord<H>, phase: NativePhase, fn: (handle: H) => Promise<R>): Promise<R> {
    const handle = m.handle;
    if (!SERVING.includes(m.state) || handle === undefined) {
      throw new HttpError(503, `model "${m.name}" is ${m.state}: no copy to run on`, 'model_unloaded');
    }
    return this.track(m, phase, new AbortController(), () => fn(handle), { identity: m.identity });
  }

  /** Calls on this copy in native code now or waiting for their turn. */
  inflight(m: ModelRecord<H>): number {
    return this.running.get(m)?.size ?? 0;
  }

  /**
   * Takes a copy out of service once its calls have come back: waits for them up to `timeoutMs`, then cancels the rest
   * and waits up to WEDGE_GRACE_MS for those. The handle is detached at the moment nothing runs on it, so no request
   * can start on a freed model; the caller frees it. Past the grace it gives up: the copy leaves service unfreed (never
   * freed under a running call) and `error` says so, so an unload cannot hold every later change back for ever.
   */
  async retire(m: ModelRecord<H>, timeoutMs: number): Promise<Retired<H>> {
    const retired: Retired<H> = { handle: undefined, cancelled: 0 };
    const detach = () => {
      retired.handle = m.handle;
      m.handle = undefined;
    };
    if (!this.busy(m)) {
      detach();
      return retired;
    }
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      const drained = () => {
        if (this.busy(m)) return;
        detach();
        resolve();
      };
      this.drained.set(m, drained);
      timer = setTimeout(() => {
        retired.cancelled = this.cancelAll(m);
        drained();
        timer = setTimeout(() => {
          m.handle = undefined;
          retired.error = notBack([...(this.running.get(m) ?? [])].filter((c) => c.started).length);
          resolve();
        }, WEDGE_GRACE_MS);
      }, timeoutMs);
    });
    clearTimeout(timer);
    this.drained.delete(m);
    return retired;
  }

  /**
   * Runs `fn` as native work on `m`'s copy, counted in flight until it is back. A call cancelled while it waits for its
   * turn (behind work run alone) never begins: it fails with a 503 instead.
   */
  private track<R>(
    m: ModelRecord<H>,
    phase: NativePhase,
    cancel: AbortController,
    fn: () => Promise<R>,
    opts: NativeWorkOptions,
  ) {
    const call: Call = { cancel, started: false };
    const begin = () => {
      if (cancel.signal.aborted) {
        return Promise.reject(new HttpError(503, `model "${m.name}" was unloaded before this ran`, 'model_unloaded'));
      }
      call.started = true;
      return fn();
    };
    // NativeWork.run is async: `begin` cannot run before the call is entered below.
    const work = this.native.run(m.name, phase, begin, opts);
    call.work = work;
    const set = this.running.get(m) ?? new Set();
    set.add(call);
    this.running.set(m, set);
    const leave = () => {
      set.delete(call);
      if (set.size === 0) this.running.delete(m);
      this.drained.get(m)?.();
    };
    void work.then(leave, leave);
    return work;
  }

  /** Whether anything may still run on the copy: a call begun and not back, or one waiting and not cancelled. */
  private busy(m: ModelRecord<H>): boolean {
    return [...(this.running.get(m) ?? [])].some((c) => c.started || !c.cancel.signal.aborted);
  }

  /** Cancels every call on the copy; those already begun are watched for coming back. Returns how many. */
  private cancelAll(m: ModelRecord<H>): number {
    const calls = [...(this.running.get(m) ?? [])];
    for (const c of calls) {
      c.cancel.abort();
      if (c.started) this.watchForWedge(c.work!);
    }
    return calls.length;
  }

  /** The work's result, or a 504 once the clock runs out (the work is told to stop and watched for coming back). */
  private async withTimeout<R>(
    model: string,
    work: Promise<R>,
    clock: Deadline,
    cancel: AbortController,
    counted: () => void,
  ) {
    try {
      const first = await Promise.race([work, clock.expired]);
      if (first !== EXPIRED) return first as R;
    } finally {
      clock.clear();
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

/** Why an unload gave up: what a ModelStep and the `unload_end` event report. */
function notBack(calls: number): string {
  const what = calls === 1 ? '1 cancelled call' : `${calls} cancelled calls`;
  const within = `${WEDGE_GRACE_MS / 1000} s`;
  return `the engine did not come back from ${what} within ${within}; copy not freed (restart the server)`;
}

interface Deadline {
  expired: Promise<typeof EXPIRED>;
  start(): void;
  clear(): void;
}

/** A timer started on demand: a request's clock starts when its inference does, not when it is queued. */
function deadline(ms: number): Deadline {
  let timer: NodeJS.Timeout | undefined;
  let expire!: () => void;
  const expired = new Promise<typeof EXPIRED>((resolve) => (expire = () => resolve(EXPIRED)));
  return {
    expired,
    start: () => void (timer = setTimeout(expire, ms)),
    clear: () => clearTimeout(timer),
  };
}
