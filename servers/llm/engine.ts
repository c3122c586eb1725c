// The GGUF engine: checks the header, loads on a free lane, makes the context each request takes a sequence from.
import type { LlamaContextSequence, LlamaModel, LlamaContext } from 'node-llama-cpp';
import type { BuiltinServerConfig } from '../../common/config/types.js';
import { ModelLoadError } from '../../common/errors.js';
import { checkLlmHeader } from '../../common/formats/gguf/check.js';
import { GgufError, readGgufHeader } from '../../common/formats/gguf/read.js';
import { Pool } from '../core/pool.js';
import type { Engine } from '../core/run-server.js';
import type { ModelRecord } from '../core/model-states.js';
import { estimateGguf } from '../../common/memory/gguf.js';
import { Lanes, laneCount } from './lanes.js';
import { createRuntime } from './runtime.js';
import { registerLlmRoutes } from './routes.js';

/** A loaded model, shared by every request; each request borrows one of its sequences. */
export interface LlmHandle {
  model: LlamaModel;
  context: LlamaContext;
  sequences: Pool<LlamaContextSequence>;
}

export function createLlmEngine(server: BuiltinServerConfig): Engine<LlmHandle> {
  const threads = server.threads;
  // Imported here, not at the top: main.ts started it before the server's other imports.
  const runtime = import('node-llama-cpp');
  const lanes = new Lanes(laneCount(server.concurrency, server.models.length), () => createRuntime(server));
  /** File size of each checked model: the header is read once per attempt, by whichever step comes first. */
  const checked = new Map<string, number>();
  const check = async (m: ModelRecord<LlmHandle>) => {
    try {
      const bytes = checkLlmHeader(await readGgufHeader(m.file!)).fileSize;
      checked.set(m.name, bytes);
      return bytes;
    } catch (err) {
      if (err instanceof GgufError) throw new ModelLoadError(m.name, m.file, err.message);
      throw err;
    }
  };

  return {
    prepare: () => lanes.firstReady(),
    async estimate(m) {
      const bytes = await check(m);
      return estimateGguf(m.file!, bytes, await lanes.any(), server).catch(() => ({
        bytes: bytes + (1 << 26),
        parts: { weights: bytes, context: 1 << 26 },
      }));
    },
    async load(m, _attempt, ctx) {
      const file = m.file!;
      const bytes = checked.get(m.name) ?? (await check(m));
      checked.delete(m.name);
      return lanes
        .use(bytes, ctx, async (llama) => {
          const model = await llama.loadModel({
            modelPath: file,
            useMmap: server.mmap,
            loadSignal: ctx.signal,
            onLoadProgress: (fraction) => ctx.progress(fraction * bytes, bytes),
          });
          try {
            const context = await model.createContext({
              contextSize: Math.min(server.contextSize, model.trainContextSize),
              sequences: server.parallel,
              threads,
            });
            const sequences = new Pool<LlamaContextSequence>();
            for (let i = 0; i < server.parallel; i++) sequences.add(context.getSequence());
            return { model, context, sequences };
          } catch (err) {
            await model.dispose();
            throw err;
          }
        })
        .catch((err: unknown) => {
          if (err instanceof ModelLoadError) throw err;
          throw new ModelLoadError(m.name, file, (err as Error).message, { cause: err });
        });
    },
    async warmup(_m, handle) {
      const { LlamaCompletion } = await runtime;
      await handle.sequences.use(async (sequence) => {
        const completion = new LlamaCompletion({ contextSequence: sequence });
        await completion.generateCompletion('Hello', { maxTokens: 2 });
        completion.dispose({ disposeSequence: false });
        await sequence.clearHistory();
      });
    },
    registerRoutes: registerLlmRoutes,
    async unload(handle) {
      await handle.context.dispose();
      await handle.model.dispose();
    },
    close: () => lanes.close(),
  };
}
