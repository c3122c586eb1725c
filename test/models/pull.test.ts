import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import { pullAll, pullModel } from '../../src/models/pull.js';
import { serveBytes } from '../helpers/file-server.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const payload = randomBytes(300_000);
const sha = createHash('sha256').update(payload).digest('hex');
const server = serveBytes(payload);

describe('pull', () => {
  const config = () =>
    parseConfig(
      `
servers:
  llm:
    kind: llm
    port: 9
    models:
      - { name: one, path: m/one.gguf, source: "demo:llama?size=300KB" }
      - { name: two, path: m/two.gguf, source: "demo:llama?size=300KB" }
      - { name: web, path: m/web.bin, source: "${server.base}/model", sha256: ${sha} }
      - { name: gone, path: m/gone.gguf }
`,
      join(dir, 'models.yaml'),
      {},
    );

  it('makes demo models, downloads URLs, and reports a model it cannot obtain', async () => {
    const results = await pullAll(config(), () => {});
    const by = Object.fromEntries(results.map((r) => [r.model, r]));
    expect(by.one).toMatchObject({ action: 'made', bytes: statSync(join(dir, 'm/one.gguf')).size });
    expect(by.web).toMatchObject({ action: 'downloaded', bytes: payload.length });
    expect(by.gone!.error).toMatch(/m\/gone\.gguf does not exist and the model has no source/);
    expect(readFileSync(join(dir, 'm/one.gguf')).equals(readFileSync(join(dir, 'm/two.gguf')))).toBe(false);
  });

  it('leaves a file that is present (and matches its checksum) untouched', async () => {
    const [one, , web] = config().servers[0]!.models;
    for (const model of [one!, web!]) {
      await pullModel('llm', model);
      const before = statSync(model.file!).mtimeMs;
      expect((await pullModel('llm', model)).action).toBe('present');
      expect(statSync(model.file!).mtimeMs).toBe(before);
    }
  });

  it('downloads again when the file on disk does not match its checksum', async () => {
    mkdirSync(join(dir, 'm'), { recursive: true });
    writeFileSync(join(dir, 'm/web.bin'), 'corrupted');
    const r = await pullModel('llm', config().servers[0]!.models[2]!);
    expect(r.action).toBe('downloaded');
    expect(readFileSync(join(dir, 'm/web.bin')).equals(payload)).toBe(true);
  });
});
