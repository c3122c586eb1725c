// `.modelctl/state.json`: which stack is running (supervisor pid, each server's pids, port and state), for status and
// down.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../common/config/types.js';
import { ModelctlError, messageOf } from '../../common/errors.js';
import { writeJsonAtomically } from '../../common/json-file.js';
import type { SupervisorEvent } from './events.js';
import type { Supervisor } from './supervisor.js';

export interface StackState {
  supervisorPid: number;
  config: string;
  /** The version (a short hash of the file) of the config that runs, and when it was applied. */
  configVersion?: string;
  appliedAt?: string;
  /** The last reload, when it did not apply everything (or was refused): what and why. */
  lastReload?: { version: string; at: string; ok: boolean; error?: string };
  /** The supervisor's control socket (`modelctl reload`). */
  control?: string;
  startedAt: string;
  detached: boolean;
  servers: {
    name: string;
    kind: string;
    host: string;
    port: number;
    pids: number[];
    state: string;
    restarts: number;
    readyAt?: number;
    /** Wall-clock time (ISO) the server last answered its watchdog. */
    lastAnswerAt?: string;
  }[];
}

const fileOf = (stateDir: string) => join(stateDir, 'state.json');

/** The running stack's state; undefined when there is no state file. A file that is not ours says so, never "none". */
export function readStackState(stateDir: string): StackState | undefined {
  const file = fileOf(stateDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelctlError(`cannot read ${file}: ${messageOf(err)}`, { cause: err });
  }
  let state: Partial<StackState>;
  try {
    state = JSON.parse(text) as Partial<StackState>;
  } catch (err) {
    throw new ModelctlError(`${file} is corrupt (${messageOf(err)}); ${CORRUPT_HINT}`, { cause: err });
  }
  if (typeof state.supervisorPid !== 'number' || !Array.isArray(state.servers)) {
    throw new ModelctlError(`${file} is not a modelctl state file (no supervisorPid or servers); ${CORRUPT_HINT}`);
  }
  return state as StackState;
}

const CORRUPT_HINT = 'if no modelctl supervisor is running, delete it';

/**
 * Rewrites the state file on every state change (atomically: a reader never sees half a file); removed when the stack
 * stops.
 */
export function trackStackState(config: Config, sup: Supervisor, detached: boolean, control?: string): () => void {
  const file = fileOf(config.stateDir);
  const startedAt = new Date().toISOString();
  let appliedAt = startedAt;
  let lastReload: StackState['lastReload'];
  mkdirSync(config.stateDir, { recursive: true });
  const write = () => {
    const state: StackState = {
      supervisorPid: process.pid,
      config: config.file,
      configVersion: sup.running.version,
      appliedAt,
      ...(lastReload ? { lastReload } : {}),
      ...(control ? { control } : {}),
      startedAt,
      detached,
      servers: sup.servers.map((s) => ({
        name: s.config.name,
        kind: s.config.kind,
        host: s.config.host,
        port: s.config.port,
        pids: s.proc?.pids ?? [],
        state: s.state,
        restarts: s.restarts,
        readyAt: s.readyAt,
        lastAnswerAt: s.lastAnswerAt === undefined ? undefined : new Date(wallClockOf(s.lastAnswerAt)).toISOString(),
      })),
    };
    writeJsonAtomically(file, state);
  };
  const wallClockOf = (stackMs: number) => Date.now() - (sup.now() - stackMs);
  write();
  sup.on('heartbeat', write);
  sup.on('event', (e: SupervisorEvent) => {
    if (e.type === 'reloaded') {
      const at = new Date().toISOString();
      if (e.ok) appliedAt = at;
      lastReload = e.ok ? undefined : { version: e.version, at, ok: false, error: e.error };
    }
    if (e.type === 'state' || e.type === 'spawned' || e.type === 'reloaded') write();
  });
  return () => rmSync(file, { force: true });
}
