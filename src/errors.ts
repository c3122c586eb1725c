// One error hierarchy: every failure modelctl reports carries its exit code and, where there is one, the original cause.

/** Exit codes, documented in the README; cli.ts is the only place that turns errors into them. */
export const ExitCode = { ok: 0, failure: 1, usage: 2, budget: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class ModelctlError extends Error {
  readonly exitCode: ExitCode = ExitCode.failure;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad models.yaml or bad flags: nothing was started. */
export class ConfigError extends ModelctlError {
  override readonly exitCode = ExitCode.usage;
  constructor(readonly problems: string[], readonly file?: string) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join('\n  ')}`);
  }
}

/** A model file that cannot be obtained or loaded: names the file and the reason. */
export class ModelLoadError extends ModelctlError {
  constructor(readonly model: string, readonly file: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(file ? `${model}: ${file}: ${reason}` : `${model}: ${reason}`, options);
  }
}

/** Obtaining a model file (`modelctl pull`) failed. */
export class PullError extends ModelctlError {}

/** Returns the message of anything thrown, for logs and HTTP bodies. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
