// What the GGUF engine hands the routes for one loaded model: in a file of its own, so that the engine (which
// registers the routes) and the routes (which use it) do not import each other.
import type { LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import type { Pool } from '../core/native/pool.js';

/** A loaded model, shared by every request; each request borrows one of its sequences. */
export interface LlmHandle {
  model: LlamaModel;
  context: LlamaContext;
  sequences: Pool<LlamaContextSequence>;
}
