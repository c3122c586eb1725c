// One model's copy added, swapped, unloaded, removed or released from quarantine on a running server, through the
// server's one loader (its cap, retry, memory gate, timing events and crash journal). A swap keeps the old copy serving
// until the new one is ready when memory holds both; otherwise the old copy goes first and requests get 503 with
// Retry-After meanwhile.
import { needsReload } from '../../../common/config/diff.js';
import type { ModelConfig } from '../../../common/config/types.js';
import { messageOf } from '../../../common/errors.js';
import type { MemoryGate } from '../load/admission.js';
import type { Loader } from '../load/loader.js';
import type { ModelHost } from '../http/model-host.js';
import type { ModelMemory } from '../native/model-memory.js';
import { LOADING, ModelRecord, SERVING, type ModelStage, type ModelTable } from '../model-states.js';
import type { NativeWork } from '../native/native-work.js';
import type { Engine } from '../engine.js';
import type { Emit } from '../timing-emitter.js';

/** How long an unload waits for requests in flight before it cancels them. */
export const DRAIN_TIMEOUT_MS = 30_000;

export interface ModelControlDeps<H> {
  models: ModelTable<H>;
  host: ModelHost<H>;
  loader: Loader<H>;
  gate?: MemoryGate;
  engine: Pick<Engine<H>, 'estimate' | 'unload'>;
  native: NativeWork;
  memory: ModelMemory;
  emit: Emit;
  identityOf: (m: ModelRecord<H>) => string | undefined;
  /** The models whose loads run alone (the server loader's set): a model released from quarantine joins it. */
  alone: Set<string>;
  now?: () => number;
  /** How often a model still loading is looked at again before it is touched. */
  pollMs?: number;
}

/** What happened to one model: `ok` once the copy the config describes serves (or is gone, for a removal). */
export interface ModelStep {
  name: string;
  action: 'add' | 'remove' | 'swap' | 'update' | 'load' | 'unload' | 'none';
  ok: boolean;
  state: string;
  error?: string;
}

export class ModelControl<H> {
  private readonly now: () => number;
  /** Where the copies made here emit: the server's table and emitter. */
  private readonly stage: ModelStage<H>;

  constructor(private readonly d: ModelControlDeps<H>) {
    this.now = d.now ?? (() => performance.now());
    this.stage = { models: d.models, emit: d.emit };
  }

  /** A model new to the server: a record of its own, loaded like at start-up (a quarantined file stays out). */
  async add(settings: ModelConfig, index: number): Promise<ModelStep> {
    const fresh = ModelRecord.of<H>(settings, index, this.stage, 'reload');
    this.d.models.set(fresh.name, fresh);
    await this.loadFresh(fresh);
    return this.step(fresh, 'add');
  }

  /** Takes the model out of the config: drains and frees its copy, then forgets it (requests get 404). */
  async remove(name: string): Promise<ModelStep> {
    const m = this.d.models.get(name);
    if (!m) return { name, action: 'remove', ok: true, state: 'removed' };
    await this.settled(m);
    const error = await this.unload(m, 'removed');
    if (this.d.models.get(name) === m) this.d.models.delete(name);
    m.emit({ event: 'removed' });
    return { name, action: 'remove', ok: true, state: 'removed', ...(error ? { error } : {}) };
  }

  /** Settings that need no load (priority, required, warm-up switches): taken by the record in place. */
  update(settings: ModelConfig, index: number): ModelStep {
    const m = this.d.models.get(settings.name)!;
    m.settings = settings;
    m.priority = settings.priority ?? index;
    m.required = settings.required;
    return { name: m.name, action: 'update', ok: true, state: m.state };
  }

