// `modelctl status` on a running stack: a line per server, then a line per model with its state and load time, and
// for a model that is not ready its attempts and why.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { modelctl } from '../helpers/modelctl.js';
import { detachedStack, stackStatus } from '../helpers/stacks.js';
import { freePort, tempDir } from '../helpers/tmp.js';

describe('modelctl status', () => {
  it('prints each model of each server: ready with its load time, failed with its attempts and reason', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'models'));
    await writeDemoLlama(join(dir, 'models/chat.gguf'), { name: 'chat', bytes: 500_000, seed: 'chat' });
    writeFileSync(join(dir, 'models/broken.gguf'), Buffer.alloc(1000, 7));
    const port = await freePort();
    const file = join(dir, 'models.yaml');
    writeFileSync(
      file,
      `servers:
  llm:
    kind: llm
    port: ${port}
    retryDelay: 100ms
    models:
      - { name: chat, path: models/chat.gguf }
      - { name: broken, path: models/broken.gguf, required: false }
`,
    );
    await detachedStack(file, '--no-pull');
    const { servers } = await stackStatus(file);
    // The optional model is still retrying when the stack is ready: wait until it has failed for good.
    for (let i = 0; i < 100; i++) {
      const h = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { models: { state: string }[] };
      if (h.models.every((m) => m.state !== 'retrying' && m.state !== 'loading')) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const r = await modelctl(['status', '-c', file]).child;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const lines = String(r.stdout).split('\n');
    const at = lines.findIndex((l) => l.startsWith('llm '));
    expect(lines[at]).toMatch(
      new RegExp(`^llm +ready +pid ${servers[0]!.pids[0]} +127\\.0\\.0\\.1:${port} +health ok +restarts 0$`),
    );
    expect(lines[at + 1]).toMatch(/^ {2}chat +ready +\d+ ms$/);
    expect(lines[at + 2]).toMatch(
      /^ {2}broken +failed +attempt 2 broken: .*models\/broken\.gguf: not a GGUF file \(wrong magic bytes\)$/,
    );
  });
});
