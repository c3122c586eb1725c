import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoadPlan } from '../../../../servers/core/load/load-plan.js';
import { ModelRecord } from '../../../../servers/core/model-states.js';
import { ModelMemory, modelMemoryFile } from '../../../../servers/core/native/model-memory.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();
const tableOf = (...models: ModelRecord<string>[]) => new Map(models.map((m) => [m.name, m]));

describe('the loading order', () => {
  it('is the order the loads start in: slowest first, suspects last, quarantined left out', () => {
    const memory = new ModelMemory(modelMemoryFile(join(dir, 'order'), 'llm'));
    memory.update('suspect', 'id', (m) => Object.assign(m, { crashes: 1, crashedWhile: 'loading' }));
    memory.update('bad', 'id', (m) => (m.quarantined = 'crashed twice; quarantined'));
    const models = () =>
      tableOf(
        new ModelRecord<string>('suspect', '/m/suspect.gguf', 0),
        new ModelRecord<string>('fast', '/m/fast.gguf', 1),
        new ModelRecord<string>('bad', '/m/bad.gguf', 2),
        new ModelRecord<string>('slow', '/m/slow.gguf', 3),
      );
    const previousLoadMs = new Map([
      ['fast', 100],
      ['slow', 900],
    ]);
    const plan = new LoadPlan<string>({
      order: 'longest-first',
      previousLoadMs,
      memory,
      identityOf: () => 'id',
    });
    const order = plan.loadingOrder(models()).map((m) => m.name);
    const { normal, suspects } = plan.sort(models(), []);
    expect(order).toEqual(['slow', 'fast', 'suspect']);
    expect(order).toEqual([...normal, ...suspects].map((m) => m.name));
  });
});