  /** Loads the model again with `settings`: side by side when both copies fit, else the old one first. */
  async swap(settings: ModelConfig, index: number): Promise<ModelStep> {
    const old = this.d.models.get(settings.name);
    if (!old) return this.add(settings, index);
    await this.settled(old);
    const fresh = ModelRecord.of<H>(settings, index, this.stage, 'reload');
    if (!SERVING.includes(old.state)) {
      // Nothing serves (failed, quarantined, unloaded): the new copy simply takes its place.
      this.d.models.set(fresh.name, fresh);
      if (old.state !== 'unloaded') old.moveTo('unloaded', { event: 'unload_end', detail: 'replaced', ms: 0 });
      await this.loadFresh(fresh);
      return this.step(fresh, 'swap');
    }
    const room = await this.roomForBoth(fresh);
    const started = this.now();
    const detail = room.fits ? 'side-by-side' : 'unload-first';
    const swapStart = { event: 'swap_start', detail, needs: room.needs, free: room.free } as const;
    if (room.fits) {
      // The new copy loads off the table: its events show the model swapping, as /health does.
      old.moveTo('swapping', swapStart);
      await this.loadFresh(fresh);
      if (fresh.state !== 'ready') {
        old.moveTo('ready', { event: 'swap_failed', error: fresh.error, file: fresh.file });
        return { ...this.step(fresh, 'swap'), state: 'ready', error: `kept the old copy: ${fresh.error}` };
      }
      this.d.models.set(fresh.name, fresh);
      fresh.emit({ event: 'swap_end', ms: this.now() - started });
      await this.unload(old, 'replaced');
      return this.step(fresh, 'swap');
    }
    // The new copy takes the old one's place at once (queued); the old one drains and goes off the table.
    this.d.models.set(fresh.name, fresh);
    fresh.emit(swapStart);
    await this.unload(old, 'replaced');
    await this.loadFresh(fresh);
    if (fresh.state === 'ready') fresh.emit({ event: 'swap_end', ms: this.now() - started });
    return this.step(fresh, 'swap');
  }

  /**
   * Drains and frees a copy: no new requests, those in flight finish (cancelled after `drainMs`), then the engine
   * frees it as native work. A copy that holds nothing (failed, quarantined) is unloaded at once. Returns the
   * error, if freeing failed or the engine never came back from a cancelled call (the copy is then left unfreed); the
   * copy is out of service either way.
   */
  async unload(m: ModelRecord<H>, why: 'replaced' | 'removed' | 'unloaded', drainMs = DRAIN_TIMEOUT_MS) {
    if (m.state === 'unloaded') return undefined;
    if (!SERVING.includes(m.state)) {
      m.moveTo('unloaded', { event: 'unload_end', detail: why, ms: 0 });
      return undefined;
    }
    const started = this.now();
    m.moveTo('unloading', { event: 'unload_start', detail: why, requests: this.d.host.inflight(m) });
    const { handle, cancelled, error: notFreed } = await this.d.host.retire(m, drainMs);
    let error = notFreed;
    if (handle !== undefined) {
      await this.d.native
        .run(m.name, 'unload', () => this.d.engine.unload(handle), { identity: m.identity })
        .catch((err: unknown) => (error = messageOf(err)));
    }
    m.moveTo('unloaded', { event: 'unload_end', detail: why, ms: this.now() - started, requests: cancelled, error });
    return error;
  }

  /** Lifts a quarantine: forgets the model's crashes and loads it again, alone. */
  release(m: ModelRecord<H>): void {
    this.d.memory.forget(m.name);
    m.error = undefined;
    m.moveTo('queued', { event: 'released' });
    this.d.alone.add(m.name);
    void this.d.loader.load([m]);
  }

  /** Resolves once the record's load (under way at start-up, or by an earlier request) has settled. */
  async settled(m: ModelRecord<H>): Promise<void> {
    while (LOADING.includes(m.state)) await new Promise((r) => setTimeout(r, this.d.pollMs ?? 50));
  }

  /**
   * Whether the copy that serves is what `settings` describe: nothing that needs a load changed (file, type, language)
   * and the file is still the one it was loaded from. Same file, so the record's own settings name it for its identity.
   */
  isCurrent(m: ModelRecord<H>, settings: ModelConfig): boolean {
    return SERVING.includes(m.state) && !needsReload(m.settings, settings) && this.d.identityOf(m) === m.identity;
  }

  private async loadFresh(fresh: ModelRecord<H>): Promise<void> {
    const memo = this.d.memory.get(fresh.name, this.d.identityOf(fresh));
    if (memo.quarantined) {
      fresh.attempts = memo.attemptsUsed ?? 1;
      fresh.error = memo.quarantined;
      fresh.moveTo('quarantined', { event: 'quarantined', attempt: fresh.attempts, error: fresh.error });
      return;
    }
    await this.d.loader.load([fresh]);
  }

  /** Whether a second copy fits beside what the process holds now. A file that cannot be sized will fail its load. */
  private async roomForBoth(fresh: ModelRecord<H>): Promise<{ fits: boolean; needs?: number; free?: number }> {
    const { gate, engine } = this.d;
    if (!gate || !engine.estimate) return { fits: true };
    try {
      const need = await engine.estimate(fresh);
      const free = gate.free();
      return { fits: need.bytes <= free, needs: need.bytes, free };
    } catch {
      return { fits: true };
    }
  }

  private step(m: ModelRecord<H>, action: ModelStep['action']): ModelStep {
    const ok = SERVING.includes(m.state);
    return { name: m.name, action, ok, state: m.state, ...(m.error && !ok ? { error: m.error } : {}) };
  }
}
