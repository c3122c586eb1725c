import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  crashJournalFile,
  lastWordsOf,
  readCrashJournal,
  recordDeath,
  type CrashJournal,
} from '../../../../common/crash-journal.js';
import { writeJsonAtomically } from '../../../../common/json-file.js';
import { judgeCrash } from '../../../../servers/core/native/crash-verdict.js';
import { Gate } from '../../../../servers/core/native/gate.js';
import { ModelMemory, modelMemoryFile } from '../../../../servers/core/native/model-memory.js';
import { NativeWork } from '../../../../servers/core/native/native-work.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();
const deadPid = 2 ** 22 + 7;
const never = () => false;
const journal = (inflight: CrashJournal['inflight'], died?: CrashJournal['died']): CrashJournal => ({
  server: 'llm',
  pid: deadPid,
  inflight,
  died,
});
const load = (model: string, alone = false, attempt = 1) => ({ model, phase: 'load' as const, alone, attempt });
const memoryIn = (name: string) => new ModelMemory(modelMemoryFile(join(dir, name), 'llm'));
const sameFile = () => 'id-1';

describe('gate', () => {
  it('lets shared holders in together, an exclusive one only alone, and does not starve it', async () => {
    const gate = new Gate();
    const order: string[] = [];
    const r1 = await gate.acquire(false);
    const r2 = await gate.acquire(false);
    expect(gate.holders).toBe(2);
    const alone = gate.acquire(true).then((release) => (order.push('alone'), release));
    const later = gate.acquire(false).then((release) => (order.push('later shared'), release));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    r1();
    r2();
    (await alone)();
    (await later)();
    expect(order).toEqual(['alone', 'later shared']);
  });
});

describe('native work and its journal', () => {
  it('names the models in native code while they run, and only them', async () => {
    const stateDir = join(dir, 'journal');
    const work = new NativeWork('llm', stateDir);
    const seen: string[][] = [];
    const peek = () => seen.push(readCrashJournal(stateDir, 'llm')!.inflight.map((e) => `${e.model}:${e.phase}`));
    await Promise.all([
      work.run('chat', 'load', async () => {
        await new Promise((r) => setTimeout(r, 20));
        peek();
      }),
      work.run('code', 'request', async () => peek()),
    ]);
    peek();
    expect(seen[0]).toEqual(['chat:load', 'code:request']);
    expect(seen.at(-1)).toEqual([]);
    expect(readCrashJournal(stateDir, 'llm')!.pid).toBe(process.pid);
  });

  it('runs alone work with nothing else in native code', async () => {
    const work = new NativeWork('llm', join(dir, 'alone'));
    const log: string[] = [];
    const job = (name: string, alone: boolean) =>
      work.run(
        name,
        'load',
        async () => {
          log.push(`${name} in`);
          await new Promise((r) => setTimeout(r, 10));
          log.push(`${name} out`);
        },
        { alone },
      );
    await Promise.all([job('a', false), job('suspect', true), job('b', false)]);
    const i = log.indexOf('suspect in');
    expect(log[i + 1]).toBe('suspect out');
  });
});

describe('holding models to account for a crash', () => {
  it('gives every model in flight a crash, convicting none the first time', () => {
    const memory = memoryIn('first');
    const verdicts = judgeCrash(journal([load('chat'), load('code')]), memory, sameFile, never);
    expect(verdicts.map((v) => v.convicted)).toEqual([false, false]);
    expect(memory.get('chat', 'id-1')).toMatchObject({ crashes: 1, crashedWhile: 'loading', attemptsUsed: 1 });
  });

  it('quarantines a model that crashes again while alone, with the signal and the engine words', () => {
    const memory = memoryIn('second');
    judgeCrash(journal([load('chat'), load('code')]), memory, sameFile, never);
    const death = { signal: 'SIGABRT', code: null, lastWords: 'GGML_ASSERT(eps >= 0.0f) failed' };
    const [verdict] = judgeCrash(journal([load('chat', true, 2)], death), memory, sameFile, never);
    expect(verdict).toMatchObject({ model: 'chat', convicted: true });
    expect(memory.get('chat', 'id-1').quarantined).toBe(
      'chat: crashed the llm server while loading (SIGABRT: GGML_ASSERT(eps >= 0.0f) failed); quarantined',
    );
    expect(memory.get('code', 'id-1').quarantined).toBeUndefined();
  });

  it('does not convict a model alone on its first crash (it gets its retry)', () => {
    const memory = memoryIn('alone-first');
    const [verdict] = judgeCrash(journal([load('chat', true)]), memory, sameFile, never);
    expect(verdict!.convicted).toBe(false);
  });

  it('forgets a model whose file was replaced since, and ignores a journal whose process still runs', () => {
    const memory = memoryIn('replaced');
    const entry = { ...load('chat'), identity: 'old' };
    expect(judgeCrash(journal([entry]), memory, () => 'new', never)).toEqual([]);
    expect(judgeCrash(journal([load('chat')]), memory, sameFile, () => true)).toEqual([]);
    memory.update('chat', 'old', (m) => (m.quarantined = 'x'));
    expect(memory.get('chat', 'new').quarantined).toBeUndefined();
  });

  it('says when nobody saw how the process died (a server started alone)', () => {
    const memory = memoryIn('standalone');
    const [verdict] = judgeCrash(journal([load('chat')]), memory, sameFile, never);
    expect(verdict!.crash).toContain('(the process died; no supervisor saw how)');
  });

  it('keeps its memory across restarts of the server', () => {
    judgeCrash(journal([load('chat')]), memoryIn('persist'), sameFile, never);
    expect(memoryIn('persist').get('chat', 'id-1').crashes).toBe(1);
  });
});

describe('the supervisor side of the journal', () => {
  it('records how a process died only when it was that process that left models in flight', () => {
    const stateDir = join(dir, 'death');
    const work = new NativeWork('llm', stateDir);
    void work;
    expect(recordDeath(stateDir, 'llm', process.pid, { signal: 'SIGABRT', code: null })).toBeUndefined();
    expect(recordDeath(stateDir, 'llm', 12345, { signal: 'SIGABRT', code: null })).toBeUndefined();
    writeJsonAtomically(crashJournalFile(stateDir, 'llm'), journal([load('chat')]));
    const annotated = recordDeath(stateDir, 'llm', deadPid, { signal: 'SIGABRT', code: null, lastWords: 'boom' });
    expect(annotated?.died).toEqual({ signal: 'SIGABRT', code: null, lastWords: 'boom' });
    expect(readCrashJournal(stateDir, 'llm')?.died?.lastWords).toBe('boom');
  });

  it('quotes the assertion from a crashed engine, not the lines after it', () => {
    const lines = ['good ready', '/src/llama-model.cpp:1226: GGML_ASSERT(hparams.n_layer_all > 0) failed', ''];
    expect(lastWordsOf(lines)).toBe('GGML_ASSERT(hparams.n_layer_all > 0) failed');
  });
});
