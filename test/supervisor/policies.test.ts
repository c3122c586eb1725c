import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  ConfigError,
  ExitCode,
  InterruptedError,
  ModelFailedError,
  PortInUseError,
  ServerExitedError,
} from '../../common/errors.js';
import { restartDelay, MAX_BACKOFF_MS } from '../../src/supervisor/policies/restart.js';
import { canMove, move } from '../../src/supervisor/states.js';

describe('server states', () => {
  it('allows the lifecycle moves and refuses the rest', () => {
    expect(canMove('pending', 'starting')).toBe(true);
    expect(canMove('starting', 'ready')).toBe(true);
    expect(canMove('ready', 'restarting')).toBe(true);
    expect(canMove('restarting', 'starting')).toBe(true);
    expect(canMove('stopping', 'stopped')).toBe(true);
    expect(() => move('llm', 'stopped', 'ready')).toThrow('server llm: stopped → ready is not allowed');
    expect(() => move('llm', 'pending', 'ready')).toThrow('pending → ready is not allowed');
    expect(() => move('llm', 'stopping', 'ready')).toThrow();
  });
});

describe('restart policy', () => {
  const policy = { policy: 'on-failure' as const, max: 3, backoffMs: 1000 };
  it('doubles the wait for each restart, up to the maximum count', () => {
    expect([1, 2, 3, 4].map((n) => restartDelay(policy, n))).toEqual([1000, 2000, 4000, undefined]);
  });
  it('never waits longer than the cap', () => {
    expect(restartDelay({ ...policy, max: 20 }, 10)).toBe(MAX_BACKOFF_MS);
  });
  it('never restarts with policy off', () => {
    expect(restartDelay({ ...policy, policy: 'off' }, 1)).toBeUndefined();
  });
});

describe('exit codes', () => {
  it('maps every failure to its documented exit code', () => {
    expect(new ConfigError(['x']).exitCode).toBe(ExitCode.usage);
    expect(new ServerExitedError('llm', 3, null, []).exitCode).toBe(ExitCode.failure);
    expect(new ModelFailedError('llm', 'chat: bad').exitCode).toBe(ExitCode.failure);
    expect(new PortInUseError('llm', '127.0.0.1', 8081).exitCode).toBe(ExitCode.failure);
    expect(new BudgetExceededError(1000, ['llm/chat']).exitCode).toBe(ExitCode.budget);
    expect(new InterruptedError('SIGINT').exitCode).toBe(130);
    expect([ExitCode.ok, ExitCode.failure, ExitCode.usage, ExitCode.budget]).toEqual([0, 1, 2, 3]);
  });
  it('says which exit and which lines when a server dies early', () => {
    expect(new ServerExitedError('llm', null, 'SIGSEGV', ['boom']).message).toBe(
      'server llm exited before it was ready (signal SIGSEGV); its last output:\n    boom',
    );
  });
});
