// Checks a GGUF header against what the bundled llama.cpp needs to load and run a model without aborting the process:
// a file that would trip one of its assertions is refused here, in milliseconds, with a reason. Each rule names what
// llama.cpp does with such a file; test/fixtures/mutants holds the corpus that measures them, and no rule refuses a
// file llama.cpp runs unless the file contradicts itself.
import { hparamRules } from './check-hparams.js';
import { tokenizerRules } from './check-tokenizer.js';
import { shapeRules, tensorRules } from './check-tensors.js';
import { ModelView } from './model-view.js';
import { GgufError, readGgufHeader, type GgufHeader } from './read.js';

/** Keys llama.cpp asserts on (it aborts the process without them) for the decoder architectures it shares code for. */
const REQUIRED_PER_ARCH = [
  'context_length',
  'embedding_length',
  'block_count',
  'feed_forward_length',
  'attention.head_count',
];

/** Checks that a header describes a model llama.cpp can load and run without aborting; returns the header. */
export function checkLlmHeader(h: GgufHeader): GgufHeader {
  const arch = h.metadata.get('general.architecture');
  if (typeof arch !== 'string') throw new GgufError('metadata general.architecture is missing');
  const missing = REQUIRED_PER_ARCH.map((k) => `${arch}.${k}`).filter((k) => !h.metadata.has(k));
  if (missing.length > 0) throw new GgufError(`metadata ${missing.join(', ')} missing (llama.cpp would abort on it)`);
  if (!h.metadata.has('tokenizer.ggml.tokens'))
    throw new GgufError('metadata tokenizer.ggml.tokens missing: the model has no vocabulary');
  if (h.tensors.length === 0) throw new GgufError('the file holds no tensors');
  const view = new ModelView(h);
  for (const rule of [...tensorRules, ...hparamRules, ...tokenizerRules, ...shapeRules]) {
    const reason = rule(view);
    if (reason) throw new GgufError(reason);
  }
  return h;
}

/** Reads and checks a file: the server's first step before llama.cpp sees it. */
export async function checkLlmFile(path: string): Promise<GgufHeader> {
  return checkLlmHeader(await readGgufHeader(path));
}
