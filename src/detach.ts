// `up --detach` and `up --daemon`, the two ends of running a stack in the background: the foreground command starts
// `up --daemon`, waits for its ready (or failure) over IPC, prints the outcome and returns; the daemon keeps
// supervising, writing its log to .modelctl/logs/supervisor.log.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../common/config/types.js';
import { ExitCode, ModelctlError } from '../common/errors.js';
import type { SummaryRow } from './supervisor/events.js';
import { summaryTable } from './report/summary.js';

export type DaemonMessage =
  | { type: 'stack-ready'; coldStartMs: number; budgetMs: number; summary: SummaryRow[] }
  | { type: 'failed'; message: string; exitCode: number };

/** In the daemon: tell the `up -d` that started us how it went. Elsewhere: nothing. */
export function tellParent(m: DaemonMessage): void {
  if (process.send && process.connected) {
    process.send(m);
    process.disconnect();
  }
}

export async function runDetached(
  config: Config,
  budgetMs: number,
  opts: { config: string; json?: boolean; wait: string; warmup?: boolean },
): Promise<void> {
  mkdirSync(join(config.stateDir, 'logs'), { recursive: true });
  const logFile = join(config.stateDir, 'logs', 'supervisor.log');
  const log = openSync(logFile, 'a');
  const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
  const args = [
    cli,
    'up',
    '--config',
    config.file,
    '--budget',
    `${budgetMs}ms`,
    '--no-pull',
    '--daemon',
    '--wait',
    opts.wait,
    ...(opts.warmup ? ['--warmup'] : []),
  ];
  const daemon = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', log, log, 'ipc'],
    cwd: process.cwd(),
  });
  const outcome = await new Promise<DaemonMessage>((resolve) => {
    daemon.once('message', (m: DaemonMessage) => resolve(m));
    daemon.once('exit', (code) =>
      resolve({
        type: 'failed',
        message: `the background supervisor exited (code ${code}); see ${logFile}`,
        exitCode: ExitCode.failure,
      }),
    );
  });
  daemon.unref();
  if (daemon.connected) daemon.disconnect();
  if (outcome.type === 'failed') {
    throw new ModelctlError(`${outcome.message}\n(log: ${logFile})`, { exitCode: outcome.exitCode as ExitCode });
  }
  if (opts.json) console.log(JSON.stringify({ ...outcome, type: 'result', ok: true, detached: true, pid: daemon.pid }));
  else {
    console.log(summaryTable(outcome.summary, outcome.coldStartMs, outcome.budgetMs));
    console.log(
      `running in the background (supervisor pid ${daemon.pid}); \`modelctl down\` stops it, logs in ${logFile}`,
    );
  }
}
