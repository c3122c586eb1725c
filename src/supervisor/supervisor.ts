// All servers of a config: start them at once, race each to ready under one budget, fail fast (stop the rest), restart
// at once a server whose start-up crash its journal pins on a model, watch ready servers (crash or hang → restart per
// policy), and shut everything down on request. Reporters listen to its 'event's.
import { EventEmitter } from 'node:events';
import { isBuiltin, type Config, type ServerConfig } from '../../common/config/types.js';
import {
  BudgetExceededError,
  InterruptedError,
  ModelctlError,
  ModelFailedError,
  ServerExitedError,
} from '../../common/errors.js';
import type { ReloadOutcome, ServerMessage } from '../../common/protocol.js';
import { formatMs } from '../format.js';
import { forgetInflight } from '../../common/crash-journal.js';
import { attributeCrash, exitReason, maxStartupCrashRestarts } from './crash.js';
import { applyTiming, type ModelView, type SummaryRow, type SupervisorEvent } from './events.js';
import {
  canRestorePriority,
  lastColdStartMs,
  lowerPriority,
  offCriticalPath,
  restorePriority,
} from './policies/critical-path.js';
import { stillLoading, summaryOf } from './stack-summary.js';
import { restartDelay } from './policies/restart.js';
import { httpProbe, waitUntilReady, type Outcome, type Probe } from './readiness.js';
import { launchSpec, ServerProcess, execaSpawner, type Spawner } from './server-process.js';
import { canMove, move, type ServerState } from './states.js';
import { Watchdog } from './watchdog.js';

export interface SupervisorOptions {
  budgetMs: number;
  /** When to stop waiting, if later than the budget (`coldstart-test --runs N` lets a run overrun it). */
  deadlineMs?: number;
  /** Overrides the config's grace period (tests); otherwise the running config's, which a reload may change. */
  graceMs?: number;
  /** `serving`: a server counts as up once its first-priority models are ready; the rest keep loading. */
  wait?: 'all' | 'serving';
  /** Turn warm-up on for every model of our servers (`up --warmup`). */
  warmup?: boolean;
  /** Watch ready servers (`liveness` in models.yaml); coldstart-test, a start-up test, does not. */
  watch?: boolean;
  /** Start the servers off the last critical path at lower CPU priority (policies/critical-path.ts); default on. */
  scheduleByCriticalPath?: boolean;
  spawner?: Spawner;
  probe?: Probe;
}

/** One server under supervision: its config, its lifecycle state, its current process and what it reported. */
export interface ManagedServer {
  config: ServerConfig;
  state: ServerState;
  proc?: ServerProcess;
  /** Every restart, after a crash, a hang or a start-up crash. */
  restarts: number;
  /** The restarts counted against `restart.max`. */
  policyRestarts: number;
  readyAt?: number;
  /** Milliseconds since the stack started when the server last answered its watchdog. */
  lastAnswerAt?: number;
  models: Map<string, ModelView>;
  watchdog?: Watchdog;
}

/** How one server's wait during `up` ended: its race to ready, or (once ready) its process's exit. */
interface Settled {
  s: ManagedServer;
  outcome: Outcome;
}

export class Supervisor extends EventEmitter {
  readonly servers: ManagedServer[];
  private readonly started = performance.now();
  private readonly abort = new AbortController();
  private shuttingDown?: Promise<void>;
  private abortReason?: string;
  /** Servers whose first start runs at lower CPU priority until they are ready. */
  private offPath = new Set<string>();

  constructor(
    private config: Config,
    private readonly opts: SupervisorOptions,
  ) {
    super();
    this.servers = config.servers.map((s) => ({
      config: s,
      state: 'pending',
      restarts: 0,
      policyRestarts: 0,
      models: new Map(),
    }));
  }

  /** The config the stack runs now: the one it started with, or the last one a reload applied. */
  get running(): Config {
    return this.config;
  }

  private get graceMs(): number {
    return this.opts.graceMs ?? this.config.graceMs;
  }

  /** Milliseconds since the stack started. */
  now(): number {
    return performance.now() - this.started;
  }

  /** Tells every listener (reporters, the state file, a reload's caller). */
  send(e: SupervisorEvent): void {
    this.emit('event', e);
  }

