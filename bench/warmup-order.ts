// Issue 6's benchmarks: (1) latency of the 1st, 2nd and 10th request to a model with and without warm-up at load;
// (2) total cold start with more models than the cap, loaded by priority (config order) vs longest-first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareVariants, configYaml, demoLlama, median, modelEntries, round, saveResult, startServer } from './lib.js';

const DIR = resolve('.modelctl/bench');

const model = (name: string, bytes: number) =>
  demoLlama(join(DIR, `${name}-${bytes}.gguf`), { name, bytes, seed: name });

/** Starts the server, waits for ready, times requests 1..10 to the model, stops it. */
async function requestLatencies(config: string): Promise<number[]> {
  const server = await startServer('llm', config);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const res = await fetch('http://127.0.0.1:18211/v1/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', prompt: 'Hello there', max_tokens: 4 }),
    });
    await res.text();
    times.push(performance.now() - t);
  }
  await server.stop();
  return times;
}

export async function benchWarmupOrder(opts: { reps: number; modelBytes: number }) {
  mkdirSync(DIR, { recursive: true });
  const file = await model('warm', opts.modelBytes);
  const latency: Record<string, number[][]> = { cold: [], warm: [] };
  for (let r = 0; r < opts.reps; r++) {
    for (const warm of [false, true]) {
      const config = join(DIR, `warmup-${warm}.yaml`);
      const llm = { kind: 'llm', port: 18211, warmup: warm, models: [{ name: 'm', path: file }] };
      writeFileSync(config, configYaml({ servers: { llm } }));
      latency[warm ? 'warm' : 'cold']!.push(await requestLatencies(config));
    }
  }
  const nth = (runs: number[][], i: number) => round(median(runs.map((t) => t[i]!)), 1);
  const requests = Object.fromEntries(
    Object.entries(latency).map(([k, runs]) => [k, { first: nth(runs, 0), second: nth(runs, 1), tenth: nth(runs, 9) }]),
  );

  // More models than the cap of 2, the big one last in the config.
  const small = await Promise.all(['o1', 'o2', 'o3'].map((n) => model(n, 200_000_000)));
  const big = await model('obig', 1_000_000_000);
  const orderConfig = (order: string) =>
    configYaml({
      servers: { llm: { kind: 'llm', port: 18212, concurrency: 2, order, models: modelEntries([...small, big], 'o') } },
    });
  const { medians, ratio, samples } = await compareVariants(
    'llm',
    DIR,
    [
      { name: 'priority', config: orderConfig('priority') },
      { name: 'longest-first', config: orderConfig('longest-first') },
    ],
    opts.reps,
  );

  const result = {
    bench: 'warmup-order',
    command: `npm run bench -- --only warmup-order --reps ${opts.reps}`,
    modelBytes: opts.modelBytes,
    requestLatencyMs: requests,
    firstRequestRatio: round(requests.cold!.first / requests.warm!.first, 2),
    order: {
      models: '3 × 200 MB + 1 × 1 GB (last in config), cap 2',
      medians,
      ratio: ratio('priority', 'longest-first'),
    },
    note: [
      'requestLatencyMs: medians of the 1st, 2nd and 10th request after ready;',
      'firstRequestRatio = without warm-up / with; order ratio = priority / longest-first',
    ].join(' '),
    samples: { latency, order: samples },
  };
  saveResult('warmup-order', result);
  return result;
}
