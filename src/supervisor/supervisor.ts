// All servers of a config: start them at once, race each to ready under one budget, fail fast (stop the rest), restart
// crashes after ready per policy, and shut everything down on request. Reporters listen to its 'event's.
import { EventEmitter } from 'node:events';
import { isBuiltin, type Config, type ServerConfig } from '../../common/config/types.js';
import {
  BudgetExceededError,
  InterruptedError,
  ModelFailedError,
  ServerExitedError,
  type ModelctlError,
} from '../../common/errors.js';
import type { ServerMessage } from '../../common/protocol.js';
import { applyTiming, type ModelView, type SummaryRow, type SupervisorEvent } from './events.js';
import { restartDelay } from './policies/restart.js';
import { waitUntilReady, type Outcome, type Probe } from './readiness.js';
import { launchSpec, ServerProcess, execaSpawner, type Spawner } from './server-process.js';
import { move, type ServerState } from './states.js';

export interface SupervisorOptions {
  budgetMs: number;
  /** When to stop waiting, if later than the budget (`coldstart-test --runs N` lets a run overrun it). */
  deadlineMs?: number;
  graceMs: number;
  /** `serving`: a server counts as up once its first-priority models are ready; the rest keep loading. */
  wait?: 'all' | 'serving';
  /** Turn warm-up on for every model of our servers (`up --warmup`). */
  warmup?: boolean;
  spawner?: Spawner;
  probe?: Probe;
}

/** One server under supervision: its config, its lifecycle state, its current process and what it reported. */
export interface ManagedServer {
  config: ServerConfig;
  state: ServerState;
  proc?: ServerProcess;
  restarts: number;
  readyAt?: number;
  models: Map<string, ModelView>;
}

export class Supervisor extends EventEmitter {
  readonly servers: ManagedServer[];
  private readonly started = performance.now();
  private readonly abort = new AbortController();
  private shuttingDown?: Promise<void>;
  private abortReason?: string;

  constructor(
    private readonly config: Config,
    private readonly opts: SupervisorOptions,
  ) {
    super();
    this.servers = config.servers.map((s) => ({ config: s, state: 'pending', restarts: 0, models: new Map() }));
  }

  /** Milliseconds since the stack started. */
  now(): number {
    return performance.now() - this.started;
  }

  private send(e: SupervisorEvent) {
    this.emit('event', e);
  }

  private setState(s: ManagedServer, to: ServerState, detail?: string) {
    s.state = move(s.config.name, s.state, to);
    this.send({ type: 'state', server: s.config.name, state: to, at: this.now(), detail });
  }

  private spawn(s: ManagedServer): ServerProcess {
    const proc = new ServerProcess(
      s.config.name,
      launchSpec(s.config, this.config, { warmup: this.opts.warmup }),
      this.opts.spawner ?? execaSpawner,
    );
    s.proc = proc;
    proc.on('message', (m: ServerMessage) => {
      if (m.type === 'timing') {
        applyTiming(s.models, m.event, this.now());
        this.send({ type: 'timing', server: s.config.name, event: m.event, at: this.now() });
      } else if (s.state === 'ready' && m.type === 'ready') {
        this.send({ type: 'loaded', server: s.config.name, at: this.now() });
      } else if (s.state === 'ready' && m.type === 'failed') {
        // Serving already, then a required model failed for good: the server keeps serving the others, reported as
        // failed.
        this.setState(s, 'failed', m.error);
      }
    });
    proc.on('line', (line: string, stream: 'stdout' | 'stderr') =>
      this.send({ type: 'output', server: s.config.name, stream, line, at: this.now() }),
    );
    this.send({ type: 'spawned', server: s.config.name, pid: proc.pid, at: this.now() });
    return proc;
  }

  private waitReady(s: ManagedServer, proc: ServerProcess, timeoutMs: number): Promise<Outcome> {
    const healthUrl = isBuiltin(s.config) ? undefined : `http://${s.config.host}:${s.config.port}${s.config.health}`;
    return waitUntilReady(proc, {
      timeoutMs,
      signal: this.abort.signal,
      healthUrl,
      probe: this.opts.probe,
      acceptServing: this.opts.wait === 'serving',
    });
  }