  private setState(s: ManagedServer, to: ServerState, detail?: string) {
    s.state = move(s.config.name, s.state, to);
    this.send({ type: 'state', server: s.config.name, state: to, at: this.now(), detail });
  }

  private spawn(s: ManagedServer): ServerProcess {
    const spec = launchSpec(s.config, this.config, { warmup: this.opts.warmup });
    const proc = new ServerProcess(s.config.name, spec, this.opts.spawner ?? execaSpawner);
    s.proc = proc;
    s.models.clear();
    proc.on('message', (m: ServerMessage) => this.hear(s, m));
    proc.on('line', (line: string, stream: 'stdout' | 'stderr') =>
      this.send({ type: 'output', server: s.config.name, stream, line, at: this.now() }),
    );
    this.send({ type: 'spawned', server: s.config.name, pid: proc.pid, at: this.now() });
    return proc;
  }

  private hear(s: ManagedServer, m: ServerMessage) {
    if (m.type === 'timing') {
      applyTiming(s.models, m.event, this.now());
      this.send({ type: 'timing', server: s.config.name, event: m.event, at: this.now() });
    } else if (s.state === 'ready' && m.type === 'ready') {
      this.send({ type: 'loaded', server: s.config.name, at: this.now() });
    } else if (s.state === 'ready' && m.type === 'failed') {
      // Serving already, then a required model failed for good: the server serves the others, reported as failed.
      this.setState(s, 'failed', m.error);
    }
  }

  private healthUrl(s: ManagedServer): string | undefined {
    return isBuiltin(s.config) ? undefined : `http://${s.config.host}:${s.config.port}${s.config.health}`;
  }

