// What changed between two versions of a server's section, as plain data: which keys need a new process, which only
// the supervisor reads, and which models to add, remove, load again (swap) or update in place. The supervisor plans a
// reload with it; each built-in server applies its own section with it.
import { Secret } from './secret.js';
import type { ModelConfig, ServerConfig } from './types.js';

/** Model keys whose change needs the model loaded again. */
const RELOAD_KEYS = ['file', 'type', 'language'] as const;
/** Model keys a server takes in place: status, load order, what a later load does. `source`, `sha256`: pull only. */
const UPDATE_KEYS = ['priority', 'required', 'warmup', 'verify'] as const;
/** Server keys only the supervisor reads: taken in place, the process runs on. */
const SUPERVISOR_KEYS = ['restart', 'dependsOn'] as const;
/** Server keys no process change depends on: the supervisor's own, the name, and `models` (diffed on their own). */
const IN_PLACE_KEYS = new Set<string>(['name', 'models', ...SUPERVISOR_KEYS]);
/** Server keys shown with their values in a reason (the others, such as env or command, may hold secrets). */
const SHOWN_KEYS = new Set([
  ...['host', 'port', 'kind', 'concurrency', 'retries', 'order', 'warmup', 'verify', 'mmap'],
  ...['gpu', 'threads', 'contextSize', 'parallel', 'bodyLimit', 'health'],
]);
/** The YAML names of resolved server keys, for messages. */
const YAML_KEY: Record<string, string> = {
  retryDelayMs: 'retryDelay',
  requestTimeoutMs: 'requestTimeout',
  stallTimeoutMs: 'stallTimeout',
  memoryLimitBytes: 'memoryLimit',
};

/** One model or server and why it changed, e.g. `chat: path models/a.gguf → models/b.gguf`. */
export interface Change {
  name: string;
  reasons: string[];
}

export interface ModelDiff {
  add: string[];
  remove: string[];
  /** Loaded again: the old copy serves until the new one is ready, when memory allows both. */
  swap: Change[];
  /** Taken in place, nothing loaded. */
  update: Change[];
}

export const emptyModelDiff = (): ModelDiff => ({ add: [], remove: [], swap: [], update: [] });

export const isEmptyModelDiff = (d: ModelDiff): boolean =>
  d.add.length + d.remove.length + d.swap.length + d.update.length === 0;

/** Deep equality of config values: key order does not matter, secrets compare by value. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Secret || b instanceof Secret) return a instanceof Secret && a.equals(b as Secret | undefined);
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

/** A model's settings as a server uses them: its priority defaults to its position. */
function effective(m: ModelConfig, index: number): Record<string, unknown> {
  return { ...m, priority: m.priority ?? index };
}

function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>, keys: readonly string[]) {
  return keys.filter((k) => !sameValue(before[k], after[k]));
}

/** Whether a model's copy loaded with `before` must be loaded again to be what `after` describes. */
export function needsReload(before: ModelConfig, after: ModelConfig): boolean {
  return changedKeys({ ...before }, { ...after }, RELOAD_KEYS).length > 0;
}

/** The models to add, remove, swap and update, in the order of the new list (removals in the old one's). */
export function diffModels(before: ModelConfig[], after: ModelConfig[]): ModelDiff {
  const diff = emptyModelDiff();
  const old = new Map(before.map((m, i) => [m.name, effective(m, i)]));
  const next = new Set(after.map((m) => m.name));
  for (const [i, m] of after.entries()) {
    const was = old.get(m.name);
    if (!was) {
      diff.add.push(m.name);
      continue;
    }
    const now = effective(m, i);
    const reload = changedKeys(was, now, RELOAD_KEYS);
    const reasonOf = (k: string) =>
      k === 'file' ? `path ${show(was.path)} → ${show(now.path)}` : `${k} ${show(was[k])} → ${show(now[k])}`;
    if (reload.length > 0) diff.swap.push({ name: m.name, reasons: reload.map(reasonOf) });
    else {
      const update = changedKeys(was, now, UPDATE_KEYS);
      if (update.length > 0) diff.update.push({ name: m.name, reasons: update.map(reasonOf) });
    }
  }
  diff.remove = before.map((m) => m.name).filter((name) => !next.has(name));
  return diff;
}

function reasonFor(key: string, before: unknown, after: unknown): string {
  const name = YAML_KEY[key] ?? key;
  if (SHOWN_KEYS.has(key)) return `${name} ${show(before)} → ${show(after)}`;
  return `${name} changed`;
}

/** The keys of a server's section, models aside, that differ and only a new process can take (port, env, threads…). */
export function processChanges(before: ServerConfig, after: ServerConfig): string[] {
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !IN_PLACE_KEYS.has(k));
  return keys.filter((k) => !sameValue(b[k], a[k])).map((k) => reasonFor(k, b[k], a[k]));
}

/** The keys only the supervisor reads (restart policy, dependsOn) that differ. */
export function inPlaceChanges(before: ServerConfig, after: ServerConfig): string[] {
  return SUPERVISOR_KEYS.filter((k) => !sameValue(before[k], after[k])).map((k) => `${k} changed`);
}

/** `add x; swap chat (path a → b); update y (priority 0 → 2); remove code`, or `no model changes`. */
export function describeDiff(diff: ModelDiff): string {
  const parts = [
    ...diff.add.map((n) => `add ${n}`),
    ...diff.swap.map((c) => `swap ${c.name} (${c.reasons.join(', ')})`),
    ...diff.update.map((c) => `update ${c.name} (${c.reasons.join(', ')})`),
    ...diff.remove.map((n) => `remove ${n}`),
  ];
  return parts.join('; ') || 'no model changes';
}
