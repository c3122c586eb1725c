// One error hierarchy: every failure modelctl reports carries its exit code and, where there is one, the original
// cause.

/** Exit codes, documented in the README; cli.ts is the only place that turns errors into them. */
export const ExitCode = { ok: 0, failure: 1, usage: 2, budget: 3, interrupted: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  cause?: unknown;
  exitCode?: ExitCode;
  /** The command has shown the message itself (live view, JSON result): cli.ts then only sets the exit code. */
  reported?: boolean;
}

export class ModelctlError extends Error {
  readonly exitCode: ExitCode;
  readonly reported: boolean;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.reported = options.reported ?? false;
  }
}

/** The same failure, marked as already shown to the user: cli.ts sets its exit code and prints nothing more. */
export function alreadyReported(err: unknown): ModelctlError {
  if (err instanceof ModelctlError)
    return new ModelctlError(err.message, { cause: err, exitCode: err.exitCode, reported: true });
  return new ModelctlError(messageOf(err), { cause: err, reported: true });
}

/** A bad models.yaml or bad flags: nothing was started. */
export class ConfigError extends ModelctlError {
  constructor(
    readonly problems: string[],
    readonly file?: string,
  ) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join('\n  ')}`, {
      exitCode: ExitCode.usage,
    });
  }

  /** The first line cli.ts prints: the problem, or how many there are (each follows on its own line). */
  get headline(): string {
    return this.problems.length > 1 ? `${this.file}: ${this.problems.length} problems` : this.message;
  }
}

/** A model file that cannot be obtained or loaded: names the file and the reason. */
export class ModelLoadError extends ModelctlError {
  constructor(
    readonly model: string,
    readonly file: string | undefined,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(file ? `${model}: ${file}: ${reason}` : `${model}: ${reason}`, options);
  }
}

/** Obtaining a model file (`modelctl pull`) failed. */
export class PullError extends ModelctlError {}

/** A request for a model file failed; `transient` ones (connection errors, 5xx, 429, a cut body) are retried. */
export class DownloadError extends PullError {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The files about to be pulled do not fit on their disk; nothing was written. */
export class NotEnoughSpaceError extends PullError {
  constructor(
    readonly neededBytes: number,
    readonly freeBytes: number,
    readonly where: string,
    detail: string,
  ) {
    super(`not enough disk space: ${detail}; free some space or put the models elsewhere (path: in models.yaml)`);
  }
}

/** Returns the message of anything thrown, for logs and HTTP bodies. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * How a process ended, in the one wording every message uses: `SIGABRT` or `exit code 3`, then its last words when
 * known (`SIGABRT: GGML_ASSERT(...) failed`).
 */
export function howItEnded(code: number | null, signal: string | null, lastWords?: string): string {
  const how = signal ?? `exit code ${code}`;
  return lastWords ? `${how}: ${lastWords}` : how;
}

const lastOutput = (lines: string[]) => (lines.length ? `; its last output:\n    ${lines.join('\n    ')}` : '');

/**
 * A server exited before the stack was ready (`itWasReady`: after its own ready, while others still started): carries
 * its exit code or signal and its last output lines.
 */
export class ServerExitedError extends ModelctlError {
  constructor(
    readonly server: string,
    readonly code: number | null,
    readonly signal: string | null,
    readonly lastLines: string[],
    itWasReady = false,
  ) {
    const when = itWasReady ? 'after it was ready, before the rest of the stack was' : 'before it was ready';
    super(`server ${server} exited ${when} (${howItEnded(code, signal)})${lastOutput(lastLines)}`);
  }
}

/** A model failed for good (after its retry), so its server can never be ready. */
export class ModelFailedError extends ModelctlError {
  constructor(
    readonly server: string,
    reason: string,
  ) {
    super(`server ${server}: ${reason}`);
  }
}

/** A configured port is taken before anything started. */
export class PortInUseError extends ModelctlError {
  constructor(
    readonly server: string,
    host: string,
    port: number,
  ) {
    super(
      `server ${server}: port ${port} on ${host} is already in use ` +
        '(is another stack running? try `modelctl down` or `modelctl status`)',
    );
  }
}

/** The stack was not ready within its cold-start budget. */
export class BudgetExceededError extends ModelctlError {
  /** `deadlineMs` is when the wait was cut off, when that is later than the budget (`coldstart-test --runs N`). */
  constructor(
    readonly budgetMs: number,
    readonly waiting: string[],
    readonly deadlineMs = budgetMs,
  ) {
    const cutOff = deadlineMs > budgetMs ? ` and cut off at ${deadlineMs} ms` : '';
    const still = waiting.join(', ') || '(nothing reported)';
    super(`cold-start budget of ${budgetMs} ms exceeded${cutOff}; still loading: ${still}`, {
      exitCode: ExitCode.budget,
    });
  }
}

/** Ctrl-C or SIGTERM before the stack was ready. */
export class InterruptedError extends ModelctlError {
  constructor(signal: string) {
    super(`interrupted by ${signal} before the stack was ready; every server was stopped`, {
      exitCode: ExitCode.interrupted,
    });
  }
}
