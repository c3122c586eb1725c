// Issue 10's corpus under `modelctl up`: every GGUF mutant is loaded next to a good model by the real supervisor and
// server, then asked one request (what a user would do), retried while the server restarts. At the end the good model
// must answer; what happened to the mutant is counted (refused by the header check, quarantined while loading or on a
// request, failed to load otherwise, loaded and answered).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../common/config/load.js';
import { checkLlmFile } from '../common/formats/gguf/check.js';
import type { HealthBody } from '../common/protocol.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { writeGoodGguf } from './mutants/aborting-models.js';
import { writeGgufMutants, type Mutant } from './mutants/gguf-mutants.js';
import { configYaml, saveResult } from './lib.js';

type Fate =
  | 'rejected'
  | 'quarantined-loading'
  | 'quarantined-serving'
  | 'failed'
  | 'answered'
  | 'answered-with-error'
  | 'good-unavailable';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

async function ask(url: string, model: string): Promise<number | undefined> {
  const body = JSON.stringify({ model, prompt: 'hello', max_tokens: 2 });
  const res = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body,
    signal: AbortSignal.timeout(20_000),
  }).catch(() => undefined);
  await res?.arrayBuffer().catch(() => undefined);
  return res?.status;
}

const health = (url: string) =>
  fetch(`${url}/health`, { headers: { connection: 'close' } }).then(
    (r) => r.json() as Promise<HealthBody>,
    () => undefined,
  );

const SETTLED = new Set(['ready', 'failed', 'quarantined']);

/** Health once every model has settled (ready, failed or quarantined); undefined if the server does not get there. */
async function untilSettled(url: string): Promise<HealthBody | undefined> {
  for (let i = 0; i < 600; i++) {
    const h = await health(url);
    if (h && h.models.every((m) => SETTLED.has(m.state))) return h;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

/** One mutant next to a good model: up, one request to the mutant (again after each crash), then the good one. */
async function judge(dir: string, good: string, mutant: Mutant): Promise<{ fate: Fate; restarts: number }> {
  const home = join(dir, mutant.id.replace(/[^\w.-]/g, '_'));
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  const models = [
    { name: 'good', path: good },
    { name: 'mutant', path: mutant.file, required: false },
  ];
  const llm = { kind: 'llm', port, restart: { policy: 'on-failure', max: 5, backoff: '100ms' }, models };
  writeFileSync(join(home, 'models.yaml'), configYaml({ grace: '2s', servers: { llm } }));
  const sup = new Supervisor(loadConfig(join(home, 'models.yaml')), { budgetMs: 60_000, graceMs: 2000, watch: true });
  const url = `http://127.0.0.1:${port}`;
  const mutantState = (h: HealthBody | undefined) => h?.models.find((m) => m.name === 'mutant');
  try {
    await sup.up();
    let h = await untilSettled(url);
    const loaded = mutantState(h)?.state === 'ready';
    let answer: number | undefined;
    for (let i = 0; i < 3 && mutantState(h)?.state === 'ready'; i++) {
      answer = await ask(url, 'mutant');
      if (answer !== undefined) break;
      h = await untilSettled(url); // the server died under the request: wait for its restart
    }
    h = await untilSettled(url);
    const restarts = sup.servers[0]!.restarts;
    if ((await ask(url, 'good')) !== 200) return { fate: 'good-unavailable', restarts };
    const m = mutantState(h);
    if (m?.state === 'quarantined') return { fate: loaded ? 'quarantined-serving' : 'quarantined-loading', restarts };
    if (m?.state === 'failed') return { fate: (await refusedByCheck(mutant)) ? 'rejected' : 'failed', restarts };
    return { fate: answer === 200 ? 'answered' : 'answered-with-error', restarts };
  } catch {
    return { fate: 'good-unavailable', restarts: sup.servers[0]?.restarts ?? 0 };
  } finally {
    await sup.shutdown();
  }
}

const refusedByCheck = (m: Mutant) =>
  checkLlmFile(m.file).then(
    () => false,
    () => true,
  );

export async function benchCrashCorpusUp(opts: { limit?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'modelctl-corpus-up-'));
  try {
    const good = join(dir, 'good.gguf');
    writeGoodGguf(good);
    const mutants = writeGgufMutants(join(dir, 'mutants')).slice(0, opts.limit);
    const fates: Record<string, number> = {};
    const notable: { id: string; fate: Fate; restarts: number }[] = [];
    const started = performance.now();
    for (const mutant of mutants) {
      const { fate, restarts } = await judge(dir, good, mutant);
      fates[fate] = (fates[fate] ?? 0) + 1;
      if (fate.startsWith('quarantined') || fate === 'good-unavailable')
        notable.push({ id: mutant.id, fate, restarts });
    }
    const result = {
      bench: 'crash-corpus-up',
      command: 'npm run bench -- --only crash-corpus-up',
      mutants: mutants.length,
      minutes: Math.round((performance.now() - started) / 6000) / 10,
      fates,
      goodModelUnavailable: fates['good-unavailable'] ?? 0,
      notable,
      note:
        'each mutant (required: false) next to a good model under the real supervisor; one request to the mutant, ' +
        'again after each crash; rejected = failed its two attempts on the header check',
    };
    saveResult('crash-corpus-up', result);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
