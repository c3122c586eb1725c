import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLlmHeader } from '../../common/formats/gguf/check.js';
import { readGgufHeader, UnreadArray } from '../../common/formats/gguf/read.js';
import { BYTE_CHARS, byteLevel, trainBpe } from '../../src/models/demo-bpe.js';
import { CHAT_FAMILIES, CHAT_FAMILY_NAMES } from '../../src/models/demo-chat-families.js';
import { chatVocabulary, DEMO_REPLY, writeDemoLlamaChat } from '../../src/models/demo-llama-chat.js';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { sha256File } from '../../src/models/file-ops.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

/** The bytes of one tensor's data. */
async function tensorData(file: string, name: string): Promise<Buffer> {
  const h = await readGgufHeader(file);
  const t = h.tensors.find((x) => x.name === name)!;
  const next = h.tensors.find((x) => x.offset > t.offset)?.offset ?? h.fileSize - h.dataOffset;
  return readFileSync(file).subarray(h.dataOffset + t.offset, h.dataOffset + next);
}

describe('demo chat models: BPE vocabulary, special tokens, chat template', () => {
  it('leaves the plain demo model byte for byte as it was before chat families existed', async () => {
    const file = join(dir, 'plain.gguf');
    await writeDemoLlama(file, { name: 'demo', bytes: 300_000, seed: 's' });
    // sha256 of the same call on the code before this change (commit 93c9529).
    expect(await sha256File(file)).toBe('f88fcba160d906dbcba8fd925087c0a2b5107dcc1829357c1cf1a9a74e703a2f');
  });

  it('writes bytes as one printable character each, a space as Ġ and a newline as Ċ', () => {
    expect(new Set(BYTE_CHARS).size).toBe(256);
    expect(BYTE_CHARS.every((c) => [...c].length === 1 && !/\s/.test(c))).toBe(true);
    expect(byteLevel(' a\n')).toBe('ĠaĊ');
    expect(byteLevel('é')).toBe('Ã©');
  });

  it('learns merges until every training word is one token, each merge joining two known tokens', () => {
    const { tokens, merges } = trainBpe(['hello', ' hello', ' help']);
    expect(tokens).toEqual(expect.arrayContaining(['hello', 'Ġhello', 'Ġhelp']));
    for (const m of merges) {
      const [left, right] = m.split(' ');
      expect(tokens).toContain(left);
      expect(tokens).toContain(right);
      expect(tokens).toContain(left! + right!);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it.each(CHAT_FAMILY_NAMES)(
    'writes %s with its pre-tokenizer, control tokens, ids and real template',
    async (name) => {
      const family = CHAT_FAMILIES[name]!;
      const file = join(dir, `${name}.gguf`);
      await writeDemoLlamaChat(file, { name: 'demo', bytes: 2_000_000, seed: name, template: name });
      const h = checkLlmHeader(await readGgufHeader(file));
      const meta = (k: string) => h.metadata.get(k);
      const tokens = meta('tokenizer.ggml.tokens') as string[];
      const types = meta('tokenizer.ggml.token_type') as number[];
      expect(meta('tokenizer.ggml.model')).toBe('gpt2');
      expect(meta('tokenizer.ggml.pre')).toBe(family.pre);
      expect(meta('tokenizer.chat_template')).toBe(family.template);
      expect(meta('tokenizer.ggml.merges')).toEqual(new UnreadArray(8, chatVocabulary(family).merges.length));
      expect(tokens.slice(0, family.specials.length)).toEqual(family.specials);
      expect(types.map((t, i) => (i < family.specials.length ? t === 3 : t === 1)).every(Boolean)).toBe(true);
      expect(tokens).toEqual(expect.arrayContaining([...BYTE_CHARS, 'Hello', 'Ġfrom', 'ĊĊ']));
      const tokenOf = (k: string) => tokens[meta(`tokenizer.ggml.${k}_token_id`) as number];
      expect([tokenOf('bos'), tokenOf('eos'), tokenOf('eot')]).toEqual([family.bos, family.eos, family.eot]);
      expect(meta('tokenizer.ggml.add_bos_token')).toBe(family.addBos);
      expect(h.tensors.map((t) => t.name)).toContain('output.weight');
    },
  );

  it('rigs only the embedding, output and block-output tensors for eot=, deterministically', async () => {
    const [plain, rigged, again] = ['plain', 'rigged', 'again'].map((n) => join(dir, `chatml-${n}.gguf`));
    const opts = { name: 'demo', bytes: 1_000_000, seed: 'r', template: 'chatml' };
    await writeDemoLlamaChat(plain!, opts);
    await writeDemoLlamaChat(rigged!, { ...opts, eot: 3 });
    await writeDemoLlamaChat(again!, { ...opts, eot: 3 });
    expect(await sha256File(rigged!)).toBe(await sha256File(again!));
    const h = await readGgufHeader(plain!);
    const changed: string[] = [];
    for (const t of h.tensors)
      if (!(await tensorData(plain!, t.name)).equals(await tensorData(rigged!, t.name))) changed.push(t.name);
    const expectedRigged = ['token_embd.weight', 'output.weight', 'blk.0.attn_output.weight', 'blk.0.ffn_down.weight'];
    expect(changed).toEqual(expect.arrayContaining(expectedRigged));
    expect(changed.every((n) => /^(token_embd|output|blk\.\d+\.(attn_output|ffn_down))\.weight$/.test(n))).toBe(true);
    expect((await tensorData(rigged!, 'blk.0.ffn_down.weight')).every((b) => b === 0)).toBe(true);
  });

  it('answers with whole tokens of the vocabulary', () => {
    const vocab = chatVocabulary(CHAT_FAMILIES.llama3!);
    expect(DEMO_REPLY.map((piece) => vocab.tokens[vocab.id(piece)])).toEqual(DEMO_REPLY.map(byteLevel));
    expect(() => vocab.id(' nonsense')).toThrow('" nonsense" is not one token of the demo vocabulary');
  });
});
