// `npm run bench`: every benchmark, each printing JSON with medians and side-by-side ratios. `--quick` for a smoke run.
import { parseArgs } from 'node:util';
import { parseSize } from '../src/config/units.js';
import { benchLlmLoad } from './llm-load.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, reps: { type: 'string' }, size: { type: 'string' }, only: { type: 'string' } } });
const reps = Number(values.reps ?? (values.quick ? 1 : 5));
const size = parseSize(values.size ?? (values.quick ? '20MB' : '200MB'))!;
const benches: Record<string, () => Promise<unknown>> = {
  'llm-load': () => benchLlmLoad({ reps, sizeBytes: size }),
};
for (const [name, run] of Object.entries(benches)) {
  if (values.only && values.only !== name) continue;
  const result = await run();
  console.log(JSON.stringify({ ...(result as object), samples: undefined }, null, 2));
}
