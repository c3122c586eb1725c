// Issue 10's last figure: how long a crash costs. At start-up: the cold start of a good model next to one that aborts
// llama.cpp while loading (two crash restarts, then quarantine) against the good model alone, same run. After ready:
// from the request that kills the server to the server ready again (restart backoff 1 s, the default, included).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../common/config/load.js';
import type { SupervisorEvent } from '../src/supervisor/events.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { writeGoodGguf, writeInferenceAbortingGguf, writeLoadAbortingGguf } from './mutants/aborting-models.js';
import { configYaml, median, round, saveResult, waitFor } from './lib.js';

let port = 18281;

function stack(dir: string, name: string, models: { name: string; path: string; required?: boolean }[]) {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'models.yaml'), configYaml({ servers: { llm: { kind: 'llm', port: ++port, models } } }));
  return { config: loadConfig(join(home, 'models.yaml')), url: `http://127.0.0.1:${port}` };
}

async function coldStart(dir: string, name: string, models: Parameters<typeof stack>[2]) {
  const { config } = stack(dir, name, models);
  const sup = new Supervisor(config, { budgetMs: 60_000, graceMs: 2000 });
  const t = performance.now();
  await sup.up();
  const ms = performance.now() - t;
  await sup.shutdown();
  return ms;
}

async function requestCrash(dir: string, name: string, models: Parameters<typeof stack>[2]) {
  const { config, url } = stack(dir, name, models);
  const sup = new Supervisor(config, { budgetMs: 60_000, graceMs: 2000, watch: true });
  const events: (SupervisorEvent & { wall: number })[] = [];
  sup.on('event', (e: SupervisorEvent) => events.push({ ...e, wall: performance.now() }));
  await sup.up();
  const t = performance.now();
  const body = JSON.stringify({ model: 'bad', prompt: 'hello', max_tokens: 2 });
  await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(
    () => undefined,
  );
  try {
    const ready = await waitFor('the server ready again after the crash', () =>
      events.find((e) => e.type === 'state' && e.state === 'ready' && e.wall > t),
    );
    return ready.wall - t;
  } finally {
    await sup.shutdown();
  }
}

export async function benchCrashRecovery(opts: { reps: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'modelctl-crash-recovery-'));
  try {
    const [good, loadBad, inferBad] = ['good.gguf', 'load-bad.gguf', 'infer-bad.gguf'].map((f) => join(dir, f));
    writeGoodGguf(good!);
    writeLoadAbortingGguf(loadBad!);
    writeInferenceAbortingGguf(inferBad!);
    const alone: number[] = [];
    const withCrash: number[] = [];
    const withOptionalCrash: number[] = [];
    const back: number[] = [];
    for (let i = 0; i < opts.reps; i++) {
      alone.push(await coldStart(dir, `alone-${i}`, [{ name: 'good', path: good! }]));
      const both = (required: boolean) => [
        { name: 'good', path: good! },
        { name: 'bad', path: loadBad!, required },
      ];
      // Required: ready (degraded) only once the suspect is judged; optional: ready with the good model, the crashes
      // come after.
      withCrash.push(await coldStart(dir, `crash-${i}`, both(true)));
      withOptionalCrash.push(await coldStart(dir, `optional-crash-${i}`, both(false)));
      back.push(
        await requestCrash(dir, `request-${i}`, [
          { name: 'good', path: good! },
          { name: 'bad', path: inferBad! },
        ]),
      );
    }
    const result = {
      bench: 'crash-recovery',
      command: `npm run bench -- --only crash-recovery --reps ${opts.reps}`,
      coldStartMs: {
        goodAlone: round(median(alone)),
        withLoadAbortingModel: round(median(withCrash)),
        withOptionalLoadAbortingModel: round(median(withOptionalCrash)),
      },
      crashAtStartupCostsMs: round(median(withCrash) - median(alone)),
      optionalCrashAtStartupCostsMs: round(median(withOptionalCrash) - median(alone)),
      requestCrashToReadyMs: round(median(back)),
      note:
        'start-up: two crash restarts (the suspect retried alone, then quarantined); ' +
        'after ready: backoff 1 s included',
    };
    saveResult('crash-recovery', result);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
