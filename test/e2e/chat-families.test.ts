// The LLM server on demo chat models pulled from `demo:llama?template=…&eot=3` sources: each family's chat template
// and special tokens go through the server's chat path, and every answer stops at the family's end-of-turn token.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../common/config/load.js';
import { CHAT_FAMILIES, CHAT_FAMILY_NAMES } from '../../src/models/demo-chat-families.js';
import { pullAll } from '../../src/models/pull.js';
import { healthy, startServerFrom, type RunningServer } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const REPLY = 'Hello from the'; // the first three tokens of DEMO_REPLY: eot=3
const source = (family: string) => `demo:llama?size=2MB&template=${family}&eot=3`;
const config = (port: number) => `
servers:
  llm:
    kind: llm
    port: ${port}
    threads: 1
    models:
${CHAT_FAMILY_NAMES.map((f) => `      - { name: ${f}, path: ${f}.gguf, source: "${source(f)}" }`).join('\n')}
`;

const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Hi there, who are you?' },
];

/** Fails naming the special token when an answer holds the text of one. */
function expectNoSpecialText(family: string, text: string) {
  for (const special of CHAT_FAMILIES[family]!.specials) expect(text, special).not.toContain(special);
}

describe('LLM server on demo chat models of every family', () => {
  let server: RunningServer;
  let client: OpenAI;

  beforeAll(async () => {
    const file = join(dir, 'models.yaml');
    writeFileSync(file, config(await freePort()));
    const pulled = await pullAll(loadConfig(file, {}));
    expect(pulled.map((p) => p.action)).toEqual(CHAT_FAMILY_NAMES.map(() => 'made'));
    server = startServerFrom('llm', file);
    await healthy(server, 60_000);
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  // Each chat request resolves the chat wrapper again inside node-llama-cpp: 6-12 s for the Jinja-wrapper families on
  // this loaded 2-core machine (measured with `new LlamaChat` in a bare script), hence the longer timeout.
  it.each(CHAT_FAMILY_NAMES)(
    'answers a %s chat and stops at its end-of-turn token, plain and streamed',
    { timeout: 120_000 },
    async (f) => {
      const r = await client.chat.completions.create({ model: f, messages, max_tokens: 50 });
      expect(r.choices[0]!.message.content).toBe(REPLY);
      expect(r.choices[0]!.finish_reason).toBe('stop');
      expectNoSpecialText(f, r.choices[0]!.message.content!);

      const stream = await client.chat.completions.create({ model: f, messages, max_tokens: 50, stream: true });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta.content ?? '';
        expectNoSpecialText(f, delta);
        text += delta;
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(text).toBe(REPLY);
      expect(finish).toBe('stop');
    },
  );

  it('stops a chat answer cut by max_tokens with finish_reason length', async () => {
    const r = await client.chat.completions.create({ model: 'chatml', messages, max_tokens: 2 });
    expect(r.choices[0]!.message.content).toBe('Hello from');
    expect(r.choices[0]!.finish_reason).toBe('length');
  });

  it('stops a plain completion at the end-of-turn token too', async () => {
    const r = await client.completions.create({ model: 'phi3', prompt: 'Tell me something', max_tokens: 50 });
    expect(r.choices[0]!.text).toBe(REPLY);
    expect(r.choices[0]!.finish_reason).toBe('stop');
  });
});
