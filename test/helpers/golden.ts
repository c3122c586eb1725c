// Export output from the shipped models.yaml, and golden files to compare it with (UPDATE_GOLDEN=1 rewrites them).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, vi } from 'vitest';
import { loadConfig } from '../../common/config/load.js';
import { exportFiles } from '../../src/commands/export.js';

const GOLDEN_ROOT = new URL('../golden', import.meta.url).pathname;
const GOLDEN = join(GOLDEN_ROOT, 'export');
const HINT = 'run the tests with UPDATE_GOLDEN=1 to accept the new output, and review the diff';
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
  expect(existsSync(dir), `no golden files for ${target}; ${HINT}`).toBe(true);
  expect(files.map((f) => f.file).sort(), `golden files of ${target}; ${HINT}`).toEqual(readdirSync(dir).sort());
  for (const [when, output] of [
    ['today', files],
    ['in 2040', exportedIn2040(target)],
  ] as const) {
    for (const f of output) {
      expect(f.text, `${target}/${f.file} (${when}) differs from its golden file; ${HINT}`).toBe(
        readFileSync(join(dir, f.file), 'utf8'),
      );
    }
  }
}

/** `text` equals test/golden/`file`. A missing golden file fails: only UPDATE_GOLDEN=1 writes it. */
export function matchGoldenFile(file: string, text: string) {
  const path = join(GOLDEN_ROOT, file);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  expect(existsSync(path), `no golden file test/golden/${file}; ${HINT}`).toBe(true);
  expect(text, `differs from test/golden/${file}; ${HINT}`).toBe(readFileSync(path, 'utf8'));
}
