// One error hierarchy: every failure modelctl reports carries its exit code and, where there is one, the original cause.

/** Exit codes, documented in the README; cli.ts is the only place that turns errors into them. */
export const ExitCode = { ok: 0, failure: 1, usage: 2, budget: 3, interrupted: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class ModelctlError extends Error {
  readonly exitCode: ExitCode = ExitCode.failure;
  /** True once the command has shown the message itself (live view, JSON result): cli.ts then only sets the exit code. */
  reported = false;
  constructor(message: string, options?: { cause?: unknown; exitCode?: ExitCode }) {
    super(message, options);
    this.name = new.target.name;
    if (options?.exitCode !== undefined) this.exitCode = options.exitCode;
  }
}

/** A bad models.yaml or bad flags: nothing was started. */
export class ConfigError extends ModelctlError {
  override readonly exitCode = ExitCode.usage;
  constructor(
    readonly problems: string[],
    readonly file?: string,
  ) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join('\n  ')}`);
  }
}

/** A model file that cannot be obtained or loaded: names the file and the reason. */
export class ModelLoadError extends ModelctlError {
  constructor(
    readonly model: string,
    readonly file: string | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(file ? `${model}: ${file}: ${reason}` : `${model}: ${reason}`, options);
  }
}

/** Obtaining a model file (`modelctl pull`) failed. */
export class PullError extends ModelctlError {}

/** Returns the message of anything thrown, for logs and HTTP bodies. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A server exited before it was ready: carries its exit code or signal and its last output lines. */
export class ServerExitedError extends ModelctlError {
  constructor(
    readonly server: string,
    readonly code: number | null,
    readonly signal: string | null,
    readonly lastLines: string[],
  ) {
    super(
      `server ${server} exited before it was ready (${signal ? `signal ${signal}` : `exit code ${code}`})${lastLines.length ? `; its last output:\n    ${lastLines.join('\n    ')}` : ''}`,
    );
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
      `server ${server}: port ${port} on ${host} is already in use (is another stack running? try \`modelctl down\` or \`modelctl status\`)`,
    );
  }
}

/** The stack was not ready within its cold-start budget. */
export class BudgetExceededError extends ModelctlError {
  override readonly exitCode = ExitCode.budget;
  constructor(
    readonly budgetMs: number,
    readonly waiting: string[],
  ) {
    super(`cold-start budget of ${budgetMs} ms exceeded; still loading: ${waiting.join(', ') || '(nothing reported)'}`);
  }
}

/** Ctrl-C or SIGTERM before the stack was ready. */
export class InterruptedError extends ModelctlError {
  override readonly exitCode = ExitCode.interrupted;
  constructor(signal: string) {
    super(`interrupted by ${signal} before the stack was ready; every server was stopped`);
  }
}
