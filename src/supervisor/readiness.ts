// Waiting for one server to be ready is a race: ready (pushed over IPC, or a 2xx health answer) | the child exiting |
// a model failing for good | the deadline | an abort (Ctrl-C). The first to happen decides; everything else is cleaned
// up.
import type { EventEmitter } from 'node:events';
import { isBuiltin, type ServerConfig } from '../../common/config/types.js';
import type { ChildMessage } from '../../common/protocol.js';
import type { ExitInfo } from './server-process.js';

export type Outcome =
  | { kind: 'ready' }
  | { kind: 'exited'; exit: ExitInfo }
  | { kind: 'model-failed'; error: string }
  | { kind: 'deadline' }
  | { kind: 'aborted' };

/** The HTTP status of a health URL, or undefined when nothing answers (connection refused: still starting). */
export type Probe = (url: string, timeoutMs?: number) => Promise<number | undefined>;

export const httpProbe: Probe = async (url, timeoutMs = 1000) => {
  // got is imported on first use: only foreign servers are polled, so a stack of our own servers never loads it.
  const { got } = await import('got');
  return got(url, { timeout: { request: timeoutMs }, retry: { limit: 0 }, throwHttpErrors: false }).then(
    (r) => r.statusCode,
    () => undefined,
  );
};

/** The URL a foreign server is polled on (ours push ready over IPC, so they have none). */
export const healthUrlOf = (s: ServerConfig): string | undefined =>
  isBuiltin(s) ? undefined : `http://${s.host}:${s.port}${s.health}`;

export interface ReadinessSource extends EventEmitter {
  exitInfo?: ExitInfo;
}

export interface WaitOptions {
  /** Milliseconds left before the deadline. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Poll this URL too (foreign servers; a backstop for ours). */
  healthUrl?: string;
  pollMs?: number;
  probe?: Probe;
  /** Count a pushed `serving` (first-priority models ready) as ready: `up --wait serving`. */
  acceptServing?: boolean;
}

export function waitUntilReady(source: ReadinessSource, opts: WaitOptions): Promise<Outcome> {
  if (source.exitInfo) return Promise.resolve({ kind: 'exited', exit: source.exitInfo });
  if (opts.signal?.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    let done = false;
    let pollTimer: NodeJS.Timeout | undefined;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(pollTimer);
      source.off('message', onMessage);
      source.off('exit', onExit);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const onMessage = (m: ChildMessage) => {
      if (m.type === 'ready' || (m.type === 'serving' && opts.acceptServing)) finish({ kind: 'ready' });
      else if (m.type === 'failed') finish({ kind: 'model-failed', error: m.error });
    };
    const onExit = (exit: ExitInfo) => finish({ kind: 'exited', exit });
    const onAbort = () => finish({ kind: 'aborted' });
    const deadline = setTimeout(() => finish({ kind: 'deadline' }), Math.max(0, opts.timeoutMs));
    source.on('message', onMessage);
    source.on('exit', onExit);
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.healthUrl) {
      const probe = opts.probe ?? httpProbe;
      const poll = async () => {
        const status = await probe(opts.healthUrl!);
        if (done) return;
        // Connection refused and 503 mean "still loading" (llama-server answers 503 while it loads).
        if (status !== undefined && status >= 200 && status < 300) finish({ kind: 'ready' });
        else pollTimer = setTimeout(poll, opts.pollMs ?? 100);
      };
      void poll();
    }
  });
}
