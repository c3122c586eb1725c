// A server's one loader, set up for its section: loads, first-sight checks and warm-ups run as native work (journalled,
// alone for a suspect of an earlier crash), behind the memory gate, and a suspect that loads alone is cleared.
import type { BuiltinServerConfig } from '../../../common/config/types.js';
import type { Engine } from '../engine.js';
import type { ModelRecord } from '../model-states.js';
import type { ModelMemory } from '../native/model-memory.js';
import type { NativeWork } from '../native/native-work.js';
import { MemoryGate } from './admission.js';
import { Loader } from './loader.js';

/** What the server's loader is made of. */
export interface ServerLoaderParts<H> {
  server: BuiltinServerConfig;
  engine: Engine<H>;
  native: NativeWork;
  memory: ModelMemory;
  /** The identity of the file the record's settings name, now. */
  identityOf: (model: ModelRecord<H>) => string | undefined;
  /** `up --warmup`. */
  forceWarmup: boolean;
}

/** The server's loader (and its memory gate): loads run as native work, alone for the models in `alone`. */
export function createServerLoader<H>(p: ServerLoaderParts<H>): {
  loader: Loader<H>;
  alone: Set<string>;
  gate: MemoryGate;
} {
  const { server, engine, native, memory } = p;
  const alone = new Set<string>();
  const gate = new MemoryGate({ limitBytes: server.memoryLimitBytes });
  const opts = (m: ModelRecord<H>, attempt?: number) => ({ alone: alone.has(m.name), attempt, identity: m.identity });
  const needsCheck = (m: ModelRecord<H>) =>
    (m.settings.verify ?? server.verify) === 'first-load' && !memory.get(m.name, m.identity).verified;
  const wantsWarmup = (m: ModelRecord<H>) => p.forceWarmup || (m.settings.warmup ?? server.warmup);

  const loader = new Loader<H>({
    concurrency: server.concurrency,
    retries: server.retries,
    retryDelayMs: server.retryDelayMs,
    stallTimeoutMs: server.stallTimeoutMs,
    gate,
    estimate: engine.estimate && ((m) => engine.estimate!(m)),
    load: (m, attempt, watch) => {
      m.identity = p.identityOf(m);
      // Waiting for other native work to leave (a suspect runs alone) is queueing, not a load that stalled.
      const queue = watch.queue;
      return native.run(m.name, 'load', () => engine.load(m, attempt, watch), { ...opts(m, attempt), queue });
    },
    verify: (m, handle) => {
      if (!needsCheck(m)) return undefined;
      return native
        .run(m.name, 'verify', () => engine.warmup(m, handle), opts(m, m.attempts))
        .then(() => void memory.update(m.name, m.identity, (memo) => (memo.verified = true)));
    },
    warm: (m, handle) =>
      wantsWarmup(m) ? native.run(m.name, 'warmup', () => engine.warmup(m, handle), opts(m, m.attempts)) : undefined,
    settled: (m) => {
      // A suspect that loaded alone without crashing is cleared of its loading crash.
      if (m.state === 'ready' && alone.delete(m.name)) {
        memory.update(m.name, m.identity, (memo) => Object.assign(memo, { crashes: 0, lastCrash: undefined }));
      }
    },
  });
  return { loader, alone, gate };
}
