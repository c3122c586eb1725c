import { afterEach, describe, expect, it, vi } from 'vitest';

const realIsTTY = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');

/** style.ts as a fresh import sees it: stdout a terminal or not, NO_COLOR and TERM as given. */
async function paintWith(tty: boolean, env: Record<string, string | undefined>) {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
  return (await import('../../src/report/style.js')).paint;
}

describe('colour', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    if (realIsTTY) Object.defineProperty(process.stdout, 'isTTY', realIsTTY);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  });

  it('paints on a terminal', async () => {
    const paint = await paintWith(true, { NO_COLOR: undefined, TERM: 'xterm' });
    expect(paint.green('ok')).toBe('\x1b[32mok\x1b[39m');
  });

  it('never paints when NO_COLOR is set to a value; set but empty, it does not count (no-color.org)', async () => {
    expect((await paintWith(true, { NO_COLOR: '1', TERM: 'xterm' })).green('ok')).toBe('ok');
    expect((await paintWith(true, { NO_COLOR: '', TERM: 'xterm' })).green('ok')).toBe('\x1b[32mok\x1b[39m');
  });

  it('never paints into a pipe or a file, nor on a dumb terminal', async () => {
    expect((await paintWith(false, { NO_COLOR: undefined, TERM: 'xterm' })).green('ok')).toBe('ok');
    expect((await paintWith(true, { NO_COLOR: undefined, TERM: 'dumb' })).green('ok')).toBe('ok');
  });
});
