// All servers of a config, supervised: the core that holds them and runs the rest. The start race (start-race.ts), the
// policies after ready (policies/, run as a list), the changes a reload makes (stack-changes.ts) and the shutdown
// (shutdown.ts) each work through the core's interface (core.ts). Listeners hear every 'event'.
import { EventEmitter } from 'node:events';
import type { Config } from '../../common/config/types.js';
import type { ChildMessage } from '../../common/protocol.js';
import { bringUp, explain } from './bring-up.js';
import type { ManagedServer, SupervisorCore, SupervisorOptions } from './core.js';
import type { SummaryRow, SupervisorEvent } from './events.js';
import { execaSpawner, launchSpec } from './launch-spec.js';
import type { SupervisionPolicy } from './policies/policy.js';
import { restartOnExit } from './policies/restart-on-exit.js';
import { restartOnHang } from './policies/restart-on-hang.js';
import { ServerProcess } from './server-process.js';
import { stopEveryServer, stopProcess } from './shutdown.js';
import { raceToReady } from './start-race.js';
import { canMove, move, type ServerState } from './states.js';
import { foldStack, initialView, type StackView } from './view/stack-view.js';

export class Supervisor extends EventEmitter implements SupervisorCore {
  readonly servers: ManagedServer[];
  private readonly started = performance.now();
  private readonly abort = new AbortController();
  private stoppingAll?: Promise<void>;
  private interrupted?: string;
  private folded: StackView;
  /** The rules of supervision, in the order each hears of a server (see policies/policy.ts). */
  private readonly policies: SupervisionPolicy[];
  /** What ends each supervised server's watch, per policy. */
  private readonly watches = new Map<ManagedServer, (() => void)[]>();

  constructor(
    private config: Config,
    readonly opts: SupervisorOptions,
  ) {
    super();
    this.servers = config.servers.map((s) => ({ config: s, state: 'pending', restarts: 0 }));
    this.folded = initialView(config);
    this.policies = [restartOnExit(this), restartOnHang(this)];
  }

  get running(): Config {
    return this.config;
  }

  get view(): StackView {
    return this.folded;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopping(): boolean {
    return this.stoppingAll !== undefined;
  }

  get interruptedBy(): string | undefined {
    return this.interrupted;
  }

  now(): number {
    return performance.now() - this.started;
  }

  send(e: SupervisorEvent): void {
    this.folded = foldStack(this.folded, e);
    this.emit('event', e);
  }

  setState(s: ManagedServer, to: ServerState, detail?: string): void {
    s.state = move(s.config.name, s.state, to);
    this.send({ type: 'state', server: s.config.name, state: to, at: this.now(), detail });
  }

  spawn(s: ManagedServer): ServerProcess {
    const spec = launchSpec(s.config, this.config, { warmup: this.opts.warmup });
    const proc = new ServerProcess(s.config.name, spec, this.opts.spawner ?? execaSpawner);
    s.proc = proc;
    proc.on('message', (m: ChildMessage) => this.hear(s, m));
    proc.on('line', (line: string, stream: 'stdout' | 'stderr') =>
      this.send({ type: 'output', server: s.config.name, stream, line, at: this.now() }),
    );
    this.send({ type: 'spawned', server: s.config.name, pid: proc.pid, at: this.now() });
    return proc;
  }

  private hear(s: ManagedServer, m: ChildMessage) {
    const server = s.config.name;
    if (m.type === 'timing') this.send({ type: 'timing', server, event: m.event, at: this.now() });
    else if (m.type === 'child') this.send({ type: 'child', server, pid: m.pid, at: this.now() });
    else if (s.state === 'ready' && m.type === 'ready') this.send({ type: 'loaded', server, at: this.now() });
    // Serving already, then a required model failed for good: the server serves the others, reported as failed.
    else if (s.state === 'ready' && m.type === 'failed') this.setState(s, 'failed', m.error);
  }

  /**
   * Brings every server up. Resolves with the summary once all are ready; on the first failure stops all and throws
   * why.
   */
  up(): Promise<SummaryRow[]> {
    for (const p of this.policies) p.stackStarting?.();
    return raceToReady(this);
  }

  starting(s: ManagedServer, proc: ServerProcess): () => void {
    const over = this.policies.map((p) => p.starting?.(s, proc));
    return () => over.forEach((done) => done?.());
  }

  supervise(s: ManagedServer): void {
    // A server that got ready while the stack began to stop is not watched: nobody would end the watch.
    if (this.stopping) return;
    const proc = s.proc!;
    const ends = this.policies.map((p) => p.supervise?.(s, proc)).filter((end) => end !== undefined);
    this.watches.set(s, ends);
  }

  unwatch(s: ManagedServer): void {
    for (const end of this.watches.get(s) ?? []) end();
    this.watches.delete(s);
  }

  async startSupervised(s: ManagedServer): Promise<void> {
    const outcome = await bringUp(this, s, this.now() + this.opts.budgetMs);
    if (outcome.kind === 'ready') return this.supervise(s);
    const error = explain(this, s, outcome);
    if (canMove(s.state, 'failed')) this.setState(s, 'failed', error.message);
    await stopProcess(this, s);
    throw error;
  }

  adopt(next: Config): void {
    this.config = next;
  }

  /** Stops waiting (Ctrl-C during start-up): `up` then stops every server and throws InterruptedError. */
  interrupt(signal: string): void {
    this.interrupted ??= signal;
    this.abort.abort();
  }

  /** SIGTERM to every server, SIGKILL after the grace period; idempotent. */
  shutdown(): Promise<void> {
    // Every wait for ready ends, and every server moves to stopping, before this returns.
    this.stoppingAll ??= (async () => {
      this.abort.abort();
      await stopEveryServer(this);
    })();
    return this.stoppingAll;
  }
}
