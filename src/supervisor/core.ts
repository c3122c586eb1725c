// The supervisor as its parts see it: the servers it holds, its clock, its events and its moves. The start race
// (start-race.ts, bring-up.ts), the policies (policies/), the stack changes a reload makes (stack-changes.ts) and the
// shutdown (shutdown.ts) each work through this interface; supervisor.ts implements it and runs them.
import type { Config, ServerConfig } from '../../common/config/types.js';
import type { SupervisorEvent } from './events.js';
import type { Probe } from './readiness.js';
import type { ServerProcess } from './server-process.js';
import type { Spawner } from './launch-spec.js';
import type { ServerState } from './states.js';
import type { StackView } from './view/stack-view.js';

/** How a stack is supervised: the budget, what counts as ready, and the edges unit tests swap. */
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
  spawner?: Spawner;
  probe?: Probe;
}

/** One server under supervision: its config as applied, its lifecycle state and its current process. */
export interface ManagedServer {
  config: ServerConfig;
  state: ServerState;
  proc?: ServerProcess;
  /** Every restart, after a crash, a hang or a start-up crash: the number each `restart` event carries. */
  restarts: number;
}

/** What the parts of the supervisor read and do. */
export interface SupervisorCore {
  readonly servers: ManagedServer[];
  readonly opts: SupervisorOptions;
  /** The config the stack runs now: the one it started with, or the last one a reload applied. */
  readonly running: Config;
  /** The stack as its events so far tell it. */
  readonly view: StackView;
  /** Aborted on Ctrl-C during start-up and when the stack stops: every wait for ready ends. */
  readonly signal: AbortSignal;
  /** True once the stack has begun to stop: nothing is started any more. */
  readonly stopping: boolean;
  /** The signal that interrupted the start-up, if one did. */
  readonly interruptedBy?: string;
  /** Milliseconds since the stack started. */
  now(): number;
  /** Tells every listener (reporters, the state file, a reload's caller), after folding it into the view. */
  send(e: SupervisorEvent): void;
  /** Moves a server's state (a move the table does not allow throws) and says so. */
  setState(s: ManagedServer, to: ServerState, detail?: string): void;
  /** Starts a new process for `s` and hears it. */
  spawn(s: ManagedServer): ServerProcess;
  /** Tells the policies a process of `s` is starting; the function returned is called when its wait is over. */
  starting(s: ManagedServer, proc: ServerProcess): () => void;
  /** Puts a ready server under the policies' watch. */
  supervise(s: ManagedServer): void;
  /** Ends the policies' watch of `s` (a restart by reload, a drop, the stack's stop). */
  unwatch(s: ManagedServer): void;
  /** Starts `s`, and supervises it once ready; else marks it failed, stops it and throws why. */
  startSupervised(s: ManagedServer): Promise<void>;
  /** Takes a config a reload applied: stack settings from now on. */
  adopt(next: Config): void;
  /** Stops every server; idempotent. */
  shutdown(): Promise<void>;
}
