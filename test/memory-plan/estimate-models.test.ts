import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { BuiltinServerConfig } from '../../common/config/types.js';
import { estimateGguf } from '../../common/memory/gguf.js';
import { estimateModels } from '../../src/memory-plan/estimate-models.js';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { tempDir } from '../helpers/tmp.js';

vi.mock('../../common/memory/gguf.js', () => ({ estimateGguf: vi.fn() }));

const dir = tempDir();
const file = join(dir, 'chat.gguf');
beforeAll(() => writeDemoLlama(file, { name: 'chat', bytes: 300_000, seed: 'p' }));

describe('the plan estimates models as the servers admit them', () => {
  it("uses the server's fallback when node-llama-cpp cannot estimate, and names a file the check refuses", async () => {
    vi.mocked(estimateGguf).mockRejectedValue(new Error('unknown architecture'));
    const server = {
      kind: 'llm',
      mmap: true,
      contextSize: 2048,
      parallel: 1,
      models: [
        { name: 'chat', file, required: true },
        { name: 'gone', file: join(dir, 'gone.gguf'), required: true },
      ],
    } as BuiltinServerConfig;
    const size = statSync(file).size;
    expect(await estimateModels(server)).toEqual([
      { model: 'chat', estimate: { bytes: size + 64 * 2 ** 20, parts: { weights: size, context: 64 * 2 ** 20 } } },
      { model: 'gone', error: `${join(dir, 'gone.gguf')}: file not found (run \`modelctl pull\`)` },
    ]);
  });
});