  private waitReady(s: ManagedServer, proc: ServerProcess, timeoutMs: number): Promise<Outcome> {
    return waitUntilReady(proc, {
      timeoutMs,
      signal: this.abort.signal,
      healthUrl: this.healthUrl(s),
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
    this.offPath = this.scheduleByCriticalPath();
    const settle = (s: ManagedServer, outcome: Promise<Outcome>) => outcome.then((o): Settled => ({ s, outcome: o }));
    const exitOf = (proc: ServerProcess) => proc.exited.then((exit): Outcome => ({ kind: 'exited', exit }));
    // What ends each server's wait: its race to ready, then (once it is ready) its exit, until the whole stack is.
    const waits = new Map(this.servers.map((s) => [s, settle(s, this.bringUp(s, deadline))]));
    let starting = this.servers.length;
    while (starting > 0) {
      const { s, outcome } = await Promise.race(waits.values());
      if (outcome.kind !== 'ready') return this.failFast(s, outcome);
      starting -= 1;
      waits.set(s, settle(s, exitOf(s.proc!)));
    }
    // An exit in the same turn as the last ready may not have settled its wait yet.
    const gone = this.servers.find((s) => s.proc?.exitInfo);
    if (gone) return this.failFast(gone, { kind: 'exited', exit: gone.proc!.exitInfo! });
    for (const s of this.servers) this.supervise(s);
    const summary = summaryOf(this.servers);
    this.send({ type: 'stack-ready', at: this.now(), summary });
    return summary;
  }

  /** The first failure while the stack starts: marks that server failed, stops every server, and throws why. */
  private async failFast(s: ManagedServer, outcome: Exclude<Outcome, { kind: 'ready' }>): Promise<never> {
    const error = this.explain(s, outcome);
    if (outcome.kind !== 'aborted' && canMove(s.state, 'failed')) this.setState(s, 'failed', error.message);
    await this.shutdown();
    throw error;
  }

  /**
   * Starts a server and waits until it is ready, by `deadline` (ms since the stack started). A crash that its journal
   * pins on models in native code is not the end: the server is restarted at once and holds those models to account.
   * Once the stack is shutting down nothing is started: `aborted`.
   */
  private async bringUp(s: ManagedServer, deadline: number): Promise<Outcome> {
    if (this.shuttingDown) return { kind: 'aborted' };
    this.setState(s, 'starting');
    for (let crashes = 0; ; crashes++) {
      const proc = this.spawn(s);
      const lowered = this.offPath.delete(s.config.name) && proc.pid !== undefined;
      if (lowered) lowerPriority(proc.pid!);
      const outcome = await this.waitReady(s, proc, deadline - this.now());
      if (lowered) restorePriority(proc.pid!);
      if (outcome.kind === 'ready') {
        s.readyAt = this.now();
        if (s.state === 'starting') this.setState(s, 'ready');
        return outcome;
      }
      if (outcome.kind !== 'exited' || this.shuttingDown) return outcome;
      const crash = attributeCrash(this.config, s.config, proc, outcome.exit);
      if (!crash || crashes >= maxStartupCrashRestarts(s.config)) return outcome;
      s.restarts += 1;
      this.setState(s, 'restarting', crash.reason);
      const reason = `${crash.reason}; restarted at once`;
      this.send({ type: 'restart', server: s.config.name, attempt: s.restarts, delayMs: 0, at: this.now(), reason });
      this.setState(s, 'starting');
    }
  }

  /**
   * The servers that start at lower CPU priority (see policies/critical-path.ts): none when asked not to, when this
   * process could not restore their priority, or without a last cold start of every server.
   */
  private scheduleByCriticalPath(): Set<string> {
    const off = this.opts.scheduleByCriticalPath === false || this.servers.length < 2 || !canRestorePriority();
    if (off) return new Set();
    const last = new Map(
      this.servers.map((s) => [s.config.name, lastColdStartMs(this.config.stateDir, s.config.name)]),
    );
    // Only our servers: a foreign command runs under the guard, whose child the change would not reach in time.
    const ours = new Set(this.servers.filter((s) => isBuiltin(s.config)).map((s) => s.config.name));
    return new Set([...offCriticalPath(last)].filter((name) => ours.has(name)));
  }

  private explain(s: ManagedServer, o: Exclude<Outcome, { kind: 'ready' }>): ModelctlError {
    switch (o.kind) {
      case 'exited': {
        const lines = s.proc?.lastLines(8) ?? [];
        return new ServerExitedError(s.config.name, o.exit.code, o.exit.signal, lines, s.state === 'ready');
      }
      case 'model-failed':
        return new ModelFailedError(s.config.name, o.error);
      case 'aborted':
        if (this.shuttingDown && !this.abortReason) return new ModelctlError('not started: the stack is stopping');
        return new InterruptedError(this.abortReason ?? 'a signal');
      case 'deadline':
        return new BudgetExceededError(this.opts.budgetMs, stillLoading(this.servers), this.opts.deadlineMs);
    }
  }

  /**
   * After ready: a server that exits or stops answering is restarted with backoff per its policy, or marked failed.
   * `exited`, not the 'exit' event: it settles for a process that is gone already.
   */
  private supervise(s: ManagedServer) {
    const proc = s.proc!;
    void proc.exited.then((exit) => {
      s.watchdog?.stop();
      // A hung server's exit is the kill's: onHung restarts it.
      if (this.shuttingDown || s.proc !== proc || (s.state !== 'ready' && s.state !== 'reloading')) return;
      const crash = attributeCrash(this.config, s.config, proc, exit);
      void this.restartAfterFailure(s, crash?.reason ?? exitReason(exit));
    });
    if (this.opts.watch && s.config.liveness) this.watch(s, proc);
  }

  private watch(s: ManagedServer, proc: ServerProcess) {
    const liveness = s.config.liveness!;
    const url = this.healthUrl(s);
    const probe = this.opts.probe ?? httpProbe;
    const check = url
      ? async (timeoutMs: number) => {
          const status = await probe(url, timeoutMs);
          return status !== undefined && status >= 200 && status < 300;
        }
      : (timeoutMs: number) => proc.ping(timeoutMs);
    s.lastAnswerAt = this.now();
    s.watchdog = new Watchdog(liveness, {
      check,
      onAnswer: () => {
        s.lastAnswerAt = this.now();
        this.emit('heartbeat', s);
      },
      onMiss: (misses, silentMs) =>
        this.send({ type: 'missed', server: s.config.name, misses, silentMs, at: this.now() }),
      onHung: (silentMs) => {
        if ((s.state !== 'ready' && s.state !== 'reloading') || s.proc !== proc) return;
        const silence = `did not answer for ${formatMs(silentMs)}`;
        this.setState(s, 'hung', silence);
        proc.kill();
        void proc.exited.then(() => {
          if (!this.shuttingDown && s.proc === proc && s.state === 'hung')
            void this.restartAfterFailure(s, `${silence}; killed`);
        });
      },
    });
    s.watchdog.start();
  }

  private async restartAfterFailure(s: ManagedServer, reason: string): Promise<void> {
    const { restart } = s.config;
    const delayMs = restartDelay(restart, s.policyRestarts + 1);
    if (delayMs === undefined) {
      this.setState(s, 'failed', `${reason}; restart policy ${restart.policy}, ${s.policyRestarts} restart(s) used`);
      return;
    }
    s.restarts += 1;
    s.policyRestarts += 1;
    const restarted = `${reason} and restarted (${s.policyRestarts}/${restart.max})`;
    this.setState(s, 'restarting', restarted);
    this.send({
      type: 'restart',
      server: s.config.name,
      attempt: s.restarts,
      delayMs,
      at: this.now(),
      reason: restarted,
    });
    await new Promise((r) => setTimeout(r, delayMs));
    if (this.shuttingDown) return;
    const outcome = await this.bringUp(s, this.now() + this.opts.budgetMs);
    if (this.shuttingDown) return;
    if (outcome.kind === 'ready') return this.supervise(s);
    this.setState(s, 'failed', this.explain(s, outcome).message);
    await this.stopProcess(s);
  }

  // ── Reload (src/supervisor/reload.ts drives these; each is one server's part of a new config) ──

  /** Takes a config a reload applied: stack settings from now on, and each server's section as applied so far. */
  adopt(next: Config): void {
    this.config = next;
  }

  /** Asks a running server of ours to apply its section of the config file (`version`): it serves throughout. */
  async reloadModels(s: ManagedServer, next: ServerConfig, version: string): Promise<ReloadOutcome> {
    this.setState(s, 'reloading');
    const outcome = await s.proc!.reload(version);
    if (outcome.ok) s.config = next;
    const detail = outcome.ok ? `config ${version} applied` : `config ${version} not all applied: ${outcome.error}`;
    if (s.state === 'reloading') this.setState(s, 'ready', detail);
    return outcome;
  }

  /**
   * Stops a server and starts it again with `next` (its process settings changed), alone: the others are not
   * touched. Throws why it is not ready again.
   */
  async restartWith(s: ManagedServer, next: ServerConfig, reason: string): Promise<void> {
    s.watchdog?.stop();
    this.setState(s, 'restarting', reason);
    await this.stopProcess(s);
    s.config = next;
    await this.startSupervised(s);
  }

  /** A server new in the config: started and supervised like the others. Throws why it is not ready. */
  async add(next: ServerConfig): Promise<void> {
    const s: ManagedServer = { config: next, state: 'pending', restarts: 0, policyRestarts: 0, models: new Map() };
    this.servers.push(s);
    await this.startSupervised(s);
  }

  /** A server gone from the config: stopped, then no longer listed. */
  async drop(s: ManagedServer): Promise<void> {
    s.watchdog?.stop();
    this.setState(s, 'stopping');
    await this.stopProcess(s);
    this.setState(s, 'stopped');
    this.servers.splice(this.servers.indexOf(s), 1);
  }

  private async startSupervised(s: ManagedServer): Promise<void> {
    const outcome = await this.bringUp(s, this.now() + this.opts.budgetMs);
    if (outcome.kind === 'ready') return this.supervise(s);
    const error = this.explain(s, outcome);
    if (canMove(s.state, 'failed')) this.setState(s, 'failed', error.message);
    await this.stopProcess(s);
    throw error;
  }

  /**
   * SIGTERM, SIGKILL after the grace period. A process we stopped that was killed with a load or request still in
   * native code did not crash because of it: its journal is emptied (one that had exited by itself keeps its own).
   */
  private async stopProcess(s: ManagedServer): Promise<void> {
    const proc = s.proc;
    if (!proc) return;
    const running = proc.exitInfo === undefined;
    await proc.stop(this.graceMs);
    if (running && proc.pid !== undefined) forgetInflight(this.config.stateDir, s.config.name, proc.pid);
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
          s.watchdog?.stop();
          if (s.state === 'stopped') return;
          if (s.state !== 'stopping') this.setState(s, 'stopping');
          await this.stopProcess(s);
          this.setState(s, 'stopped');
        }),
      );
    })();
    return this.shuttingDown;
  }
}
