// `.modelctl/state.json`: which stack is running (supervisor pid, each server's pids, port and state), for status and
// down.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../common/config/types.js';
import { ModelctlError, messageOf } from '../../common/errors.js';
import { writeJsonAtomically } from '../../common/json-file.js';
import type { SupervisorEvent } from './events.js';
import { foldStack, initialView } from './view/stack-view.js';

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

/** What `up` keeps the state file current with: each supervisor event, and the removal when the stack stops. */
export interface StackStateTracker {
  event(e: SupervisorEvent): void;
  remove(): void;
}

/**
 * Rewrites the state file (atomically: a reader never sees half a file) from the view it folds of the events it is
 * told, on every change a reader of the file would see; removed when the stack stops. `stackStartedAt` is the wall
 * clock (ms) at which the events' `at` counts from.
 */
export function trackStackState(
  config: Config,
  opts: { detached: boolean; control?: string; stackStartedAt: number },
): StackStateTracker {
  const file = fileOf(config.stateDir);
  const startedAt = new Date().toISOString();
  let appliedAt = startedAt;
  let lastReload: StackState['lastReload'];
  let view = initialView(config);
  const wallClock = (stackMs: number) => new Date(opts.stackStartedAt + stackMs).toISOString();
  mkdirSync(config.stateDir, { recursive: true });
  const write = () => {
    const state: StackState = {
      supervisorPid: process.pid,
      config: config.file,
      configVersion: view.version,
      appliedAt,
      ...(lastReload ? { lastReload } : {}),
      ...(opts.control ? { control: opts.control } : {}),
      startedAt,
      detached: opts.detached,
      servers: view.servers.map((s) => ({
        name: s.name,
        kind: s.kind,
        host: s.host,
        port: s.port,
        pids: s.pids,
        state: s.state,
        restarts: s.restarts,
        readyAt: s.readyAt,
        lastAnswerAt: s.lastAnswerAt === undefined ? undefined : wallClock(s.lastAnswerAt),
      })),
    };
    writeJsonAtomically(file, state);
  };
  write();
  return {
    event(e) {
      view = foldStack(view, e);
      if (e.type === 'reloaded') {
        const at = new Date().toISOString();
        if (e.ok) appliedAt = at;
        lastReload = e.ok ? undefined : { version: e.version, at, ok: false, error: e.error };
      }
      if (WRITTEN_ON.has(e.type)) write();
    },
    remove: () => rmSync(file, { force: true }),
  };
}

/** The events after which a reader of the file would see something new. */
const WRITTEN_ON = new Set<SupervisorEvent['type']>([
  'state',
  'spawned',
  'child',
  'configured',
  'dropped',
  'answered',
  'reloaded',
]);
