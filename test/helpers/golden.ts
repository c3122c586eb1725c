// Export output from the shipped models.yaml, and golden files to compare it with (UPDATE_GOLDEN=1 rewrites them).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../common/config/load.js';
import { exportFiles } from '../../src/commands/export.js';

const GOLDEN = new URL('../golden/export', import.meta.url).pathname;
export const ROOT = process.cwd();
export const shippedConfig = loadConfig('models.yaml');

/** Output from the default models.yaml, with this checkout's path replaced so the golden files hold anywhere. */
export const exported = (target: string) =>
  exportFiles(target, shippedConfig, { config: 'models.yaml' }).map((f) => ({
    ...f,
    text: f.text.replaceAll(ROOT, '/opt/modelctl'),
  }));

export function matchGolden(target: string) {
  for (const f of exported(target)) {
    const path = join(GOLDEN, target, f.file);
    if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
      mkdirSync(join(GOLDEN, target), { recursive: true });
      writeFileSync(path, f.text);
    }
    expect(f.text, `${target}/${f.file} differs from its golden file (UPDATE_GOLDEN=1 to accept)`).toBe(
      readFileSync(path, 'utf8'),
    );
  }
}
