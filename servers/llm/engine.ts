// The GGUF engine: checks the header, loads on a free lane, makes the context each request takes a sequence from.
import type { LlamaContextSequence } from 'node-llama-cpp';
import type { BuiltinServerConfig } from '../../common/config/types.js';
import { ModelLoadError, messageOf } from '../../common/errors.js';
import { checkLlmFile } from '../../common/formats/gguf/check.js';
import { GgufError } from '../../common/formats/gguf/read.js';
import { estimateModelFile } from '../../common/memory/model-file.js';
import { Pool } from '../core/native/pool.js';
import type { Engine } from '../core/engine.js';
import type { ModelRecord } from '../core/model-states.js';
import type { LlmHandle } from './handle.js';
import { Lanes, laneCount } from './lanes.js';
import { createRuntime } from './runtime.js';
import { registerLlmRoutes } from './routes.js';

export function createLlmEngine(server: BuiltinServerConfig): Engine<LlmHandle> {
  const threads = server.threads;
  // Imported here, not at the top: main.ts started it before the server's other imports.
  const runtime = import('node-llama-cpp');
  const lanes = new Lanes(laneCount(server.concurrency, server.models.length), () => createRuntime(server));
  /** File size of each model its attempt's estimate checked: the header is read once per attempt, not twice. */
  const checked = new Map<string, number>();
  /** A refused header fails the attempt with its reason; anything else stays what it is. */
  const refused = (m: ModelRecord<LlmHandle>, err: unknown) =>
    err instanceof GgufError ? new ModelLoadError(m.name, m.file, err.message) : err;
  /** The file's size for a load: from this attempt's estimate, or from a check of its own without one. */
  const checkedBytes = async (m: ModelRecord<LlmHandle>) => {
    const bytes = checked.get(m.name);
    checked.delete(m.name);
    if (bytes !== undefined) return bytes;
    try {
      return (await checkLlmFile(m.file!)).fileSize;
    } catch (err) {
      throw refused(m, err);
    }
  };

  return {
    prepare: () => lanes.firstReady(),
    async estimate(m) {
      try {
        const { estimate, fileBytes } = await estimateModelFile(server, { file: m.file }, lanes.any());
        checked.set(m.name, fileBytes!);
        return estimate;
      } catch (err) {
        throw refused(m, err);
      }
    },
    async load(m, _attempt, watch) {
      const file = m.file!;
      const bytes = await checkedBytes(m);
      return lanes
        .use(bytes, watch, async (llama) => {
          const model = await llama.loadModel({
            modelPath: file,
            useMmap: server.mmap,
            loadSignal: watch.signal,
            onLoadProgress: (fraction) => watch.progress(fraction * bytes, bytes),
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
          throw new ModelLoadError(m.name, file, messageOf(err), { cause: err });
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
