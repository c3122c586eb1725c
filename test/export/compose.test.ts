import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../common/config/load.js';
import { exportFiles } from '../../src/commands/export.js';
import { exported, matchGolden, ROOT, shippedConfig as config } from '../helpers/golden.js';

describe('export compose', () => {
  it('matches its golden files; healthcheck start_period is the budget; depends_on waits for health', () => {
    matchGolden('compose');
    const compose = parse(exported('compose')[0]!.text);
    expect(Object.keys(compose.services)).toEqual(['llm', 'asr-ocr']);
    expect(compose.services.llm.healthcheck.start_period).toBe('120s');
    expect(compose.services.llm.stop_grace_period).toBe('5s');
    const withDeps = parseConfig(
      `budget: 90s
servers:
  a:
    kind: llm
    port: 1
    models: [{ name: m, path: m.gguf }]
  b:
    kind: llm
    port: 2
    dependsOn: [a]
    models: [{ name: m, path: m.gguf }]
`,
      join(ROOT, 'models.yaml'),
      {},
    );
    const c = parse(exportFiles('compose', { ...withDeps, file: config.file }, { config: 'models.yaml' })[0]!.text);
    expect(c.services.b.depends_on).toEqual({ a: { condition: 'service_healthy' } });
    expect(c.services.a.healthcheck.start_period).toBe('90s');
  });
});
