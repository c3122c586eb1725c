import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../common/config/types.js';
import { pullView } from '../../src/report/choose-pull-view.js';

const realIsTTY = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');

/** What the chosen view writes to stderr when a download starts, with stderr a terminal or not and TERM as given. */
function progressOnStart(tty: boolean, term: string): string {
  vi.stubEnv('TERM', term);
  Object.defineProperty(process.stderr, 'isTTY', { value: tty, configurable: true });
  let written = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((written += String(chunk)), true));
  const view = pullView({ dir: '/srv' } as Config, { out: () => {} });
  view.event({ server: 'llm', model: 'chat', type: 'start', total: 1000, from: 0 });
  view.close();
  vi.restoreAllMocks();
  return written;
}

describe('pull view choice', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    if (realIsTTY) Object.defineProperty(process.stderr, 'isTTY', realIsTTY);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  });

  it('redraws a live block on a terminal', () => {
    expect(progressOnStart(true, 'xterm')).toContain('\x1b[K');
  });

  it('prints plain lines into a pipe, and on a dumb terminal that cannot move its cursor', () => {
    expect(progressOnStart(false, 'xterm')).toBe('chat: downloading (1.0 kB)\n');
    expect(progressOnStart(true, 'dumb')).toBe('chat: downloading (1.0 kB)\n');
  });
});
