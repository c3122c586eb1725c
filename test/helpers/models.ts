// Model records and a ModelHost for unit tests of the server core, without an engine.
import { join } from 'node:path';
import { ModelHost } from '../../servers/core/http/model-host.js';
import { ModelMemory, modelMemoryFile } from '../../servers/core/native/model-memory.js';
import { ModelRecord } from '../../servers/core/model-states.js';
import { NativeWork } from '../../servers/core/native/native-work.js';
import { tempDir } from './tmp.js';

/** A ready record for `/models/<name>.gguf`, its handle `handle` (a stand-in for an engine's). */
export function readyModel(name: string, handle = name): ModelRecord<string> {
  const m = new ModelRecord<string>(name, `/models/${name}.gguf`);
  m.moveTo('loading');
  m.moveTo('ready');
  m.handle = handle;
  return m;
}

export const readyModels = (...names: string[]) => new Map(names.map((n) => [n, readyModel(n)]));

/** A ModelHost over `models`, its crash journal and model memory in a folder of their own. */
export function hostOver(models: Map<string, ModelRecord<string>>, requestTimeoutMs = 60_000) {
  const dir = tempDir();
  const native = new NativeWork('llm', join(dir, 'state'));
  const memory = new ModelMemory(modelMemoryFile(join(dir, 'state'), 'llm'));
  return { host: new ModelHost(models, native, memory, requestTimeoutMs), native };
}
