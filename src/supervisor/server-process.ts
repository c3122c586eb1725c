// One child server process: spawn it (execa, argument arrays), hear its messages and output, stop it with grace →
// SIGKILL.
import { EventEmitter } from 'node:events';
import { killQuietly } from '../../common/processes.js';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execaNode } from 'execa';
import { isBuiltin, type Config, type ServerConfig } from '../../common/config/types.js';
import {
  serverArgs,
  serverEntryPath,
  type ReloadOutcome,
  type ServerMessage,
  type SupervisorMessage,
} from '../../common/protocol.js';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** What to run: always a Node script with IPC (our servers, or the guard that runs a foreign command). */
export interface LaunchSpec {
  script: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export type Spawner = (spec: LaunchSpec) => ChildProcess;

export const execaSpawner: Spawner = (spec) =>
  execaNode(spec.script, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    ipc: true,
    serialization: 'json',
  }) as unknown as ChildProcess;

const distPath = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

/**
 * What our servers run with unless the config says otherwise: room in libuv's pool for prefetching, header checks and
 * a read stuck on a dead mount at once (it can only be set before the process starts).
 */
const BUILTIN_ENV = { UV_THREADPOOL_SIZE: '8' };

/** Built-in servers run their own main; a foreign command runs under the guard, which ends it when we go. */
export function launchSpec(server: ServerConfig, config: Config, opts: { warmup?: boolean } = {}): LaunchSpec {
  const env = { ...server.env, MODELCTL_SERVER: server.name };
  if (!isBuiltin(server)) {
    return {
      script: distPath('./guard.js'),
      args: [String(config.graceMs), '--', ...server.command],
      env,
      cwd: config.dir,
    };
  }
  const args = [...serverArgs(config.file, server.name), ...(opts.warmup ? ['--warmup'] : [])];
  return { script: serverEntryPath(server.kind), args, env: { ...BUILTIN_ENV, ...env }, cwd: config.dir };
}

const KEEP_LINES = 20;

/** Emits 'message' (ServerMessage), 'line' (text, stream) and 'exit' (ExitInfo). */
export class ServerProcess extends EventEmitter {
  private child: ChildProcess;
  private lines: string[] = [];
  private extraPids: number[] = [];
  private stopping?: Promise<ExitInfo>;
  private pings = 0;
  exitInfo?: ExitInfo;
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
    this.child.on('message', (m: ServerMessage | { type: 'child'; pid: number }) => {
      if (m.type === 'child') this.extraPids.push(m.pid);
      else this.emit('message', m);
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
    const id = ++this.pings;
    if (!this.child.connected || this.exitInfo) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.off('message', onMessage);
        resolve(ok);
      };
      const onMessage = (m: ServerMessage) => {
        if (m.type === 'pong' && m.id === id) done(m.healthy);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.on('message', onMessage);
      const ping: SupervisorMessage = { type: 'ping', id };
      this.child.send(ping, (err) => err && done(false));
    });
  }

  /**
   * Asks the server over IPC to apply its section of the config file (`version`, the one the supervisor planned with)
   * and resolves with what it did; a server that exits or cannot be told says so in the outcome.
   */
  reload(version: string): Promise<ReloadOutcome> {
    const id = ++this.pings;
    const failed = (error: string): ReloadOutcome => ({ ok: false, version, models: [], error, ms: 0 });
    if (!this.child.connected || this.exitInfo) return Promise.resolve(failed('the server has no IPC channel'));
    return new Promise((resolve) => {
      const done = (outcome: ReloadOutcome) => {
        this.off('message', onMessage);
        this.off('exit', onExit);
        resolve(outcome);
      };
      const onMessage = (m: ServerMessage) => {
        if (m.type === 'reloaded' && m.id === id) done(m.outcome);
      };
      const onExit = () => done(failed('the server exited during the reload'));
      this.on('message', onMessage);
      this.once('exit', onExit);
      const ask: SupervisorMessage = { type: 'reload', id, version };
      this.child.send(ask, (err) => err && done(failed(`cannot reach the server: ${err.message}`)));
    });
  }

  /** SIGKILL at once: for a server that no longer answers (it would not answer SIGTERM either). */
  kill(): void {
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
