// What the config adds to a timeline: the order of the rows (servers and models as models.yaml lists them) and each
// model file's size, for a load's rate when the timing events do not carry bytes.
import { statSync } from 'node:fs';
import type { Config } from '../../../common/config/types.js';
import type { TimelineOptions } from './build.js';

export function timelineOptions(config: Config, budgetMs: number, note?: string): TimelineOptions {
  const files = new Map(config.servers.flatMap((s) => s.models.map((m) => [`${s.name}/${m.name}`, m.file])));
  return {
    budgetMs,
    servers: config.servers.map((s) => ({ name: s.name, models: s.models.map((m) => m.name) })),
    fileBytes: (server, model) => sizeOf(files.get(`${server}/${model}`)),
    note,
  };
}

function sizeOf(file: string | undefined): number | undefined {
  if (!file) return undefined;
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
