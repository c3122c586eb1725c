// A built-in server process ended: if its crash journal names models it had in native code, the crash is theirs.
// Records how the process died (and the engine's last words from stderr) in the journal, for the server's next start.
import type { Config, ServerConfig } from '../../common/config/types.js';
import { isBuiltin } from '../../common/config/types.js';
import { lastWordsOf, recordDeath } from '../../common/crash-journal.js';
import { howItEnded } from '../../common/errors.js';
import type { ExitInfo, ServerProcess } from './server-process.js';

export interface AttributedCrash {
  models: string[];
  /** `exited (SIGABRT: GGML_ASSERT(...) failed) with chat (load) in native code` */
  reason: string;
}

/** `exited (SIGSEGV)`, `exited (exit code 1)`: why a server that was ready is restarted, when no model is to blame. */
export const exitReason = (exit: ExitInfo, lastWords?: string): string =>
  `exited (${howItEnded(exit.code, exit.signal, lastWords)})`;

export function attributeCrash(
  config: Config,
  server: ServerConfig,
  proc: ServerProcess,
  exit: ExitInfo,
): AttributedCrash | undefined {
  if (!isBuiltin(server) || proc.pid === undefined) return undefined;
  const lastWords = lastWordsOf(proc.lastLines(20));
  const journal = recordDeath(config.stateDir, server.name, proc.pid, { ...exit, lastWords });
  if (!journal) return undefined;
  const inflight = journal.inflight.map((e) => `${e.model} (${e.phase})`).join(', ');
  return {
    models: journal.inflight.map((e) => e.model),
    reason: `${exitReason(exit, lastWords)} with ${inflight} in native code`,
  };
}

/** How many crash restarts one start-up may take: each one either clears a suspect or convicts it. */
export const maxStartupCrashRestarts = (server: ServerConfig): number => 2 * server.models.length + 1;
