// The crash journal: which models a server had in native code (loading, verifying, warming up, serving a request).
// The server rewrites it whenever that set changes; if the process dies, the file still names them. The supervisor
// adds how the process ended and the engine's last words; the next start of the server reads it (under `up`, under
// Kubernetes or systemd alike) and holds the models in it to account.
import { join } from 'node:path';
import { readJsonFile, writeJsonAtomically } from './json-file.js';

/** What a model was doing in native code. */
export type NativePhase = 'load' | 'verify' | 'warmup' | 'first-request' | 'request' | 'check' | 'unload';

export const LOAD_PHASES: readonly NativePhase[] = ['load', 'verify', 'warmup'];

export interface InflightEntry {
  model: string;
  /** The model file's identity when the work began (see common/file-identity.ts). */
  identity?: string;
  phase: NativePhase;
  /** The load attempt, for load phases. */
  attempt?: number;
  /** Nothing else was in native code: a crash now is this model's alone. */
  alone: boolean;
}

/** How the process ended, as its parent saw it. */
export interface Death {
  signal: string | null;
  code: number | null;
  /** The engine's assertion or last error line from stderr, when the parent captured one. */
  lastWords?: string;
}

export interface CrashJournal {
  server: string;
  pid: number;
  inflight: InflightEntry[];
  died?: Death;
}

export function crashJournalFile(stateDir: string, server: string): string {
  return join(stateDir, 'logs', `${server}.inflight.json`);
}

export function readCrashJournal(stateDir: string, server: string): CrashJournal | undefined {
  return readJsonFile<CrashJournal>(crashJournalFile(stateDir, server));
}

/**
 * Called by the supervisor when a server process it ran has exited: if that process left models in flight, records
 * how it died and returns the journal (the crash is theirs); otherwise returns undefined.
 */
export function recordDeath(stateDir: string, server: string, pid: number, death: Death): CrashJournal | undefined {
  let journal: CrashJournal | undefined;
  try {
    journal = readCrashJournal(stateDir, server);
  } catch {
    return undefined;
  }
  if (!journal || journal.pid !== pid || journal.inflight.length === 0) return undefined;
  const annotated = { ...journal, died: death };
  writeJsonAtomically(crashJournalFile(stateDir, server), annotated);
  return annotated;
}

/**
 * A process that was stopped on purpose (and had to be killed after its grace period) did not crash: its journal is
 * emptied so that its next start holds no model to account.
 */
export function forgetInflight(stateDir: string, server: string, pid: number): void {
  let journal: CrashJournal | undefined;
  try {
    journal = readCrashJournal(stateDir, server);
  } catch {
    return;
  }
  if (journal?.pid === pid && journal.inflight.length > 0) {
    writeJsonAtomically(crashJournalFile(stateDir, server), { ...journal, inflight: [] });
  }
}

/** The line of a crashed engine's output worth quoting: its assertion, abort or error message. */
export function lastWordsOf(lines: string[]): string | undefined {
  const telling = /GGML_ASSERT|Assertion|assert|abort|terminate called|Segmentation|error/i;
  const line = [...lines].reverse().find((l) => telling.test(l)) ?? lines.at(-1);
  if (!line) return undefined;
  const assertion = /GGML_ASSERT\(.*\) failed/.exec(line)?.[0];
  return (assertion ?? line.trim()).slice(0, 300);
}
