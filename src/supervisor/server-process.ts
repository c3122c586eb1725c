// One child server process: spawn it (execa, argument arrays), hear its messages and output, stop it with grace →
// SIGKILL.
import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { killQuietly } from '../../common/processes.js';
import type { ChildMessage, ReloadOutcome, SupervisorMessage } from '../../common/protocol.js';
import { execaSpawner, type LaunchSpec, type Spawner } from './launch-spec.js';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** What to run: always a Node script with IPC (our servers, or the guard that runs a foreign command). */
const KEEP_LINES = 20;

/** Why an IPC request got no answer: no channel, the process exited, the timeout passed, or the send failed. */
type Unanswered = 'no channel' | 'exited' | 'timeout' | Error;

const reloadError = (why: Unanswered): string => {
  if (why instanceof Error) return `cannot reach the server: ${why.message}`;
  if (why === 'timeout') return 'the server did not answer in time';
  return why === 'exited' ? 'the server exited during the reload' : 'the server has no IPC channel';
};

/** Emits 'message' (ChildMessage: a server's, or the guard's), 'line' (text, stream) and 'exit' (ExitInfo). */
export class ServerProcess extends EventEmitter {
  private child: ChildProcess;
  private lines: string[] = [];
  private extraPids: number[] = [];
  private stopping?: Promise<ExitInfo>;
  private requests = 0;
  exitInfo?: ExitInfo;
  /** Why the supervisor killed this process itself, if it did (see `kill`). */
  killedFor?: string;
  readonly exited: Promise<ExitInfo>;

  constructor(
    readonly name: string,
    spec: LaunchSpec,
    spawn: Spawner = execaSpawner,
  ) {
    super();
    this.child = spawn(spec);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.emit('exit', this.exitInfo);
        resolve(this.exitInfo);
      });
    });
    this.child.once('error', (err) => this.keep(`spawn error: ${err.message}`));
    this.child.on('message', (m: ChildMessage) => {
      if (m.type === 'child') this.extraPids.push(m.pid);
      this.emit('message', m);
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      this.child[stream]?.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop()!;
        for (const line of parts) {
          this.keep(line);
          this.emit('line', line, stream);
        }
      });
    }
  }

  private keep(line: string) {
    this.lines.push(line);
    if (this.lines.length > KEEP_LINES) this.lines.shift();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Every process this server owns: itself, and a foreign command under the guard. */
  get pids(): number[] {
    return [...(this.child.pid ? [this.child.pid] : []), ...this.extraPids];
  }

  /**
   * The watchdog's heartbeat over IPC: resolves true when the server answers healthy within `timeoutMs`, false when it
   * answers unhealthy, does not answer, or has no channel.
   */
  ping(timeoutMs: number): Promise<boolean> {
    return this.request(
      (id) => ({ type: 'ping', id }),
      (m, id) => (m.type === 'pong' && m.id === id ? m.healthy : undefined),
      () => false,
      timeoutMs,
    );
  }

  /**
   * Asks the server over IPC to apply its section of the config file (`version`, the one the supervisor planned with)
   * and resolves with what it did; a server that exits or cannot be told says so in the outcome.
   */
  reload(version: string): Promise<ReloadOutcome> {
    const failed = (why: Unanswered): ReloadOutcome => ({
      ok: false,
      version,
      models: [],
      error: reloadError(why),
      ms: 0,
    });
    return this.request(
      (id) => ({ type: 'reload', id, version }),
      (m, id) => (m.type === 'reloaded' && m.id === id ? m.outcome : undefined),
      failed,
    );
  }

  /**
   * One request over IPC and its answer: sends `ask` (numbered), resolves with the first message `answer` takes;
   * `unanswered` says what it comes to when the server has no channel, cannot be told, exits, or lets `timeoutMs` pass.
   */
  private request<T>(
    ask: (id: number) => SupervisorMessage,
    answer: (m: ChildMessage, id: number) => T | undefined,
    unanswered: (why: Unanswered) => T,
    timeoutMs?: number,
  ): Promise<T> {
    const id = ++this.requests;
    if (!this.child.connected || this.exitInfo) return Promise.resolve(unanswered('no channel'));
    return new Promise((resolve) => {
      const done = (value: T) => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.off('exit', onExit);
        resolve(value);
      };
      const onMessage = (m: ChildMessage) => {
        const value = answer(m, id);
        if (value !== undefined) done(value);
      };
      const onExit = () => done(unanswered('exited'));
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(unanswered('timeout')), timeoutMs);
      this.on('message', onMessage);
      this.once('exit', onExit);
      this.child.send(ask(id), (err) => err && done(unanswered(err)));
    });
  }

  /**
   * SIGKILL at once: for a server that no longer answers (it would not answer SIGTERM either). `reason` is kept as
   * `killedFor` (the first one wins, as execa's termination records why): whoever sees the exit tells it apart from a
   * crash.
   */
  kill(reason: string): void {
    this.killedFor ??= reason;
    this.child.kill('SIGKILL');
    for (const pid of this.extraPids) killQuietly(pid, 'SIGKILL');
  }

  lastLines(n = 10): string[] {
    return this.lines.slice(-n);
  }

  /**
   * SIGTERM, then SIGKILL after `graceMs`. Idempotent; a process already gone counts as stopped. A foreign command is
   * killed before its guard, so the guard can reap it and no zombie is left.
   */
  stop(graceMs: number): Promise<ExitInfo> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    this.stopping ??= (async () => {
      this.child.kill('SIGTERM');
      const timers = [
        setTimeout(() => {
          for (const pid of this.extraPids) killQuietly(pid, 'SIGKILL');
        }, graceMs),
        setTimeout(() => this.child.kill('SIGKILL'), graceMs + (this.extraPids.length > 0 ? 250 : 0)),
      ];
      const info = await this.exited;
      timers.forEach(clearTimeout);
      for (const pid of this.extraPids) killQuietly(pid, 'SIGKILL');
      return info;
    })();
    return this.stopping;
  }
}
