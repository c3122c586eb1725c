// The crash corpus in `npm test`, without native loads: every mutant goes through the header checks in-process, and
// what the engines did with it (measured by `npm run bench -- --only crash-corpus --write-outcomes`) says what the
// check must do: refuse every mutant that aborted the process, accept every one that ran.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLlmFile } from '../../../common/formats/gguf/check.js';
import { checkWhisperFile } from '../../../common/formats/whisper/read.js';
import { JOURNAL_ONLY } from '../../../bench/mutants/aborting-models.js';
import { rejectionOf, type NativeOutcome } from '../../../bench/mutants/classify.js';
import { ggufMutantList } from '../../../bench/mutants/gguf-mutants.js';
import { whisperMutantList } from '../../../bench/mutants/whisper-mutants.js';
import { tempDir } from '../../helpers/tmp.js';

const measured = JSON.parse(readFileSync('bench/mutants/native-outcomes.json', 'utf8')) as Record<
  'gguf' | 'whisper',
  Record<string, NativeOutcome>
>;
/** Files the engine runs that the check refuses all the same, because the file contradicts itself. */
const RUN_BUT_WRONG = new Set([
  'meta:llama.attention.head_count=[2,0,2]', // a block with attention weights and no heads (llama.cpp reads block 0's)
  'meta:llama.feed_forward_length=[128,0,128]', // likewise for the feed-forward width
  'meta:llama.attention.layer_norm_rms_epsilon=Infinity', // every normalized activation becomes 0
  'tensor:encoder.blocks.0.attn.query.weight type=BF16', // whisper.cpp reads the BF16 bytes as F16
]);
const journalOnly = new Set<string>(Object.values(JOURNAL_ONLY));
const dir = tempDir();

async function verdicts(
  list: { id: string; bytes: () => Buffer }[],
  check: (file: string) => Promise<unknown>,
  pick: (id: string) => boolean = () => true,
) {
  const out = new Map<string, string | undefined>();
  for (const [i, m] of list.filter((x) => pick(x.id)).entries()) {
    // A new file each time: overwriting one in place makes ext4 flush it (auto_da_alloc), 10× slower.
    const file = join(dir, `mutant-${i}`);
    writeFileSync(file, m.bytes());
    out.set(m.id, await rejectionOf(check, file));
    rmSync(file);
  }
  return out;
}

const isAbort = (o: NativeOutcome | undefined) => o === 'load-abort' || o === 'infer-abort';

describe('the crash corpus through the header checks', () => {
  it('GGUF: 150+ mutants, all measured; every abort refused but the journal fixtures; every run accepted', async () => {
    const list = ggufMutantList();
    expect(list.length).toBeGreaterThanOrEqual(150);
    expect(new Set(list.map((m) => m.id)).size).toBe(list.length);
    expect(list.filter((m) => !measured.gguf[m.id]).map((m) => m.id)).toEqual([]);
    const v = await verdicts(list, checkLlmFile);
    const aborts = list.filter((m) => isAbort(measured.gguf[m.id])).map((m) => m.id);
    expect(aborts.length).toBeGreaterThan(40);
    expect(aborts.filter((id) => !v.get(id) && !journalOnly.has(id))).toEqual([]);
    expect([...journalOnly].filter((id) => v.get(id))).toEqual([]);
    const ran = list.filter((m) => measured.gguf[m.id] === 'loaded').map((m) => m.id);
    expect(ran.filter((id) => v.get(id) && !RUN_BUT_WRONG.has(id)).map((id) => `${id}: ${v.get(id)}`)).toEqual([]);
  });

  it('whisper: at least 40 mutants, all measured; every abort refused; every run accepted', async () => {
    const list = await whisperMutantList();
    expect(list.length).toBeGreaterThanOrEqual(40);
    expect(list.filter((m) => !measured.whisper[m.id]).map((m) => m.id)).toEqual([]);
    // Only the classes that matter here are written (each file is 4 MB).
    const relevant = (id: string) => isAbort(measured.whisper[id]) || measured.whisper[id] === 'loaded';
    const v = await verdicts(list, checkWhisperFile, relevant);
    const aborts = [...v.keys()].filter((id) => isAbort(measured.whisper[id]));
    expect(aborts.length).toBeGreaterThan(15);
    expect(aborts.filter((id) => !v.get(id))).toEqual([]);
    const ran = [...v.keys()].filter((id) => measured.whisper[id] === 'loaded');
    const expectedRefusals = ran.filter((id) => id.startsWith('truncated:') || RUN_BUT_WRONG.has(id));
    expect(ran.filter((id) => v.get(id) && !expectedRefusals.includes(id))).toEqual([]);
  });
});
