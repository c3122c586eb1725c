// `npm run bench`: every benchmark, each printing JSON with medians and side-by-side ratios. `--quick` for a smoke run.
import { parseArgs } from 'node:util';
import { parseSize } from '../common/config/units.js';
import { benchAsrOcrLoad } from './asr-ocr-load.js';
import { benchColdstartSettings } from './coldstart-settings.js';
import { benchFirstSight } from './first-sight.js';
import { benchFloor } from './floor.js';
import { benchLiveness } from './liveness.js';
import { benchLlmLoad } from './llm-load.js';
import { benchPull } from './pull.js';
import { benchReadiness } from './readiness.js';
import { benchReload } from './reload.js';
import { benchWarmupOrder } from './warmup-order.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    reps: { type: 'string' },
    size: { type: 'string' },
    only: { type: 'string' },
    runs: { type: 'string' },
    'drop-caches': { type: 'boolean' },
  },
});
const reps = Number(values.reps ?? (values.quick ? 1 : 5));
const size = (fallback: string) => parseSize(values.size ?? (values.quick ? '20MB' : fallback))!;
const benches: Record<string, () => Promise<unknown>> = {
  'llm-load': () => benchLlmLoad({ reps, sizeBytes: size('200MB') }),
  'llm-load-1GB': () =>
    values.quick ? Promise.resolve(undefined) : benchLlmLoad({ reps: Math.min(reps, 3), sizeBytes: parseSize('1GB')! }),
  'asr-ocr-load': () => benchAsrOcrLoad({ reps, whisperBytes: values.quick ? 0 : 75_000_000 }),
  readiness: () => benchReadiness({ reps }),
  'warmup-order': () => benchWarmupOrder({ reps: values.quick ? 1 : 5, modelBytes: size('200MB') }),
  liveness: () =>
    benchLiveness({ runs: Number(values.runs ?? (values.quick ? 1 : 10)), requests: values.quick ? 20 : 200, reps }),
  floor: () =>
    benchFloor({
      runs: Number(values.runs ?? (values.quick ? 1 : 5)),
      sizeBytes: size('200MB'),
      dropCaches: Boolean(values['drop-caches']),
    }),
  'first-sight': () => benchFirstSight({ reps, sizeBytes: size('200MB') }),
  pull: () => benchPull({ reps, sizeBytes: size('200MB'), capBytesPerSecond: 40_000_000 }),
  reload: () => benchReload({ reps: values.quick ? 1 : Math.max(3, Math.min(reps, 5)), sizeBytes: size('200MB') }),
  'coldstart-settings': () =>
    benchColdstartSettings({ runs: values.quick ? 1 : 3, realisticBytes: size('200MB'), scaleBytes: size('200MB') }),
};
for (const [name, run] of Object.entries(benches)) {
  if (values.only && !name.startsWith(values.only)) continue;
  const result = await run();
  if (result) console.log(JSON.stringify({ ...(result as object), samples: undefined }, null, 2));
}
