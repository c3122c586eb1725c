// What routes use to reach a model: its readiness turned into the 404/503 a client should see, and its inference run
// as native work (journalled; alone while the model is on probation after a crash while serving).
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';
import type { ModelTable } from './http.js';
import type { ModelMemory } from './model-memory.js';
import type { NativeWork } from './native-work.js';

/** Seconds a client should wait before asking again for a model that is still loading. */
const RETRY_AFTER_S = '1';

/** A ready model taken for one request: `run` is its inference. */
export interface Lease<H> {
  handle: H;
  run<R>(fn: () => Promise<R>): Promise<R>;
}

export class ModelHost<H> {
  constructor(
    readonly models: ModelTable<H>,
    private readonly native: NativeWork,
    private readonly memory: ModelMemory,
  ) {}

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
    if (m.state === 'quarantined')
      throw new HttpError(503, m.error ?? `model "${name}" is quarantined`, 'model_quarantined');
    if (m.state !== 'ready' || m.handle === undefined) {
      throw new HttpError(503, `model "${name}" is still loading (${m.state})`, 'model_loading', {
        'retry-after': RETRY_AFTER_S,
      });
    }
    const handle = m.handle;
    return {
      handle,
      run: async (fn) => {
        const memo = this.memory.get(name, m.identity);
        const probation = memo.crashes > 0 && memo.crashedWhile === 'serving';
        const phase = m.requests === 0 ? 'first-request' : 'request';
        m.requests += 1;
        const result = await this.native.run(name, phase, fn, { alone: probation, identity: m.identity });
        if (probation)
          this.memory.update(name, m.identity, (x) => Object.assign(x, { crashes: 0, lastCrash: undefined }));
        return result;
      },
    };
  }
}
