// Export output from the shipped models.yaml, and golden files to compare it with (UPDATE_GOLDEN=1 rewrites them).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import { loadConfig } from '../../common/config/load.js';
import { exportFiles } from '../../src/commands/export.js';

const GOLDEN = new URL('../golden/export', import.meta.url).pathname;
export const ROOT = process.cwd();
export const shippedConfig = loadConfig('models.yaml');

/** Output from the default models.yaml, with this checkout's path replaced so the golden files hold anywhere. */
export const exported = (target: string) =>
  exportFiles(target, loadConfig('models.yaml'), { config: 'models.yaml' }).map((f) => ({
    ...f,
    text: f.text.replaceAll(ROOT, '/opt/modelctl'),
  }));

/** The output as rendered on another day: deterministic output has no clock in it. */
function exportedIn2040(target: string) {
  vi.useFakeTimers({ now: new Date('2040-02-29T23:59:59Z'), toFake: ['Date'] });
  try {
    return exported(target);
  } finally {
    vi.useRealTimers();
  }
}

/**
 * The target's files equal its golden files, file for file, today and in 2040. A missing golden file fails: only
 * UPDATE_GOLDEN=1 writes them (and removes ones no longer produced).
 */
export function matchGolden(target: string) {
  const dir = join(GOLDEN, target);
  const files = exported(target);
  if (process.env.UPDATE_GOLDEN) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, f.file), f.text);
  }
  const hint = 'run the tests with UPDATE_GOLDEN=1 to accept the new output, and review the diff';
  expect(existsSync(dir), `no golden files for ${target}; ${hint}`).toBe(true);
  expect(files.map((f) => f.file).sort(), `golden files of ${target}; ${hint}`).toEqual(readdirSync(dir).sort());
  for (const [when, output] of [
    ['today', files],
    ['in 2040', exportedIn2040(target)],
  ] as const) {
    for (const f of output) {
      expect(f.text, `${target}/${f.file} (${when}) differs from its golden file; ${hint}`).toBe(
        readFileSync(join(dir, f.file), 'utf8'),
      );
    }
  }
}
