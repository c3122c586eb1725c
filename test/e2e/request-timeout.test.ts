import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { startServer, until, type RunningServer } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
let server: RunningServer;

const complete = (maxTokens: number) =>
  fetch(`${server.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', prompt: 'hello', max_tokens: maxTokens }),
  });

beforeAll(async () => {
  await writeDemoLlama(join(dir, 'chat.gguf'), { name: 'chat', bytes: 5_000_000, seed: 'chat' });
  const port = await freePort();
  const config = [
    'servers:',
    '  llm:',
    '    kind: llm',
    `    port: ${port}`,
    '    requestTimeout: 200ms',
    '    contextSize: 4096',
    '    models: [{ name: chat, path: chat.gguf }]',
  ].join('\n');
  server = startServer('llm', config, dir, port);
  await until(async () => ((await fetch(`${server.url}/health`)).status === 200 ? true : undefined), server);
});

describe('requestTimeout', () => {
  it('cancels a generation that runs past it with 504, counts it, and keeps serving', async () => {
    const slow = await complete(3000);
    expect(slow.status).toBe(504);
    expect(((await slow.json()) as { error: { message: string } }).error.message).toContain('requestTimeout');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^request_timeouts_total\{server="llm",model="chat"\} 1$/m);
    expect((await complete(1)).status).toBe(200);
    const livez = await fetch(`${server.url}/livez`);
    expect(livez.status).toBe(200);
    expect(await livez.json()).toMatchObject({ status: 'alive', reason: null });
  });
});
