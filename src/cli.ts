// commander wiring; the only place where errors become messages and exit codes.
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ConfigError, ExitCode, ModelctlError, messageOf } from './errors.js';
import { registerPull } from './commands/pull.js';
import { registerUp } from './commands/up.js';
import { registerDown } from './commands/down.js';
import { registerStatus } from './commands/status.js';
import { registerLogs } from './commands/logs.js';
import { registerValidate } from './commands/validate.js';
import { paintErr } from './report/style.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('modelctl')
  .description('Bring model servers from cold to serving as fast as the hardware allows, and prove it.')
  .version(version)
  .showHelpAfterError()
  .exitOverride()
  .addHelpText('after', `
Exit codes: 0 ok, 1 failure (a model or server failed), 2 bad config or usage, 3 cold-start budget exceeded,
130 interrupted before the stack was ready.
Docs: README.md`);

registerValidate(program);
registerPull(program);
registerUp(program);
registerStatus(program);
registerDown(program);
registerLogs(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (err instanceof ConfigError) {
    console.error(`${paintErr.red('error:')} ${err.problems.length > 1 ? `${err.file}: ${err.problems.length} problems` : err.message}`);
    if (err.problems.length > 1) for (const p of err.problems) console.error(`  ${p}`);
    process.exitCode = err.exitCode;
  } else if (err instanceof ModelctlError) {
    if (!err.reported) console.error(`${paintErr.red('error:')} ${err.message}`);
    process.exitCode = err.exitCode;
  } else {
    console.error(`${paintErr.red('internal error:')} ${messageOf(err)}`);
    if (err instanceof Error && err.stack) console.error(paintErr.dim(err.stack));
    process.exitCode = ExitCode.failure;
  }
}
