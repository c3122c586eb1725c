// `npm run bench`: every benchmark, each printing JSON with medians and side-by-side ratios. `--quick` for a smoke run.
import { parseArgs } from 'node:util';
import { parseSize } from '../common/config/units.js';
import { benchAdmission } from './admission.js';
import { benchAsrOcrLoad } from './asr-ocr-load.js';
import { benchCaps } from './caps.js';
import { benchColdstartSettings } from './coldstart-settings.js';
import { benchCrashCorpusUp } from './crash-corpus-up.js';
import { benchCrashRecovery } from './crash-recovery.js';
import { benchCrashCorpus } from './crash-corpus.js';
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
    'write-outcomes': { type: 'boolean' },
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
  'crash-corpus-up': () => benchCrashCorpusUp({ limit: values.quick ? 10 : undefined }),
  caps: () =>
    benchCaps({
      reps: Math.min(reps, 2),
      sizes: values.quick ? [20e6] : [200e6, 1e9, 2e9],
      counts: values.quick ? [1, 3] : [1, 3, 6],
      caps: [1, 2, 3],
    }),
  admission: () => benchAdmission({ reps: Math.min(reps, 3), sizes: values.quick ? [20e6] : [200e6, 1e9, 2e9] }),
  'crash-recovery': () => benchCrashRecovery({ reps: Math.min(reps, 3) }),
  reload: () => benchReload({ reps: values.quick ? 1 : Math.max(3, Math.min(reps, 5)), sizeBytes: size('200MB') }),
  'coldstart-settings': () =>
    benchColdstartSettings({
      runs: Number(values.runs ?? (values.quick ? 1 : 3)),
      realisticBytes: size('200MB'),
      scaleBytes: size('200MB'),
    }),
  'crash-corpus': () => benchCrashCorpus({ writeOutcomes: values['write-outcomes'] }),
};
for (const [name, run] of Object.entries(benches)) {
  // `--only NAME` runs that benchmark, or every one whose name starts with NAME when none is called exactly that.
  const chosen =
    values.only === undefined || name === values.only || (!(values.only in benches) && name.startsWith(values.only));
  if (!chosen) continue;
  const result = await run();
  if (result) console.log(JSON.stringify({ ...(result as object), samples: undefined }, null, 2));
}
