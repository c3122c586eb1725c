// A running stack takes a new config: read and validate it (a bad one changes nothing), plan the difference, and apply
// it server by server, all at once: models swapped in place on our servers, a server whose process settings changed
// restarted alone, new servers started, gone ones stopped; nothing else is touched. One reload at a time.
import { isBuiltin, type Config, type ServerConfig } from '../../common/config/types.js';
import { loadConfig } from '../../common/config/load.js';
import { ConfigError, ExitCode, messageOf } from '../../common/errors.js';
import type { ManagedServer, SupervisorCore } from '../supervisor/core.js';
import type { ReloadPlan, ServerStep } from '../supervisor/events.js';
import { portIsFree } from '../supervisor/ports.js';
import { addServer, dropServer, reloadModels, restartWith } from '../supervisor/stack-changes.js';
import { planReload } from './reload-plan.js';

/** How a reload ended, as `modelctl reload` gets it. */
export interface ReloadResult {
  ok: boolean;
  exitCode: number;
  /** The version read (or, when it could not be read, the one that still runs). */
  version: string;
  error?: string;
  plan?: ReloadPlan;
}

/** States in which a server can take its part of a reload; the others are on their way somewhere already. */
const SETTLED = ['ready', 'failed'];

/** Applies reloads to one supervised stack, one at a time. */
export class StackReloader {
  private turn: Promise<unknown> = Promise.resolve();
  /**
   * Reloads are taken from when the stack is up until it starts to stop: before, the start-up is still deciding what
   * runs; after, nothing is to start again.
   */
  private accepting = false;

  constructor(
    private readonly sup: SupervisorCore,
    private readonly read: (file: string) => Config = (file) => loadConfig(file),
  ) {}

  /**
   * Reads the config file again and applies it (or only plans, with `dryRun`); reloads asked for meanwhile wait.
   * `onTurn` is called when this one's turn comes (a caller follows the events from then on).
   */
  reload(opts: { dryRun?: boolean; onTurn?: () => void } = {}): Promise<ReloadResult> {
    const run = () => {
      opts.onTurn?.();
      return this.run(Boolean(opts.dryRun));
    };
    const next = this.turn.then(run, run);
    this.turn = next.catch(() => {});
    return next;
  }

  /** The stack is up: reloads are taken from now on. */
  accept(): void {
    this.accepting = true;
  }

  /** The stack is stopping: a reload asked for from now on, or still waiting its turn, is refused. */
  refuse(): void {
    this.accepting = false;
  }

  private async run(dryRun: boolean): Promise<ReloadResult> {
    const { sup } = this;
    if (!this.accepting) {
      const error = 'the stack is still starting (or stopping); reload once it is ready';
      return { ok: false, exitCode: ExitCode.failure, version: sup.running.version, error };
    }
    const started = sup.now();
    let next: Config;
    try {
      next = this.read(sup.running.file);
    } catch (err) {
      const error = err instanceof ConfigError ? err.problems.join('\n') : messageOf(err);
      const version = sup.running.version;
      const refused = { ok: false, version, exitCode: ExitCode.usage, error };
      if (!dryRun) sup.send({ type: 'reloaded', at: sup.now(), ms: sup.now() - started, ...refused });
      return refused;
    }
    const state = (name: string) => sup.servers.find((s) => s.config.name === name)?.state;
    const plan = planReload(sup.running, next, (name) => state(name) === 'ready');
    sup.send({ type: 'reload-plan', at: sup.now(), plan, dryRun });
    if (dryRun) return { ok: true, exitCode: ExitCode.ok, version: next.version, plan };

    const failures = (await Promise.all(plan.servers.map((step) => this.apply(step, next)))).filter(
      (e): e is string => e !== undefined,
    );
    const ok = failures.length === 0;
    // What runs now: each server's section as applied (a failed step keeps the old one, to be planned again).
    sup.adopt({ ...next, version: ok ? next.version : sup.running.version, servers: sup.servers.map((s) => s.config) });
    const error = ok ? undefined : failures.join('; ');
    const exitCode = ok ? ExitCode.ok : ExitCode.failure;
    const ms = sup.now() - started;
    sup.send({ type: 'reloaded', at: sup.now(), ok, version: next.version, ms, exitCode, error });
    return { ok, exitCode, version: next.version, error, plan };
  }

  /** One server's part; returns why it failed, or undefined. */
  private async apply(step: ServerStep, next: Config): Promise<string | undefined> {
    const { sup } = this;
    const s = sup.servers.find((x) => x.config.name === step.server);
    const section = next.servers.find((x) => x.name === step.server);
    if (step.action === 'unchanged') {
      if (s && section) s.config = section;
      return undefined;
    }
    const started = sup.now();
    sup.send({ type: 'reload-step', server: step.server, action: step.action, phase: 'start', at: started });
    let error: string | undefined;
    try {
      await this.carryOut(step, s, section, next.version);
    } catch (err) {
      error = messageOf(err);
    }
    const ms = sup.now() - started;
    const done = { type: 'reload-step' as const, server: step.server, action: step.action, phase: 'done' as const };
    sup.send({ ...done, at: sup.now(), ok: error === undefined, ms, ...(error ? { error } : {}) });
    return error && `${step.server}: ${error}`;
  }

  private async carryOut(step: ServerStep, s?: ManagedServer, section?: ServerConfig, version = ''): Promise<void> {
    const { sup } = this;
    if (step.action === 'start') {
      await assertFree(section!);
      return addServer(sup, section!);
    }
    if (!s || !SETTLED.includes(s.state)) throw new Error(`it is ${s?.state ?? 'not running'}; not changed`);
    if (step.action === 'stop') return dropServer(sup, s);
    if (step.action === 'restart') {
      if (s.config.host !== section!.host || s.config.port !== section!.port) await assertFree(section!);
      const old = s.config;
      try {
        return await restartWith(sup, s, section!, `config changed: ${step.reasons.join(', ')}`);
      } catch (err) {
        // Not ready with its new settings: back to its old ones, so the step leaves it as it was.
        await restartWith(sup, s, old, `back to its old settings: ${messageOf(err)}`).catch(() => {});
        throw err;
      }
    }
    const hasModels = step.models.add.length + step.models.remove.length + step.models.swap.length > 0;
    if (!isBuiltin(section!) || (!hasModels && step.models.update.length === 0)) {
      s.config = section!;
      return;
    }
    const outcome = await reloadModels(sup, s, section!, version);
    if (!outcome.ok) throw new Error(outcome.error ?? 'the server did not apply its section');
  }
}

async function assertFree(s: ServerConfig): Promise<void> {
  if (!(await portIsFree(s.host, s.port))) throw new Error(`port ${s.port} on ${s.host} is already in use`);
}
