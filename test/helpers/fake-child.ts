// A stand-in child process for supervisor unit tests: the test plays the server (ready, crash, pong or silence).
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import type { LaunchSpec, Spawner } from '../../src/supervisor/launch-spec.js';

let nextPid = 900_000;

export class FakeChild extends EventEmitter {
  readonly pid = nextPid++;
  connected = true;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly signals: string[] = [];
  /** Answer pings (a hung server does not). */
  answers = true;
  exited = false;

  constructor(readonly spec: LaunchSpec) {
    super();
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    if (signal === 'SIGKILL' || !this.ignoreTerm) this.exit(null, signal);
    return true;
  }

  /** A server that ignores SIGTERM (only SIGKILL ends it). */
  ignoreTerm = false;

  /** What the server answers to a reload (it applied its section, by default). */
  reloadAnswer: { ok: boolean; error?: string } = { ok: true };
  /** The config versions it was asked to apply. */
  readonly reloads: string[] = [];

  send(message: { type: string; id?: number; version?: string }, callback?: (err: Error | null) => void): boolean {
    if (message.type === 'ping' && this.answers) {
      setImmediate(() => this.emit('message', { type: 'pong', id: message.id, healthy: true }));
    }
    if (message.type === 'reload') {
      this.reloads.push(message.version!);
      const outcome = { version: message.version, models: [], ms: 1, ...this.reloadAnswer };
      setImmediate(() => this.emit('message', { type: 'reloaded', id: message.id, outcome }));
    }
    callback?.(null);
    return true;
  }

  /** The server says it is ready (as ours do over IPC). */
  ready(): void {
    this.emit('message', { type: 'ready', ms: 1, quarantined: [] });
  }

  say(line: string, stream: 'stdout' | 'stderr' = 'stderr'): void {
    this[stream].write(`${line}\n`);
  }

  exit(code: number | null, signal: string | null = null): void {
    if (this.exited) return;
    this.exited = true;
    this.connected = false;
    setImmediate(() => this.emit('exit', code, signal));
  }
}

/** A spawner that records every child it makes and lets the test script each one as it is born. */
export function fakeSpawner(onSpawn: (child: FakeChild, index: number) => void = () => {}) {
  const children: FakeChild[] = [];
  const spawner: Spawner = (spec) => {
    const child = new FakeChild(spec);
    children.push(child);
    queueMicrotask(() => onSpawn(child, children.length - 1));
    return child as unknown as ChildProcess;
  };
  return { spawner, children };
}
