// Demo chat models through node-llama-cpp itself: the chat wrapper it resolves from each family's real template, the
// prompt that wrapper renders, BPE tokenization with special tokens, and generation that stops at end-of-turn.
import { join } from 'node:path';
import {
  type ChatHistoryItem,
  type ChatWrapper,
  ChatMLChatWrapper,
  GemmaChatWrapper,
  getLlama,
  JinjaTemplateChatWrapper,
  type Llama,
  LlamaChat,
  Llama3_1ChatWrapper,
  LlamaLogLevel,
  type LlamaModel,
  type LLamaChatGenerateResponseOptions,
  resolveChatWrapper,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_FAMILIES } from '../../src/models/demo-chat-families.js';
import { writeDemoLlamaChat } from '../../src/models/demo-llama-chat.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
let llama: Llama;
beforeAll(async () => {
  llama = await getLlama({ build: 'never', gpu: false, logLevel: LlamaLogLevel.error, maxThreads: 1 });
});
afterAll(() => llama?.dispose());

/** What node-llama-cpp 3.21.1 resolves for each family, and the prompt it renders for PROMPT_HISTORY. */
const EXPECTED: Record<string, { wrapper: abstract new (...a: never[]) => ChatWrapper; prompt: string | RegExp }> = {
  // The Llama 3.1 wrapper replaces the template's fixed date with today's and adds its own tool instructions.
  llama3: {
    wrapper: Llama3_1ChatWrapper,
    prompt: new RegExp(
      '^<\\|begin_of_text\\|><\\|start_header_id\\|>system<\\|end_header_id\\|>\\n\\nCutting Knowledge Date: ' +
        'December 2023\\nToday Date: \\d+ \\w+ \\d{4}\\n\\n[^]*Be brief\\.<\\|eot_id\\|><\\|start_header_id\\|>user' +
        '<\\|end_header_id\\|>\\n\\nHi there<\\|eot_id\\|><\\|start_header_id\\|>assistant<\\|end_header_id\\|>\\n\\n' +
        'Hello<\\|eot_id\\|><\\|start_header_id\\|>user<\\|end_header_id\\|>\\n\\nAgain<\\|eot_id\\|>' +
        '<\\|start_header_id\\|>assistant<\\|end_header_id\\|>\\n\\n$',
    ),
  },
  // node-llama-cpp's ChatML wrapper starts with the BOS token, here (as in Qwen's vocabulary) <|endoftext|>.
  chatml: {
    wrapper: ChatMLChatWrapper,
    prompt:
      '<|endoftext|><|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n' +
      '<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\nAgain<|im_end|>\n<|im_start|>assistant\n',
  },
  gemma: {
    wrapper: GemmaChatWrapper,
    prompt:
      '<bos><start_of_turn>user\nBe brief.\n\n---\n\nHi there<end_of_turn>\n<start_of_turn>model\nHello' +
      '<end_of_turn>\n<start_of_turn>user\nAgain<end_of_turn>\n<start_of_turn>model\n',
  },
  // The template refuses system messages: the Jinja wrapper folds the system text into the first user turn.
  mistral: {
    wrapper: JinjaTemplateChatWrapper,
    prompt: '<s>[INST] ### System message\n\nBe brief.\n\n----\n\nHi there [/INST]Hello</s>[INST] Again [/INST]',
  },
  phi3: {
    wrapper: JinjaTemplateChatWrapper,
    prompt:
      '<|system|>\nBe brief.<|end|>\n<|user|>\nHi there<|end|>\n<|assistant|>\nHello<|end|>\n<|user|>\nAgain<|end|>\n' +
      '<|assistant|>\n',
  },
};

const PROMPT_HISTORY: ChatHistoryItem[] = [
  { type: 'system', text: 'Be brief.' },
  { type: 'user', text: 'Hi there' },
  { type: 'model', response: ['Hello'] },
  { type: 'user', text: 'Again' },
  { type: 'model', response: [] },
];

