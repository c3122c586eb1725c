// One test per header rule, on small generated models: each names what llama.cpp does with such a file (measured by
// the crash corpus, bench/crash-corpus.ts) and the reason the check gives instead.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TensorType, ValueType } from '../../../../common/formats/gguf/format.js';
import { checkLlmFile } from '../../../../common/formats/gguf/check.js';
import { writeDemoLlama } from '../../../../src/models/demo-llama.js';
import { baseSpec, encodeGguf, writeGgufMutant } from '../../../../bench/mutants/gguf-mutants.js';
import type { Spec } from '../../../../bench/mutants/gguf-mutations.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();
let n = 0;
const verdict = (file: string) =>
  checkLlmFile(file).then(
    () => 'accepted',
    (e: Error) => e.message,
  );
/** The check's verdict on a corpus mutant. */
const mutant = (id: string) => {
  const file = join(dir, `m${n++}.gguf`);
  writeGgufMutant(file, id);
  return verdict(file);
};
/** The check's verdict on the base model with one change. */
const changed = (change: (s: Spec) => void) => {
  const s = baseSpec();
  change(s);
  const file = join(dir, `c${n++}.gguf`);
  writeFileSync(file, encodeGguf(s));
  return verdict(file);
};
const u32 = (value: number) => ({ type: ValueType.UINT32, value }) as const;

describe('GGUF header check: models llama.cpp runs', () => {
  it('accepts the demo model and the corpus base', async () => {
    await writeDemoLlama(join(dir, 'demo.gguf'), { name: 'demo', bytes: 300_000, seed: 'd' });
    expect(await verdict(join(dir, 'demo.gguf'))).toBe('accepted');
    expect(await changed(() => {})).toBe('accepted');
  });
  it('accepts what llama.cpp tolerates: special ids out of range, odd but valid epsilons, trailing 1s', async () => {
    for (const id of [
      'meta:tokenizer.ggml.bos_token_id=272',
      'meta:tokenizer.ggml.eos_token_id=4294967295',
      'meta:llama.attention.layer_norm_rms_epsilon=0',
      'meta:llama.attention.layer_norm_rms_epsilon=1e+30',
      'meta:llama.rope.scaling.type=yarn',
      'tensor:blk.0.attn_norm.weight dims=64x1',
      'tensor:blk.0.attn_q.weight dims=64x64x1',
      'tensor:blk.0.attn_q.weight type=Q4_0',
      'tensor:token_embd.weight type=BF16',
      'tensor:output.weight added',
      'tokens-empty-string',
      'meta:llama.attention.head_count=[2,2,2]',
    ])
      expect(await mutant(id), id).toBe('accepted');
  });
});

