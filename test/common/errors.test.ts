import { describe, expect, it } from 'vitest';
import {
  alreadyReported,
  BudgetExceededError,
  ConfigError,
  ExitCode,
  howItEnded,
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

  it('keeps the exit code when an error is marked as already reported', () => {
    const marked = alreadyReported(new BudgetExceededError(1000, []));
    expect(marked).toMatchObject({ exitCode: ExitCode.budget, reported: true });
    expect(alreadyReported(new Error('boom'))).toMatchObject({ exitCode: ExitCode.failure, message: 'boom' });
  });
});

describe('error messages', () => {
  it('says which exit and which lines when a server dies early', () => {
    expect(new ServerExitedError('llm', null, 'SIGSEGV', ['boom']).message).toBe(
      'server llm exited before it was ready (SIGSEGV); its last output:\n    boom',
    );
    expect(new ServerExitedError('llm', 1, null, [], true).message).toBe(
      'server llm exited after it was ready, before the rest of the stack was (exit code 1)',
    );
    expect(howItEnded(null, 'SIGABRT', 'GGML_ASSERT(x) failed')).toBe('SIGABRT: GGML_ASSERT(x) failed');
  });

  it('names what was still loading when the budget ran out, and the cut-off when it was later', () => {
    expect(new BudgetExceededError(1000, ['llm/chat (loading, attempt 1)']).message).toBe(
      'cold-start budget of 1000 ms exceeded; still loading: llm/chat (loading, attempt 1)',
    );
    expect(new BudgetExceededError(1000, [], 2000).message).toBe(
      'cold-start budget of 1000 ms exceeded and cut off at 2000 ms; still loading: (nothing reported)',
    );
  });

  it('heads a config error with the file and the number of problems when there are several', () => {
    expect(new ConfigError(['a.yaml:1: x: bad', 'a.yaml:2: y: bad'], 'a.yaml').headline).toBe('a.yaml: 2 problems');
    expect(new ConfigError(['a.yaml:1: x: bad'], 'a.yaml').headline).toBe('a.yaml:1: x: bad');
  });
});