  /**
   * Brings every server up. Resolves with the summary once all are ready; on the first failure stops all and throws
   * why.
   */
  async up(): Promise<SummaryRow[]> {
    const deadline = this.opts.deadlineMs ?? this.opts.budgetMs;
    const races = this.servers.map(async (s) => {
      this.setState(s, 'starting');
      const outcome = await this.waitReady(s, this.spawn(s), deadline - this.now());
      if (outcome.kind === 'ready' && s.state === 'starting') {
        s.readyAt = this.now();
        this.setState(s, 'ready');
      }
      return { s, outcome };
    });
    const pending = new Set(races);
    for (const race of races) void race.then(() => pending.delete(race));
    while (pending.size > 0) {
      const { s, outcome } = await Promise.race(pending);
      if (outcome.kind !== 'ready') {
        const error = this.explain(s, outcome);
        if (s.state === 'starting' && outcome.kind !== 'aborted') this.setState(s, 'failed', error.message);
        await this.shutdown();
        throw error;
      }
    }
    for (const s of this.servers) this.watchForCrash(s);
    const summary = this.summary();
    this.send({ type: 'stack-ready', at: this.now(), summary });
    return summary;
  }

  private explain(s: ManagedServer, o: Exclude<Outcome, { kind: 'ready' }>): ModelctlError {
    switch (o.kind) {
      case 'exited':
        return new ServerExitedError(s.config.name, o.exit.code, o.exit.signal, s.proc?.lastLines(8) ?? []);
      case 'model-failed':
        return new ModelFailedError(s.config.name, o.error);
      case 'aborted':
        return new InterruptedError(this.abortReason ?? 'a signal');
      case 'deadline':
        return new BudgetExceededError(this.opts.budgetMs, this.stillLoading(), this.opts.deadlineMs);
    }
  }

  private stillLoading(): string[] {
    return this.servers
      .filter((s) => s.state !== 'ready')
      .flatMap((s) => {
        const models = [...s.models.values()].filter((m) => m.state !== 'ready');
        return models.length > 0
          ? models.map((m) => `${s.config.name}/${m.name} (${m.state}, attempt ${m.attempts})`)
          : [`${s.config.name} (no model reported yet)`];
      });
  }

  private summary(): SummaryRow[] {
    return this.servers.flatMap((s) =>
      s.models.size === 0
        ? [{ server: s.config.name, readyAt: s.readyAt }]
        : [...s.models.values()].map((m) => ({
            server: s.config.name,
            model: m.name,
            loadMs: m.loadMs,
            attempts: m.attempts,
            readyAt: m.readyAt,
          })),
    );
  }

  /** After ready: a server that exits is restarted with backoff per its policy, or marked failed. */
  private watchForCrash(s: ManagedServer) {
    s.proc?.once('exit', async (exit) => {
      if (this.shuttingDown || s.state !== 'ready') return;
      const reason = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
      const delayMs = restartDelay(s.config.restart, s.restarts + 1);
      if (delayMs === undefined) {
        this.setState(
          s,
          'failed',
          `${reason}; restart policy ${s.config.restart.policy}, ${s.restarts} restart(s) used`,
        );
        return;
      }
      s.restarts += 1;
      this.setState(s, 'restarting', reason);
      this.send({ type: 'restart', server: s.config.name, attempt: s.restarts, delayMs, at: this.now(), reason });
      await new Promise((r) => setTimeout(r, delayMs));
      if (this.shuttingDown) return;
      this.setState(s, 'starting');
      s.models.clear();
      const outcome = await this.waitReady(s, this.spawn(s), this.opts.budgetMs);
      if (this.shuttingDown) return;
      if (outcome.kind === 'ready') {
        s.readyAt = this.now();
        this.setState(s, 'ready');
        this.watchForCrash(s);
      } else {
        this.setState(s, 'failed', this.explain(s, outcome).message);
        await s.proc?.stop(this.opts.graceMs);
      }
    });
  }

  /** Stops waiting (Ctrl-C during start-up): `up` then stops every server and throws InterruptedError. */
  interrupt(signal: string): void {
    this.abortReason ??= signal;
    this.abort.abort();
  }

  /** SIGTERM to every server, SIGKILL after the grace period; idempotent. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      this.abort.abort();
      await Promise.all(
        this.servers.map(async (s) => {
          if (s.state === 'stopped') return;
          if (s.state !== 'stopping') this.setState(s, 'stopping');
          await s.proc?.stop(this.opts.graceMs);
          this.setState(s, 'stopped');
        }),
      );
    })();
    return this.shuttingDown;
  }
}
