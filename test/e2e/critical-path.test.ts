import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { writeDemoWhisper } from '../../src/models/demo-whisper.js';
import { modelGate } from '../helpers/gate.js';
import { modelctl } from '../helpers/modelctl.js';
import { needs, PRIORITY_RIGHT } from '../helpers/needs.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();

/** The niceness of every thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceness(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('start-up by critical path', () => {
  it('starts a server ready sooner last time at lower priority, every thread restored when ready', async (ctx) => {
    // Without the right to raise a priority again, the supervisor lowers none: there is nothing to see then.
    await needs(ctx, PRIORITY_RIGHT);
    mkdirSync(join(dir, 'models'));
    await writeDemoLlama(join(dir, 'models/chat.gguf'), { name: 'chat', bytes: 500_000, seed: 'chat' });
    await writeDemoWhisper(join(dir, 'whisper.bin'), { seed: 'w' });
    // Last time, the LLM server was the slow one: the ASR/OCR server is off the critical path now.
    mkdirSync(join(dir, '.modelctl/logs'), { recursive: true });
    const last = (server: string, ms: number) =>
      writeFileSync(
        join(dir, `.modelctl/logs/${server}.jsonl`),
        `${JSON.stringify({ ts: new Date().toISOString(), server, event: 'server_ready', ms })}\n`,
      );
    last('llm', 5000);
    last('asr-ocr', 1000);
    const gate = modelGate(join(dir, 'models/speech.bin'));
    const file = join(dir, 'models.yaml');
    writeFileSync(
      file,
      [
        'servers:',
        '  llm:',
        '    kind: llm',
        `    port: ${await freePort()}`,
        '    models: [{ name: chat, path: models/chat.gguf }]',
        '  asr-ocr:',
        '    kind: asr-ocr',
        `    port: ${await freePort()}`,
        '    models: [{ name: speech, type: asr, path: models/speech.bin }]',
      ].join('\n'),
    );
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    const pidOf = async (server: string) =>
      Number((await run.waitFor((e) => e.type === 'spawned' && e.server === server)).pid);
    const [llm, asr] = [await pidOf('llm'), await pidOf('asr-ocr')];
    await run.waitFor((e) => e.type === 'state' && e.server === 'llm' && e.state === 'ready', 60_000);
    const whileStarting = niceness(asr)[0];
    gate.release(join(dir, 'whisper.bin'));
    await run.waitFor((e) => e.type === 'result', 60_000);
    expect(whileStarting).toBe(10);
    expect(niceness(llm).every((n) => n === 0)).toBe(true);
    expect(niceness(asr).every((n) => n === 0)).toBe(true);
    run.child.kill('SIGINT');
    await run.child;
  });
});
