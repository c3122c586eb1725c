// Issue 10's corpus: mutants of the demo GGUF and whisper models, each run natively in a child process to see what
// the engine does with it (refuses, aborts the process while loading or on the first inference, or runs), then
// judged by the header checks as they were before issue 10 (recorded) and as they are now. The same corpus under
// `modelctl up`, next to a good model, is bench/crash-corpus-up.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLlmFile } from '../common/formats/gguf/check.js';
import { checkWhisperFile } from '../common/formats/whisper/read.js';
import { rejectionOf, runNative, type Engine, type NativeResult, type Outcome } from './mutants/classify.js';
import { writeGgufMutants, type Mutant } from './mutants/gguf-mutants.js';
import { writeWhisperMutants } from './mutants/whisper-mutants.js';
import { saveResult } from './lib.js';

type Check = (file: string) => Promise<unknown>;
const OUTCOMES: Outcome[] = ['rejected', 'load-abort', 'infer-abort', 'load-error', 'infer-error', 'loaded', 'timeout'];

/** Counts per outcome when `check` runs first: what it refuses never reaches the engine. */
function counts(native: NativeResult[], rejected: (string | undefined)[]) {
  const c = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  native.forEach((r, i) => (c[rejected[i] ? 'rejected' : r.outcome] += 1));
  return { total: native.length, ...c };
}

/** Which mutants the checks before issue 10 refused (commit 516adc0), recorded once as data. */
const REJECTED_BEFORE = JSON.parse(readFileSync('bench/mutants/rejected-before.json', 'utf8')) as Record<
  Engine,
  string[]
>;

/** Classifies one corpus natively, then under the checks before issue 10 (recorded) and the current ones. */
async function classifyCorpus(engine: Engine, mutants: Mutant[], after: Check) {
  const started = performance.now();
  const native = await runNative(engine, mutants);
  const nativeSeconds = Math.round((performance.now() - started) / 100) / 10;
  const was = mutants.map((m) => (REJECTED_BEFORE[engine].includes(m.id) ? 'refused before issue 10' : undefined));
  const now = await Promise.all(mutants.map((m) => rejectionOf(after, m.file)));
  const isAbort = (r: NativeResult) => r.outcome === 'load-abort' || r.outcome === 'infer-abort';
  const row = (i: number) => ({ id: mutants[i]!.id, description: mutants[i]!.description });
  return {
    total: mutants.length,
    nativeSeconds,
    native: counts(native, []),
    before: counts(native, was),
    after: counts(native, now),
    aborting: native.flatMap((r, i) =>
      isAbort(r)
        ? [
            {
              ...row(i),
              phase: r.outcome,
              ended: r.ended,
              assertion: r.assertion ?? null,
              rejectedNowBecause: now[i] ?? null,
            },
          ]
        : [],
    ),
    /** Files the engine runs that the new check refuses: each must be genuinely wrong. */
    runsButRejectedNow: native.flatMap((r, i) =>
      r.outcome === 'loaded' && now[i] && !was[i] ? [{ ...row(i), reason: now[i] }] : [],
    ),
    results: native.map((r, i) => ({ ...row(i), ...r, rejectedBefore: was[i] ?? null, rejectedNow: now[i] ?? null })),
  };
}

/** Where the npm test finds each mutant's measured native outcome (refreshed with `--write-outcomes`). */
const OUTCOMES_FILE = 'bench/mutants/native-outcomes.json';

function writeOutcomes(corpora: Record<Engine, { results: { id: string; outcome: NativeResult['outcome'] }[] }>) {
  const byId = (rs: { id: string; outcome: string }[]) => Object.fromEntries(rs.map((r) => [r.id, r.outcome]));
  const text = JSON.stringify(
    {
      measured: new Date().toISOString().slice(0, 10),
      by: 'npm run bench -- --only crash-corpus --write-outcomes',
      engines: 'node-llama-cpp 3.21.1, @fugood/whisper.node 1.1.1, CPU',
      gguf: byId(corpora.gguf.results),
      whisper: byId(corpora.whisper.results),
    },
    null,
    2,
  );
  writeFileSync(OUTCOMES_FILE, `${text}\n`);
}

export async function benchCrashCorpus(opts: { writeOutcomes?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'modelctl-crash-corpus-'));
  try {
    const gguf = writeGgufMutants(join(dir, 'gguf'));
    const whisper = await writeWhisperMutants(join(dir, 'whisper'));
    const result = {
      bench: 'crash-corpus',
      command: 'npm run bench -- --only crash-corpus',
      gguf: await classifyCorpus('gguf', gguf, checkLlmFile),
      whisper: await classifyCorpus('whisper', whisper, checkWhisperFile),
      note:
        'native: what the engine does with every mutant; before/after: the same with the header check in front ' +
        '(before = the checks of commit 516adc0, after = the current ones). *-abort kills the whole process.',
    };
    saveResult('crash-corpus', result);
    if (opts.writeOutcomes) writeOutcomes(result);
    return {
      ...result,
      gguf: { ...result.gguf, results: undefined },
      whisper: { ...result.whisper, results: undefined },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