describe.each(Object.keys(EXPECTED))('demo chat model %s through node-llama-cpp', (name) => {
  const family = CHAT_FAMILIES[name]!;
  let rigged: LlamaModel;
  let random: LlamaModel;
  let wrapper: ChatWrapper;

  beforeAll(async () => {
    // Not named after the family: llama.cpp strips spaces after special tokens of a model whose general.name says
    // Phi-3, as Phi-3's own tokenizer does, and node-llama-cpp ranks chat wrappers by that name too.
    for (const eot of [3, undefined])
      await writeDemoLlamaChat(join(dir, `${name}-${eot}.gguf`), {
        name: 'demo',
        bytes: 2e6,
        seed: name,
        template: name,
        eot,
      });
    rigged = await llama.loadModel({ modelPath: join(dir, `${name}-3.gguf`) });
    random = await llama.loadModel({ modelPath: join(dir, `${name}-undefined.gguf`) });
    wrapper = resolveChatWrapper(rigged); // 2-8 s on this machine: node-llama-cpp renders the template many ways
  });
  afterAll(async () => {
    await rigged?.dispose();
    await random?.dispose();
  });

  /** Answers PROMPT_HISTORY's last turn (one wrapper for both models: they share vocabulary and template). */
  async function answer(model: LlamaModel, opts: LLamaChatGenerateResponseOptions) {
    const context = await model.createContext({ contextSize: 512, threads: 1 });
    try {
      const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: wrapper });
      return await chat.generateResponse(PROMPT_HISTORY, opts);
    } finally {
      await context.dispose();
    }
  }

  it(`resolves the ${EXPECTED[name]!.wrapper.name} and renders the family's turns with it`, () => {
    expect(wrapper).toBeInstanceOf(EXPECTED[name]!.wrapper);
    const { contextText } = wrapper.generateContextState({ chatHistory: PROMPT_HISTORY });
    const rendered = rigged.detokenize(contextText.tokenize(rigged.tokenizer), true);
    if (typeof EXPECTED[name]!.prompt === 'string') expect(rendered).toBe(EXPECTED[name]!.prompt);
    else expect(rendered).toMatch(EXPECTED[name]!.prompt);
  });

  it('tokenizes each special token to its one id when special parsing is on, and as plain text when off', () => {
    for (const [id, special] of family.specials.entries()) {
      expect(rigged.tokenize(special, true)).toEqual([id]);
      expect(rigged.tokenize(special, false).length).toBeGreaterThan(1);
    }
    const text = `${family.specials.join(' ')} Hello world, ça va? 日本語 🙂\n\n\tend`;
    expect(rigged.detokenize(rigged.tokenize(text, true), true)).toBe(text);
    expect(rigged.detokenize(rigged.tokenize(text, false), false)).toBe(text);
    expect(rigged.tokenize(' from the model', false)).toHaveLength(3); // whole BPE pieces, not bytes
  });

  it(`answers three tokens and stops at ${family.eot}, which never shows in the text`, async () => {
    for (const temperature of [0, 0.8]) {
      const r = await answer(rigged, { temperature, seed: 1, maxTokens: 20 });
      expect(r.response).toBe('Hello from the');
      expect(r.metadata.stopReason).toBe('eogToken');
    }
  });

  it('never writes special-token text into a random-weight answer, though it samples control tokens', async () => {
    const sampled: number[] = [];
    for (const seed of [1, 2, 3]) {
      const r = await answer(random, { temperature: 1, seed, maxTokens: 100, onToken: (t) => sampled.push(...t) });
      expect(r.response.length).toBeGreaterThan(0);
      for (const special of family.specials) expect(r.response).not.toContain(special);
    }
    // Control tokens take the first ids: each family's three answers hold at least one (measured: 1 to 3).
    expect(sampled.some((t) => t < family.specials.length)).toBe(true);
  });
});
