// `.modelctl/state.json`: which stack is running (supervisor pid, each server's pids, port and state), for status and down.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Supervisor } from './supervisor.js';

export interface StackState {
  supervisorPid: number;
  config: string;
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
  }[];
}

const fileOf = (stateDir: string) => join(stateDir, 'state.json');

export function readStackState(stateDir: string): StackState | undefined {
  try {
    return JSON.parse(readFileSync(fileOf(stateDir), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

/** Rewrites the state file on every state change (atomically: a reader never sees half a file); removed when the stack stops. */
export function trackStackState(config: Config, sup: Supervisor, detached: boolean): () => void {
  const file = fileOf(config.stateDir);
  const startedAt = new Date().toISOString();
  mkdirSync(config.stateDir, { recursive: true });
  const write = () => {
    const state: StackState = {
      supervisorPid: process.pid,
      config: config.file,
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
      })),
    };
    writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
    renameSync(`${file}.tmp`, file);
  };
  write();
  sup.on('event', (e: { type: string }) => {
    if (e.type === 'state' || e.type === 'spawned') write();
  });
  return () => rmSync(file, { force: true });
}