describe('GGUF header check: hyper-parameters', () => {
  it('block count outside 1..512 (llama-model.cpp asserts n_layer_all)', async () => {
    expect(await mutant('meta:llama.block_count=0')).toBe(
      'metadata llama.block_count is 0 (llama.cpp needs 1..512 layers)',
    );
    expect(await mutant('meta:llama.block_count=513')).toMatch(/^metadata llama.block_count is 513 /);
  });
  it('context and embedding lengths of 0', async () => {
    expect(await mutant('meta:llama.context_length=0')).toMatch(/^metadata llama.context_length is 0 /);
    expect(await mutant('meta:llama.embedding_length=0')).toMatch(/^metadata llama.embedding_length is 0 /);
  });
  it('per-layer arrays of the wrong length, and values that are not counts', async () => {
    expect(await mutant('meta:llama.attention.head_count=[2,2]')).toBe(
      'metadata llama.attention.head_count has 2 entries for 3 blocks (llama.cpp refuses it)',
    );
    expect(await mutant('meta:llama.attention.head_count=i32:-1')).toBe(
      'metadata llama.attention.head_count is -1, not a count',
    );
  });
  it('tensors of a block the block count does not announce', async () => {
    expect(await mutant('tensor:blk.3 extra block')).toBe('tensors of block 3 exist, but llama.block_count is 3');
  });
  it('zero heads, key/value heads or head size where a block has attention weights (t_meta.ne[dim] >= 1)', async () => {
    expect(await mutant('meta:llama.attention.head_count=0')).toMatch(
      /^metadata llama.attention.head_count is 0 for block 0, which has attention weights \(llama.cpp aborts/,
    );
    expect(await mutant('meta:llama.attention.head_count_kv=[2,2,0]')).toMatch(
      /^metadata llama.attention.head_count_kv is 0 for block 2, which has attention weights/,
    );
    expect(await mutant('meta:llama.attention.value_length=0')).toMatch(/^metadata llama.attention.value_length is 0 /);
    expect(await mutant('meta:llama.embedding_length=1')).toMatch(/^the attention head size is 0 /);
  });
  it('a rope dimension larger than the head', async () => {
    expect(await mutant('meta:llama.rope.dimension_count=64')).toBe(
      "metadata llama.rope.dimension_count is 64, more than the head size 32 (ggml's rope asserts it fits)",
    );
  });
  it('zero feed-forward width where a block has feed-forward weights', async () => {
    expect(await mutant('meta:llama.feed_forward_length=0')).toMatch(
      /^metadata llama.feed_forward_length is 0 for block 0, which has feed-forward weights/,
    );
  });
  it('a negative, NaN or infinite norm epsilon (ggml asserts eps >= 0 on the first inference)', async () => {
    for (const v of ['-1', 'NaN', '-Infinity'])
      expect(await mutant(`meta:llama.attention.layer_norm_rms_epsilon=${v}`)).toMatch(/asserts a norm epsilon >= 0/);
    expect(await mutant('meta:llama.attention.layer_norm_rms_epsilon=Infinity')).toMatch(/is Infinity/);
  });
  it('an unknown rope scaling type (llama-model.cpp asserts it is known)', async () => {
    expect(await mutant('meta:llama.rope.scaling.type=bogus')).toMatch(/^metadata llama.rope.scaling.type is "bogus"/);
  });
  it('expert counts llama.cpp asserts on', async () => {
    expect(await mutant('meta:llama.expert_count=2000')).toMatch(/allows at most 1024/);
    expect(await mutant('meta:llama.expert_used_count=2')).toMatch(/more than llama.expert_count 0/);
    expect(await mutant('meta:llama.expert_count=4')).toMatch(/llama.expert_used_count is 0/);
    expect(
      await changed((s) => {
        Object.assign(s.meta, {
          'llama.expert_count': u32(4),
          'llama.expert_used_count': u32(2),
          'llama.expert_group_count': u32(4),
        });
      }),
    ).toMatch(/^metadata llama.expert_group_count is 4, not below llama.expert_count 4/);
  });
  it('more next-token-prediction layers than blocks', async () => {
    expect(await mutant('meta:llama.nextn_predict_layers=10')).toMatch(/more than the 3 blocks/);
  });
});

describe('GGUF header check: vocabulary', () => {
  it('an empty or non-string token list', async () => {
    expect(await mutant('tokens-emptied')).toMatch(/^metadata tokenizer.ggml.tokens is empty/);
    expect(await mutant('tokens-as-u32')).toBe('metadata tokenizer.ggml.tokens is not a list of strings');
  });
  it('no vocabulary at all', async () => {
    expect(await mutant('meta:tokenizer.ggml.model="none"')).toMatch(/has no vocabulary/);
    expect(
      await changed((s) => void (s.meta['tokenizer.ggml.model'] = { type: ValueType.STRING, value: 'no_vocab' })),
    ).toMatch(/has no vocabulary/);
  });
  it('a WordPiece vocabulary with byte tokens (llama-vocab.cpp token_to_byte aborts)', async () => {
    expect(await mutant('meta:tokenizer.ggml.model="bert"')).toMatch(/token 3 is a byte token/);
  });
  it('scores or token types shorter than the token list', async () => {
    expect(await mutant('scores-one-short')).toBe(
      'metadata tokenizer.ggml.scores has 271 entries for 272 tokens (llama.cpp refuses it)',
    );
    expect(await mutant('scores-as-string')).toBe('metadata tokenizer.ggml.scores is not a list of numbers');
  });
  it('a repeated token (llama-vocab.cpp asserts id_to_token.size() == token_to_id.size())', async () => {
    expect(await mutant('tokens-duplicate')).toMatch(/holds "▁fast" twice \(ids 269 and 270\)/);
  });
});

describe('GGUF header check: tensors', () => {
  it('a repeated tensor name, an unknown type, a dimension of 0, a partial block', async () => {
    expect(await changed((s) => void s.tensors.push({ ...s.tensors[1]! }))).toBe(
      'tensor blk.0.attn_norm.weight appears twice',
    );
    expect(await mutant('tensor:blk.0.attn_q.weight type=99')).toMatch(/has type 99, which ggml does not know/);
    expect(await mutant('tensor:blk.0.attn_q.weight dim1=0')).toBe('tensor blk.0.attn_q.weight has a dimension of 0');
    expect(await mutant('tensor:blk.0.ffn_gate.weight type=Q4_K')).toMatch(/is not a multiple of Q4_K's 256/);
  });
  it('an alignment that is not a power of 2, data out of place', async () => {
    expect(await mutant('meta:general.alignment=7')).toMatch(/not a power of 2/);
    expect(await mutant('tensor:blk.0.attn_q offset+1')).toMatch(/has data offset 35073, expected 35072/);
  });
  it('a norm weight that is not F32 (ggml-cpu binary_op aborts on the first inference)', async () => {
    expect(await mutant('tensor:blk.0.attn_norm.weight type=F16')).toMatch(
      /^tensor blk.0.attn_norm.weight is F16; llama.cpp applies norm weights and biases only as F32/,
    );
    expect(await mutant('tensor:output_norm.weight type=Q8_0')).toMatch(/is Q8_0; llama.cpp applies norm weights/);
  });
  it('an integer or F64 weight matrix (matmul and get_rows crash)', async () => {
    expect(await mutant('tensor:token_embd.weight type=I32')).toMatch(/is I32; weights must be a float or quantized/);
    expect(await changed((s) => void (s.tensors[2]!.type = TensorType.F64))).toMatch(/is F64; weights must be/);
  });
  it('llama: token embedding, rope dimension and key/value rows against the hyper-parameters', async () => {
    expect(await mutant('tokens-one-short')).toBe(
      'tensor token_embd.weight is 64×272, expected 64×271 (embedding_length × token count)',
    );
    expect(await mutant('meta:llama.rope.dimension_count=16')).toMatch(/requires the head size 32 for llama models/);
    expect(await mutant('meta:llama.attention.head_count_kv=[2,1,2]')).toBe(
      'tensor blk.1.attn_k.weight has 64 rows, expected 32 (head size 32 × 1 key/value heads of block 1)',
    );
  });
});
