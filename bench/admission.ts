// Issue 12's figures: memory estimates against what loading really took (RSS of the server process after the load
// less before it), for one model of 200 MB, 1 GB and 2 GB; and what admission costs when memory is plentiful (the
// time from an attempt's start to its admission: the estimate and the gate).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TimingEvent } from '../common/timing/events.js';
import { configYaml, demoLlama, median, round, saveResult, startServer } from './lib.js';

const DIR = resolve('.modelctl/bench/admission');
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/** One server with one model: RSS when the runtime is up and when the model is ready, and the admission events. */
async function measure(file: string) {
  const config = join(DIR, 'admission.yaml');
  writeFileSync(
    config,
    configYaml({ servers: { llm: { kind: 'llm', port: 18271, models: [{ name: 'm', path: file }] } } }),
  );
  const events: TimingEvent[] = [];
  let before = 0;
  let after = 0;
  const server = await startServer('llm', config, (m, pid) => {
    if (m.type === 'timing') {
      events.push(m.event);
      if (m.event.event === 'runtime_ready') before = rssOf(pid);
    }
    if (m.type === 'ready') after = rssOf(pid);
  });
  await server.stop();
  const at = (name: string) => Date.parse(events.find((e) => e.event === name)!.ts);
  const estimate = events.find((e) => e.event === 'admitted')!.needs!;
  return { estimate, measured: after - before, admissionMs: at('admitted') - at('load_start') };
}

export async function benchAdmission(opts: { reps: number; sizes: number[] }) {
  mkdirSync(DIR, { recursive: true });
  const rows = [];
  for (const bytes of opts.sizes) {
    const file = join(DIR, `adm-${bytes}.gguf`);
    await demoLlama(file, { name: 'adm', bytes, seed: file });
    const runs = [];
    for (let i = 0; i < opts.reps; i++) runs.push(await measure(file));
    const MiB = 2 ** 20;
    const estimate = median(runs.map((r) => r.estimate));
    const measured = median(runs.map((r) => r.measured));
    rows.push({
      modelBytes: bytes,
      estimateMiB: round(estimate / MiB),
      measuredMiB: round(measured / MiB),
      estimateOverMeasured: round(estimate / measured, 2),
      admissionMs: round(median(runs.map((r) => r.admissionMs)), 1),
    });
  }
  const result = {
    bench: 'admission',
    command: `npm run bench -- --only admission --reps ${opts.reps}`,
    note: [
      'measured = RSS at ready − RSS at runtime_ready (one model, mmap off, contextSize 1024 × parallel 2);',
      'admissionMs = load_start → admitted (estimate + gate, memory plentiful)',
    ].join(' '),
    rows,
  };
  saveResult('admission', result);
  return result;
}
