// How a running server learns new model settings: it reads the config file it was started with again (never a path
// from a request), takes its own section, and applies the difference to its models: add, remove, swap, update. Process
// settings (port, threads, env…) cannot change in a running process: such a section is refused, for the supervisor to
// restart the server. One change at a time: requests for another wait their turn.
import { describeDiff, diffModels, processChanges } from '../../../common/config/diff.js';
import { loadConfig } from '../../../common/config/load.js';
import { isBuiltin, type BuiltinServerConfig, type ModelConfig } from '../../../common/config/types.js';
import { messageOf } from '../../../common/errors.js';
import type { ReloadOutcome } from '../../../common/protocol.js';
import { HttpError, modelNotFound } from '../http/http-error.js';
import { DRAIN_TIMEOUT_MS, type ModelControl, type ModelStep } from './model-control.js';
import { LOADING, SERVING, type ModelTable } from '../model-states.js';
import type { Emit } from '../timing-emitter.js';

export interface ApplierDeps<H> {
  /** The section this process was started with: its process settings are fixed for its life. */
  server: BuiltinServerConfig;
  configFile: string;
  models: ModelTable<H>;
  control: ModelControl<H>;
  emit: Emit;
  /** Reads the config file (swappable in tests). */
  read?: (file: string) => ReturnType<typeof loadConfig>;
}

export class ConfigApplier<H> {
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly d: ApplierDeps<H>) {}

  /** Runs `work` after every change asked for before it. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work, work);
    this.turn = next.catch(() => {});
    return next;
  }

  /**
   * This server's section of the config file as it is now: 422 when the file is bad or lacks the section, 409 when
   * the version differs from `expected` (the file changed again since it was planned).
   */
  private section(expected?: string): { version: string; section: BuiltinServerConfig } {
    let config;
    try {
      config = (this.d.read ?? loadConfig)(this.d.configFile);
    } catch (err) {
      throw new HttpError(422, `the config is not valid; nothing changed: ${messageOf(err)}`, 'config_error');
    }
    if (expected !== undefined && config.version !== expected) {
      const msg = `${config.file} changed again (version ${config.version}, planned with ${expected}); reload again`;
      throw new HttpError(409, msg, 'config_changed');
    }
    const section = config.servers.find((s) => s.name === this.d.server.name);
    if (!section || !isBuiltin(section) || section.kind !== this.d.server.kind) {
      const msg = `${config.file} no longer has a ${this.d.server.kind} server named "${this.d.server.name}"`;
      throw new HttpError(409, msg, 'config_changed');
    }
    return { version: config.version, section };
  }

  /** Applies the file's section: refused (409) when process settings changed, which only a restart applies. */
  reload(expected?: string): Promise<ReloadOutcome> {
    return this.inTurn(async () => {
      const started = performance.now();
      const { version, section } = this.section(expected);
      const changed = processChanges(this.d.server, section);
      if (changed.length > 0) {
        throw new HttpError(409, `process settings changed (${changed.join(', ')}): restart this server`, 'restart');
      }
      const current = [...this.d.models.values()].map((m) => ({ ...m.settings, priority: m.priority }));
      const diff = diffModels(current, section.models);
      const detail = describeDiff(diff);
      this.d.emit({ event: 'reload_start', version, detail, ms: started });
      const { control } = this.d;
      const at = (name: string) => section.models.findIndex((m) => m.name === name);
      const settingsOf = (name: string) => section.models[at(name)]!;
      const steps = await Promise.all<ModelStep>([
        ...diff.remove.map((name) => control.remove(name)),
        ...diff.update.map((c) => Promise.resolve(control.update(settingsOf(c.name), at(c.name)))),
        ...diff.swap.map((c) => control.swap(settingsOf(c.name), at(c.name))),
        ...diff.add.map((name) => control.add(settingsOf(name), at(name))),
      ]);
      this.order(section.models);
      const failed = steps.filter((s) => !s.ok);
      const error = failed.map((s) => `${s.name}: ${s.error ?? s.state}`).join('; ') || undefined;
      const ms = performance.now() - started;
      this.d.emit({ event: 'reload_end', version, ms, error });
      const models = steps.map(({ name, action, ok, error }) => ({ name, action, ok, ...(error ? { error } : {}) }));
      const outcome: ReloadOutcome = { ok: failed.length === 0, version, models, ms, ...(error ? { error } : {}) };
      return outcome;
    });
  }

  /**
   * Loads a model of the file's section by name: a new one, one unloaded or failed, or one whose settings or file
   * changed (swapped); a copy that is current is left alone.
   */
  load(name: string): Promise<ModelStep> {
    return this.inTurn(async () => {
      const { section } = this.section();
      const index = section.models.findIndex((m) => m.name === name);
      if (index < 0) throw new HttpError(404, `model "${name}" is not in the ${section.name} section of the config`);
      const settings: ModelConfig = section.models[index]!;
      const m = this.d.models.get(name);
      if (!m) return this.d.control.add(settings, index).finally(() => this.order(section.models));
      if (LOADING.includes(m.state)) throw new HttpError(409, `model "${name}" is ${m.state}; wait until it settles`);
      if (this.d.control.isCurrent(m, settings)) return { name, action: 'none', ok: true, state: m.state };
      const served = SERVING.includes(m.state);
      const step = await this.d.control.swap(settings, index);
      return served ? step : { ...step, action: 'load' };
    });
  }

  /** Drains and frees a model; it stays in the table as `unloaded` until loaded again. */
  unload(name: string, drainMs = DRAIN_TIMEOUT_MS): Promise<ModelStep> {
    return this.inTurn(async () => {
      const m = this.d.models.get(name);
      if (!m) throw modelNotFound(name, this.d.models);
      if (LOADING.includes(m.state)) throw new HttpError(409, `model "${name}" is ${m.state}; wait until it settles`);
      const error = await this.d.control.unload(m, 'unloaded', drainMs);
      return { name, action: 'unload', ok: error === undefined, state: m.state, ...(error ? { error } : {}) };
    });
  }

  /** Puts the table in the config's order (what /health lists), without a moment in which a model is missing. */
  private order(models: ModelConfig[]): void {
    const rank = (name: string) => {
      const i = models.findIndex((m) => m.name === name);
      return i < 0 ? models.length : i;
    };
    const entries = [...this.d.models.entries()].sort(([a], [b]) => rank(a) - rank(b));
    this.d.models.clear();
    for (const [k, v] of entries) this.d.models.set(k, v);
  }
}
