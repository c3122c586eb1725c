// Entry point of the GGUF LLM server: `node dist/servers/llm/main.js --config models.yaml --server llm`. The runtime
// starts before the rest of the server is even imported (see runtime.ts).
import { startRuntimeEarly } from './runtime.js';

// On an abort ggml attaches gdb for a backtrace when it finds one: a second lost before the crash is seen and held to
// account. Our crash journal says what was running; a backtrace can still be asked for by setting it to 0.
process.env.GGML_NO_BACKTRACE ??= '1';

await startRuntimeEarly();
const [{ runServer }, { createLlmEngine }] = await Promise.all([
  import('../core/run-server.js'),
  import('./engine.js'),
]);
await runServer('llm', createLlmEngine);
