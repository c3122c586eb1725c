// The LLM runtime, started before anything else the server imports: node-llama-cpp's import and `getLlama` (which
// checks its prebuilt binary in a child process) are the longest fixed cost of a cold start, so they run while the
// config is read and the HTTP server comes up. The early instance is a CPU one (the default, `gpu: false`); a config
// that asks for a GPU gets a new one.
import type { Llama } from 'node-llama-cpp';
import type { BuiltinServerConfig } from '../../common/config/types.js';

let early: Promise<Llama> | undefined;

const createLlama = async (gpu: BuiltinServerConfig['gpu'], maxThreads?: number) => {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  return getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.error, maxThreads });
};

/** Starts the import and a CPU instance now; call it first thing in the process. */
export function startRuntimeEarly(): void {
  early = createLlama(false);
  early.catch(() => {}); // reported by whoever takes it
}

/** An instance for the server's settings: the early one when it fits (its threads set now), else a new one. */
export async function createRuntime(server: Pick<BuiltinServerConfig, 'gpu' | 'threads'>): Promise<Llama> {
  const started = early;
  early = undefined;
  if (started && server.gpu === false) {
    const llama = await started;
    llama.maxThreads = server.threads;
    return llama;
  }
  if (started)
    void started.then(
      (l) => l.dispose(),
      () => {},
    );
  return createLlama(server.gpu, server.threads);
}
