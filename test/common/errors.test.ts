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
});

describe('error messages', () => {
  it('says which exit and which lines when a server dies early', () => {
    expect(new ServerExitedError('llm', null, 'SIGSEGV', ['boom']).message).toBe(
      'server llm exited before it was ready (signal SIGSEGV); its last output:\n    boom',
    );
  });
});
