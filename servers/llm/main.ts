// Entry point of the GGUF LLM server: `node dist/servers/llm/main.js --config models.yaml --server llm`. The runtime
// starts before the rest of the server is even imported (see runtime.ts).
import { startRuntimeEarly } from './runtime.js';

await startRuntimeEarly();
const [{ runServer }, { createLlmEngine }] = await Promise.all([
  import('../core/run-server.js'),
  import('./engine.js'),
]);
await runServer('llm', createLlmEngine);
