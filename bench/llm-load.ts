// Issue 2's benchmark: three realistic GGUF models, loaded one at a time vs with the cap of 3, warm and cold page
// cache, same run.
import { join, resolve } from 'node:path';
import { compareVariants, configYaml, demoLlama, evictFromCache, modelEntries, saveResult } from './lib.js';

const DIR = resolve('.modelctl/bench');
const MODELS = ['bench-a', 'bench-b', 'bench-c'];

export async function benchLlmLoad(opts: { reps: number; sizeBytes: number }) {
  const files: string[] = [];
  for (const name of MODELS) {
    const file = join(DIR, `${name}-${opts.sizeBytes}.gguf`);
    files.push(await demoLlama(file, { name, bytes: opts.sizeBytes, seed: name }));
  }
  const config = (concurrency: number) =>
    configYaml({ servers: { llm: { kind: 'llm', port: 18181, concurrency, models: modelEntries(files, 'bench-') } } });
  const evict = () => evictFromCache(files);
  const { medians, samples, ratio } = await compareVariants(
    'llm',
    DIR,
    [
      { name: 'sequential-warm', config: config(1) },
      { name: 'parallel3-warm', config: config(3) },
      { name: 'sequential-cold', config: config(1), before: evict },
      { name: 'parallel3-cold', config: config(3), before: evict },
    ],
    opts.reps,
  );
  const result = {
    bench: 'llm-load',
    command: `npm run bench -- --only llm-load --size ${opts.sizeBytes} --reps ${opts.reps}`,
    models: MODELS.length,
    modelBytes: opts.sizeBytes,
    reps: opts.reps,
    medians,
    ratios: { warm: ratio('sequential-warm', 'parallel3-warm'), coldCache: ratio('sequential-cold', 'parallel3-cold') },
    note: [
      'ratios are sequential / parallel: above 1 means the cap of 3 is faster;',
      'coldStartMs is spawn to ready signal, loadsMs first load_start to last load_end',
    ].join(' '),
    samples,
  };
  saveResult(`llm-load-${opts.sizeBytes}`, result);
  return result;
}
