import { describe, expect, it } from 'vitest';
import { configLine } from '../../src/commands/status.js';
import type { StackState } from '../../src/supervisor/state-file.js';

const state = (extra: Partial<StackState>): StackState => ({
  supervisorPid: 1,
  config: '/srv/models.yaml',
  startedAt: '2026-01-01T12:00:00.000Z',
  detached: true,
  servers: [],
  ...extra,
});
const now = Date.parse('2026-01-01T12:05:00.000Z');

describe('status: which config runs', () => {
  it('says the version and when it was applied, and a reload that did not apply all of its config', () => {
    const applied = state({ configVersion: '1a2b3c4d5e6f', appliedAt: '2026-01-01T12:03:00.000Z' });
    expect(configLine(applied, now)).toBe('config 1a2b3c4d5e6f, applied 2026-01-01T12:03:00.000Z (120 s ago)');
    const failed = state({
      configVersion: '1a2b3c4d5e6f',
      lastReload: { version: 'ffffffffffff', at: '2026-01-01T12:04:00.000Z', ok: false, error: 'llm: chat: truncated' },
    });
    expect(configLine(failed, now)).toMatch(
      /^config 1a2b3c4d5e6f, applied 2026-01-01T12:00:00.000Z \(300 s ago\)\n.*last reload \(config ffffffffffff\) did not apply all: llm: chat: truncated/,
    );
  });
});
