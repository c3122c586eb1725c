// Entry point of the GGUF LLM server: `node dist/servers/llm/main.js --config models.yaml --server llm`.
import { runServer } from '../core/run-server.js';
import { createLlmEngine } from './engine.js';

await runServer('llm', createLlmEngine);
