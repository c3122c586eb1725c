// `modelctl warmup` on a running stack: one small inference per model over the admin route (with the admin token the
// config names), warm models skipped unless --force, one model by name.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { modelctl } from '../helpers/modelctl.js';
import { detachedStack } from '../helpers/stacks.js';
import { freePort, tempDir } from '../helpers/tmp.js';

// The CLI runs with this process's environment: `up` and `warmup` both read the token from it.
process.env.MODELCTL_ADMIN_TOKEN = 'warmup-test-admin-token-0123456789';

describe('modelctl warmup', () => {
  it('warms every model, skips warm ones unless --force, and warms one model by name', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'models'));
    for (const name of ['chat', 'code']) {
      await writeDemoLlama(join(dir, `models/${name}.gguf`), { name, bytes: 500_000, seed: name });
    }
    const port = await freePort();
    const file = join(dir, 'models.yaml');
    writeFileSync(
      file,
      `adminToken: \${MODELCTL_ADMIN_TOKEN}
servers:
  llm:
    kind: llm
    port: ${port}
    models:
      - { name: chat, path: models/chat.gguf }
      - { name: code, path: models/code.gguf }
`,
    );
    await detachedStack(file, '--no-pull');
    const warmup = async (...args: string[]) => {
      const r = await modelctl(['warmup', '-c', file, ...args]).child;
      expect(r.exitCode, String(r.stderr)).toBe(0);
      return String(r.stdout);
    };

    expect((await warmup()).split('\n')).toEqual([
      expect.stringMatching(/^llm\/chat: warmed in \d+ ms$/),
      expect.stringMatching(/^llm\/code: warmed in \d+ ms$/),
    ]);
    expect((await warmup()).split('\n')).toEqual([
      'llm/chat: already warm (skipped; --force warms again)',
      'llm/code: already warm (skipped; --force warms again)',
    ]);
    expect(JSON.parse(await warmup('--force', '--json', 'code'))).toEqual([
      { server: 'llm', name: 'code', warmed: true, skipped: false, ms: expect.any(Number), error: null },
    ]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^warmup_operations_total\{server="llm",model="code"\} 2$/m);
    expect(metrics).toMatch(/^warmup_operations_total\{server="llm",model="chat"\} 1$/m);

    const unknown = await modelctl(['warmup', '-c', file, 'nope']).child;
    expect(unknown.exitCode).toBe(1);
    expect(String(unknown.stderr)).toContain('no running server has a model named "nope"');
  });
});
