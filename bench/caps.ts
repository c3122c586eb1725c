// Issue 11's question about the caps: what loading several models at once buys on this machine, by model size
// (200 MB, 1 GB, 2 GB) and count (1, 3, 6), cap 1 vs 2 vs 3 under the lane rule (another engine instance only for a
// gigabyte or more waiting), the LLM server alone, interleaved, same run.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { compareVariants, configYaml, demoLlama, modelEntries, round, saveResult } from './lib.js';

const DIR = resolve('.modelctl/bench/caps');

async function modelFiles(bytes: number, count: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = join(DIR, `caps-${i}-${bytes}.gguf`);
    files.push(await demoLlama(f, { name: 'caps', bytes, seed: f }));
  }
  return files;
}

export async function benchCaps(opts: { reps: number; sizes: number[]; counts: number[]; caps: number[] }) {
  const rows = [];
  for (const bytes of opts.sizes) {
    for (const count of opts.counts) {
      const files = await modelFiles(bytes, count);
      const caps = count === 1 ? [1] : opts.caps;
      const variants = caps.map((cap) => ({
        name: `cap${cap}`,
        config: configYaml({
          servers: { llm: { kind: 'llm', port: 18261, concurrency: cap, models: modelEntries(files, 'm') } },
        }),
      }));
      const { medians } = await compareVariants('llm', DIR, variants, opts.reps);
      const base = medians.cap1!.coldStartMs;
      rows.push({
        modelBytes: bytes,
        models: count,
        coldStartMs: Object.fromEntries(caps.map((c) => [c, medians[`cap${c}`]!.coldStartMs])),
        speedupOverCap1: Object.fromEntries(caps.map((c) => [c, round(base / medians[`cap${c}`]!.coldStartMs, 2)])),
      });
    }
  }
  const result = {
    bench: 'caps',
    command: `npm run bench -- --only caps --reps ${opts.reps}`,
    /** The lanes follow the cores: the figures hold for this many. */
    cores: availableParallelism(),
    note: 'LLM server alone, spawn to ready; speedup = cap 1 / cap N (above 1: loading at once pays)',
    rows,
  };
  saveResult('caps', result);
  return result;
}
