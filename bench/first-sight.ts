// Issue 10's first-sight check: what `verify: first-load` costs on the first cold start of new files (one tiny
// inference per model inside its load) and on later ones (nothing: the check is skipped), against `verify: off`.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { modelMemoryFile } from '../servers/core/native/model-memory.js';
import { compareVariants, configYaml, demoLlama, modelEntries, saveResult } from './lib.js';

const DIR = resolve('.modelctl/bench');

export async function benchFirstSight(opts: { reps: number; sizeBytes: number }) {
  const files: string[] = [];
  for (const [i, n] of ['fs-a', 'fs-b', 'fs-c'].entries()) {
    const f = join(DIR, `${n}-${opts.sizeBytes}.gguf`);
    files.push(await demoLlama(f, { name: `m${i}`, bytes: opts.sizeBytes, seed: f }));
  }
  const config = (verify: string) =>
    configYaml({ servers: { llm: { kind: 'llm', port: 18191, verify, models: modelEntries(files, 'm') } } });
  const forget = async () => rmSync(modelMemoryFile(join(DIR, '.modelctl'), 'llm'), { force: true });
  const { medians, ratio, samples } = await compareVariants(
    'llm',
    DIR,
    [
      { name: 'off', config: config('off') },
      { name: 'first-load-new-files', config: config('first-load'), before: forget },
      { name: 'first-load-seen-files', config: config('first-load') },
    ],
    opts.reps,
  );
  const result = {
    bench: 'first-sight',
    command: `npm run bench -- --only first-sight --size ${opts.sizeBytes} --reps ${opts.reps}`,
    models: files.length,
    modelBytes: opts.sizeBytes,
    medians,
    ratios: { newFiles: ratio('first-load-new-files', 'off'), seenFiles: ratio('first-load-seen-files', 'off') },
    note: 'ratios are with the check / without (verify: off): above 1 is what the check costs',
    samples,
  };
  saveResult(`first-sight-${opts.sizeBytes}`, result);
  return result;
}
