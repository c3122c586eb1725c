// A demo llama model for a chat family (`demo:llama?template=chatml`): a byte-level BPE vocabulary with merges and the
// family's control tokens, its real chat template, and optionally the stop rig (`eot=N`) that makes it answer N tokens
// of a fixed reply and then end its turn. The weights are random, as in every demo model.
import { ValueType, type MetadataValue } from '../../common/formats/gguf/format.js';
import { writeGguf } from '../../common/formats/gguf/write.js';
import { byteLevel, trainBpe } from './demo-bpe.js';
import { CHAT_FAMILIES, type ChatFamily } from './demo-chat-families.js';
import { llamaMetadata, llamaTensors, shapeForSize } from './demo-llama.js';
import { rigForStop } from './demo-stop-rig.js';

/** What the rigged model answers, one token per piece: `eot=N` answers the first N. */
export const DEMO_REPLY = ['Hello', ' from', ' the', ' demo', ' model', ',', ' ready', ' to', ' serve', '.'];

/** Pieces the pre-tokenizers cut common text into; each becomes one token (`' world'` keeps its space). */
const WORDS = [
  ...DEMO_REPLY,
  ...['system', 'user', 'assistant', 'model', 'ipython', '\n', '\n\n', ' ', ':', '!', '?'],
  ...[' a', ' is', ' and', ' of', ' you', ' are', ' I', ' am', ' an', ' helpful', ' world', 'Hi', ' there'],
  ...[' Hello', ' question', ' answer', ' text', ' token', ' chat', ' server', ' fast', ' cold', ' start'],
];

const TOKEN_TYPE = { normal: 1, control: 3 } as const; // llama.h LLAMA_TOKEN_TYPE_*

export interface ChatVocabulary {
  tokens: string[];
  types: number[];
  merges: string[];
  /** Token id of a text: a special token's, or a whole learned piece's (`' from'` is `Ġfrom`). */
  id(text: string): number;
}

/** The family's control tokens (the first ids), then 256 byte tokens and the learned pieces. */
export function chatVocabulary(family: ChatFamily): ChatVocabulary {
  const bpe = trainBpe(WORDS);
  const tokens = [...family.specials, ...bpe.tokens];
  const types = tokens.map((_, i) => (i < family.specials.length ? TOKEN_TYPE.control : TOKEN_TYPE.normal));
  const ids = new Map(tokens.map((t, i) => [t, i]));
  const id = (text: string) => {
    const found = ids.get(text) ?? ids.get(byteLevel(text));
    if (found === undefined) throw new Error(`${JSON.stringify(text)} is not one token of the demo vocabulary`);
    return found;
  };
  return { tokens, types, merges: bpe.merges, id };
}

const u32 = (value: number): MetadataValue => ({ type: ValueType.UINT32, value });
const strings = (value: string[]): MetadataValue => ({ type: ValueType.ARRAY, itemType: ValueType.STRING, value });

/** The llama keys of the plain demo model with the family's tokenizer and chat template in place of its own. */
function chatMetadata(name: string, family: ChatFamily, vocab: ChatVocabulary, shape: ReturnType<typeof shapeForSize>) {
  const meta = llamaMetadata(name, shape);
  for (const k of Object.keys(meta)) if (k.startsWith('tokenizer.')) delete meta[k];
  return {
    ...meta,
    'tokenizer.ggml.model': { type: ValueType.STRING, value: 'gpt2' },
    'tokenizer.ggml.pre': { type: ValueType.STRING, value: family.pre },
    'tokenizer.ggml.tokens': strings(vocab.tokens),
    'tokenizer.ggml.token_type': { type: ValueType.ARRAY, itemType: ValueType.INT32, value: vocab.types },
    'tokenizer.ggml.merges': strings(vocab.merges),
    'tokenizer.ggml.bos_token_id': u32(vocab.id(family.bos)),
    'tokenizer.ggml.eos_token_id': u32(vocab.id(family.eos)),
    'tokenizer.ggml.eot_token_id': u32(vocab.id(family.eot)),
    'tokenizer.ggml.add_bos_token': { type: ValueType.BOOL, value: family.addBos },
    'tokenizer.chat_template': { type: ValueType.STRING, value: family.template },
  } satisfies Record<string, MetadataValue>;
}

export interface ChatDemoOptions {
  name: string;
  bytes: number;
  seed: string;
  /** A key of CHAT_FAMILIES. */
  template: string;
  /** Answer this many tokens of DEMO_REPLY, then the family's end-of-turn token; unset: random weights only. */
  eot?: number;
}

/** Writes a demo chat model of about `bytes` to `path`; the same options give the same bytes. */
export async function writeDemoLlamaChat(path: string, opts: ChatDemoOptions): Promise<number> {
  const family = CHAT_FAMILIES[opts.template];
  if (!family) throw new Error(`template=${opts.template} is not a chat family`);
  const vocab = chatVocabulary(family);
  const shape = shapeForSize(opts.bytes, 2 * vocab.tokens.length);
  let tensors = llamaTensors(shape, opts.seed, vocab.tokens.length, true);
  if (opts.eot !== undefined)
    tensors = rigForStop(tensors, shape.embedding, {
      reply: DEMO_REPLY.slice(0, opts.eot).map(vocab.id),
      eot: vocab.id(family.eot),
    });
  return writeGguf(path, chatMetadata(opts.name, family, vocab, shape), tensors);
}
