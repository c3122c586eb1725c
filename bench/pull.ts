// Issue 13's benchmark: `pull` of three files from a local hub, one download at a time vs three at once, in the same
// run (interleaved), over bare loopback and over a CDN-like cap per connection.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../common/config/load.js';
import { pullOrThrow } from '../src/models/pull.js';
import { configYaml, median, round, saveResult } from './lib.js';
import { startPullServer } from './pull-server.js';

const FILES = 3;

/** Pulls the three files into a fresh folder; returns the wall time in ms. */
async function pullOnce(endpoint: string, concurrency: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'modelctl-bench-pull-'));
  try {
    const models = Array.from({ length: FILES }, (_, i) => ({
      name: `f${i}`,
      path: `models/f${i}.gguf`,
      source: `hf:bench/models/f${i}.gguf`,
    }));
    const file = join(dir, 'models.yaml');
    writeFileSync(file, configYaml({ servers: { llm: { kind: 'llm', port: 9, models } } }));
    const started = performance.now();
    await pullOrThrow(loadConfig(file), { hub: { endpoint }, concurrency });
    return performance.now() - started;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs both scenarios, 1 vs 3 downloads at once, `reps` times each, interleaved. */
export async function benchPull(opts: { reps: number; sizeBytes: number; capBytesPerSecond: number }) {
  const server = await startPullServer(FILES, opts.sizeBytes);
  const totalMB = (FILES * opts.sizeBytes) / 1e6;
  const scenarios = { loopback: 0, cdnCap: opts.capBytesPerSecond };
  const samples: Record<string, Record<string, number[]>> = {};
  try {
    for (let rep = 0; rep < opts.reps; rep++) {
      for (const [scenario, cap] of Object.entries(scenarios)) {
        server.pace(cap);
        for (const concurrency of [1, 3]) {
          const ms = await pullOnce(server.endpoint, concurrency);
          ((samples[scenario] ??= {})[`parallel${concurrency}`] ??= []).push(round(ms));
        }
      }
    }
  } finally {
    await server.close();
  }
  const figures = Object.fromEntries(
    Object.entries(samples).map(([scenario, v]) => {
      const mbps = (k: string) => round(totalMB / (median(v[k]!) / 1000), 1);
      return [
        scenario,
        {
          medianMs: { parallel1: median(v.parallel1!), parallel3: median(v.parallel3!) },
          throughputMBps: { parallel1: mbps('parallel1'), parallel3: mbps('parallel3') },
          ratio3over1: round(mbps('parallel3') / mbps('parallel1'), 2),
        },
      ];
    }),
  );
  const result = {
    bench: 'pull',
    command: `npm run bench -- --only pull --reps ${opts.reps} --size ${opts.sizeBytes / 1e6}MB`,
    setup: {
      files: FILES,
      fileBytes: opts.sizeBytes,
      cdnCapMBpsPerConnection: opts.capBytesPerSecond / 1e6,
      path: 'hub HEAD → 302 → storage GET, sha256 from X-Linked-Etag verified while streaming, written to tmpdir',
    },
    ...figures,
    samples,
  };
  saveResult('pull', result);
  return result;
}
