// Issue 2's benchmark: three realistic GGUF models, loaded one at a time vs with the cap of 3, warm and cold page cache, same run.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeDemoLlama } from '../src/models/demo-llama.js';
import { writeAtomically } from '../src/models/file-ops.js';
import { evictFromCache, median, round, saveResult, timeServerStart } from './lib.js';

const DIR = resolve('.modelctl/bench');
const MODELS = ['bench-a', 'bench-b', 'bench-c'];

export async function benchLlmLoad(opts: { reps: number; sizeBytes: number }) {
  const files = MODELS.map((m) => join(DIR, `${m}-${opts.sizeBytes}.gguf`));
  for (const [i, f] of files.entries()) if (!existsSync(f)) await writeAtomically(f, (tmp) => writeDemoLlama(tmp, { name: MODELS[i]!, bytes: opts.sizeBytes, seed: MODELS[i]! }));
  const config = (concurrency: number) => `
servers:
  llm:
    kind: llm
    port: 18181
    concurrency: ${concurrency}
    models:
${files.map((f, i) => `      - { name: ${MODELS[i]}, path: ${f} }`).join('\n')}
`;
  const variants = [
    { name: 'sequential-warm', concurrency: 1, cold: false },
    { name: 'parallel3-warm', concurrency: 3, cold: false },
    { name: 'sequential-cold', concurrency: 1, cold: true },
    { name: 'parallel3-cold', concurrency: 3, cold: true },
  ];
  const samples = Object.fromEntries(variants.map((v) => [v.name, { coldStartMs: [] as number[], loadsMs: [] as number[] }]));
  for (let rep = 0; rep < opts.reps; rep++) {
    // Interleave the variants so drift on a noisy machine hits them all alike.
    for (const v of variants) {
      if (v.cold) await evictFromCache(files);
      const run = await timeServerStart('llm', DIR, config(v.concurrency));
      samples[v.name]!.coldStartMs.push(run.coldStartMs);
      samples[v.name]!.loadsMs.push(run.loadsMs);
    }
  }
  const med = (name: string, key: 'coldStartMs' | 'loadsMs') => round(median(samples[name]![key]));
  const ratio = (a: string, b: string, key: 'coldStartMs' | 'loadsMs') => round(med(a, key) / med(b, key), 2);
  const result = {
    bench: 'llm-load',
    models: MODELS.length,
    modelBytes: opts.sizeBytes,
    reps: opts.reps,
    medians: Object.fromEntries(variants.map((v) => [v.name, { coldStartMs: med(v.name, 'coldStartMs'), loadsMs: med(v.name, 'loadsMs') }])),
    ratios: {
      warm: { loads: ratio('sequential-warm', 'parallel3-warm', 'loadsMs'), coldStart: ratio('sequential-warm', 'parallel3-warm', 'coldStartMs') },
      coldCache: { loads: ratio('sequential-cold', 'parallel3-cold', 'loadsMs'), coldStart: ratio('sequential-cold', 'parallel3-cold', 'coldStartMs') },
    },
    note: 'ratios are sequential / parallel: above 1 means the cap of 3 is faster',
    samples,
  };
  saveResult('llm-load', result);
  return result;
}
