// Vocabulary rules, from llama-vocab.cpp's load: an empty or repeated token list aborts it, and so does decoding a
// byte token with a WordPiece vocabulary. Special token ids out of range are not refused: llama.cpp replaces them.
import type { Rule } from './check-hparams.js';

const TOKEN_TYPE_BYTE = 6; // llama.h LLAMA_TOKEN_TYPE_BYTE

const tokenList: Rule = (v) => {
  const tokens = v.raw('tokenizer.ggml.tokens');
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string'))
    return 'metadata tokenizer.ggml.tokens is not a list of strings';
  if (tokens.length === 0)
    return 'metadata tokenizer.ggml.tokens is empty (llama.cpp aborts sizing the token embedding)';
  return undefined;
};

const vocabularyKind: Rule = (v) => {
  const model = v.raw('tokenizer.ggml.model');
  if (model === 'none' || model === 'no_vocab')
    return `metadata tokenizer.ggml.model is ${JSON.stringify(model)}: the model has no vocabulary to write text with`;
  if (model === 'bert') {
    const types = v.raw('tokenizer.ggml.token_type');
    const byte = Array.isArray(types) ? types.indexOf(TOKEN_TYPE_BYTE) : -1;
    if (byte >= 0)
      return (
        `metadata tokenizer.ggml.model is "bert" but token ${byte} is a byte token (type 6), ` +
        "which llama.cpp's WordPiece vocabulary cannot decode (it aborts)"
      );
  }
  return undefined;
};

/** llama.cpp reads `scores` and `token_type` by token id: each needs an entry per token. */
const parallelArrays: Rule = (v) => {
  const n = (v.raw('tokenizer.ggml.tokens') as unknown[]).length;
  for (const k of ['tokenizer.ggml.scores', 'tokenizer.ggml.token_type']) {
    const a = v.raw(k);
    if (a === undefined) continue;
    if (!Array.isArray(a) || !a.every((x) => typeof x === 'number')) return `metadata ${k} is not a list of numbers`;
    if (a.length < n) return `metadata ${k} has ${a.length} entries for ${n} tokens (llama.cpp refuses it)`;
  }
  return undefined;
};

/** llama.cpp maps each token's text to its id and asserts no two share one (an empty text counts as `[EMPTY_<id>]`). */
const uniqueTokens: Rule = (v) => {
  const seen = new Map<string, number>();
  for (const [id, t] of (v.raw('tokenizer.ggml.tokens') as string[]).entries()) {
    const text = t === '' ? `[EMPTY_${id}]` : t;
    const first = seen.get(text);
    if (first !== undefined)
      return (
        `metadata tokenizer.ggml.tokens holds ${JSON.stringify(text)} twice (ids ${first} and ${id}); ` +
        'llama.cpp aborts on a repeated token'
      );
    seen.set(text, id);
  }
  return undefined;
};

export const tokenizerRules: Rule[] = [tokenList, vocabularyKind, parallelArrays, uniqueTokens];
