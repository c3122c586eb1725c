// Model records and a ModelHost for unit tests of the server core, without an engine.
import { join } from 'node:path';
import type { ModelState } from '../../common/model-state.js';
import type { TimingEventInput } from '../../common/timing/events.js';
import { ModelHost } from '../../servers/core/http/model-host.js';
import { ModelRecord, type ModelEvent, type ModelStage } from '../../servers/core/model-states.js';
import { ModelMemory, modelMemoryFile } from '../../servers/core/native/model-memory.js';
import { NativeWork } from '../../servers/core/native/native-work.js';
import { tempDir } from './tmp.js';

/** The event a test move comes with: the one the server emits when it makes that move most often. */
export const EVENT_FOR: Record<ModelState, ModelEvent['event']> = {
  queued: 'released',
  loading: 'load_start',
  waiting: 'memory_wait',
  retrying: 'retry',
  ready: 'ready',
  unhealthy: 'unhealthy',
  swapping: 'swap_start',
  unloading: 'unload_start',
  unloaded: 'unload_end',
  failed: 'failed',
  quarantined: 'quarantined',
};

/** Moves `m` through `states` in turn, each with its usual event. */
export function walk<H>(m: ModelRecord<H>, ...states: ModelState[]): ModelRecord<H> {
  for (const state of states) m.moveTo(state, { event: EVENT_FOR[state] });
  return m;
}

/** A stage over a table of its own whose events land in `events`. */
export function stageWith<H>(events: TimingEventInput[] = []): ModelStage<H> & { events: TimingEventInput[] } {
  return { models: new Map(), emit: (e) => void events.push(e), events };
}

/** A ready record for `/models/<name>.gguf`, its handle `handle` (a stand-in for an engine's). */
export function readyModel(name: string, handle = name, stage?: ModelStage<string>): ModelRecord<string> {
  const m = new ModelRecord<string>(name, `/models/${name}.gguf`, 0, true, undefined, stage);
  stage?.models.set(name, m);
  walk(m, 'loading', 'ready');
  m.handle = handle;
  return m;
}

export const readyModels = (...names: string[]) => new Map(names.map((n) => [n, readyModel(n)]));

/** Ready records on one stage (its table holds them); `events` holds what they emit from then on. */
export function readyStage(...names: string[]) {
  const stage = stageWith<string>();
  for (const n of names) readyModel(n, n, stage);
  stage.events.length = 0;
  return stage;
}

/** A ModelHost over `models`, its crash journal and model memory in a folder of their own. */
export function hostOver(models: Map<string, ModelRecord<string>>, requestTimeoutMs = 60_000) {
  const dir = tempDir();
  const native = new NativeWork('llm', join(dir, 'state'));
  const memory = new ModelMemory(modelMemoryFile(join(dir, 'state'), 'llm'));
  return { host: new ModelHost(models, native, memory, requestTimeoutMs), native };
}
