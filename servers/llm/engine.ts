// The GGUF engine: checks the header, loads on a free lane, makes the context each request takes a sequence from.
import type { LlamaContextSequence, LlamaModel, LlamaContext } from 'node-llama-cpp';
import type { BuiltinServerConfig } from '../../common/config/types.js';
import { ModelLoadError } from '../../common/errors.js';
import { checkLlmHeader, GgufError, readGgufHeader } from '../../common/formats/gguf/read.js';
import { Pool } from '../core/pool.js';
import type { Engine } from '../core/run-server.js';
import type { ModelRecord } from '../core/model-states.js';
import { Lanes } from './lanes.js';
import { registerLlmRoutes } from './routes.js';

/** A loaded model, shared by every request; each request borrows one of its sequences. */
export interface LlmHandle {
  model: LlamaModel;
  context: LlamaContext;
  sequences: Pool<LlamaContextSequence>;
}

export function createLlmEngine(server: BuiltinServerConfig): Engine<LlmHandle> {
  const threads = server.threads;
  // Imported here, not at the top, so the HTTP server is not held up by the runtime's ~0.7 s import.
  const runtime = import('node-llama-cpp');
  const lanes = new Lanes(Math.min(server.concurrency, server.models.length), async () => {
    const { getLlama, LlamaLogLevel } = await runtime;
    return getLlama({ gpu: server.gpu, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: threads });
  });

  return {
    prepare: () => lanes.firstReady(),
    async load(m: ModelRecord<LlmHandle>) {
      const file = m.file!;
      let bytes: number;
      try {
        bytes = checkLlmHeader(await readGgufHeader(file)).fileSize;
      } catch (err) {
        if (err instanceof GgufError) throw new ModelLoadError(m.name, file, err.message);
        throw err;
      }
      return lanes
        .use(bytes, async (llama) => {
          const model = await llama.loadModel({ modelPath: file, useMmap: server.mmap });
          try {
            const trainContext = model.trainContextSize;
            const context = await model.createContext({
              contextSize: Math.min(server.contextSize, trainContext),
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
    close: () => lanes.close(),
  };
}
