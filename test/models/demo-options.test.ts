import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import { readGgufHeader } from '../../common/formats/gguf/read.js';
import { DEMO_REPLY } from '../../src/models/demo-llama-chat.js';
import { demoLlamaOptions, MAX_REPLY_TOKENS } from '../../src/models/demo-options.js';
import { pullAll } from '../../src/models/pull.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const options = (query: string) => demoLlamaOptions(new URLSearchParams(query));

describe('demo source keys', () => {
  it('reads template and eot, and leaves both unset for a plain demo model', () => {
    expect(options('size=2MB&template=gemma&eot=0')).toEqual({ template: 'gemma', eot: 0 });
    expect(options('size=2MB&template=phi3')).toEqual({ template: 'phi3' });
    expect(options('size=2MB&seed=1')).toEqual({});
    expect(DEMO_REPLY).toHaveLength(MAX_REPLY_TOKENS);
  });

  it('refuses, by name, a key demo:llama does not take, a repeated key and values out of range', () => {
    expect(() => options('templat=chatml')).toThrow('demo:llama takes size, seed, template, eot; "templat" is not one');
    expect(() => options('template=chatml&template=gemma')).toThrow('demo:llama: template is given more than once');
    expect(() => options('template=vicuna')).toThrow(
      'template=vicuna is not a chat family; known: llama3, chatml, gemma, mistral, phi3',
    );
    for (const eot of ['11', '-1', '2.5', 'x', ''])
      expect(() => options(`template=chatml&eot=${eot}`)).toThrow(`eot=${eot} is not a number of reply tokens`);
    expect(() => options('eot=3')).toThrow('eot=3 needs template=');
  });

  it('pulls a chat demo model from its source and refuses a source with a key it does not take', async () => {
    const config = parseConfig(
      `
servers:
  llm:
    kind: llm
    port: 9
    models:
      - { name: chat, path: m/chat.gguf, source: "demo:llama?size=500KB&template=mistral&eot=2" }
      - { name: typo, path: m/typo.gguf, source: "demo:llama?size=500KB&templates=mistral" }
  asr:
    kind: asr-ocr
    port: 10
    models:
      - { name: w, type: asr, path: m/w.bin, source: "demo:whisper?template=chatml" }
`,
      join(dir, 'models.yaml'),
      {},
    );
    const by = Object.fromEntries((await pullAll(config)).map((r) => [r.model, r]));
    expect(by.chat).toMatchObject({ action: 'made' });
    const h = await readGgufHeader(join(dir, 'm/chat.gguf'));
    expect(h.metadata.get('tokenizer.chat_template')).toContain('[INST]');
    expect(by.typo!.error).toContain('"templates" is not one of them');
    expect(by.w!.error).toContain('demo:whisper takes size, seed; "template" is not one of them');
  });
});
