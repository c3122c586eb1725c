// Crash containment on the ASR/OCR server, under modelctl up. No whisper file is known that passes the header checks
// and still aborts whisper.cpp (every abort of the crash corpus is refused before whisper.cpp sees it), so the process
// is killed with SIGABRT, as an abort would end it, at the moment its crash journal names a whisper model in native
// code: what follows (journal, verdict, restart, loading or serving alone, quarantine, clearing) is the real thing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { HealthBody } from '../../common/protocol.js';
import type { TimingEvent } from '../../common/timing/events.js';
import { writeDemoWhisper } from '../../src/models/demo-whisper.js';
import { modelctl, type UpRun } from '../helpers/modelctl.js';
import { freePort, tempDir } from '../helpers/tmp.js';

interface Inflight {
  pid: number;
  inflight: { model: string; phase: string; alone: boolean }[];
}

/** One ASR/OCR server in a folder of its own: the whisper model `name` (demo) and OCR. */
async function stack(name: string, line = '') {
  const dir = tempDir();
  await writeDemoWhisper(join(dir, `${name}.bin`), { seed: name });
  const port = await freePort();
  const file = join(dir, 'models.yaml');
  writeFileSync(
    file,
    `servers:
  asr-ocr:
    kind: asr-ocr
    port: ${port}
    restart: { policy: on-failure, max: 3, backoff: 100ms }
    models:
      - { name: ${name}, type: asr, path: ${name}.bin${line} }
      - { name: ocr, type: ocr }
`,
  );
  return { file, dir, url: `http://127.0.0.1:${port}` };
}

/** Kills the server with SIGABRT once its crash journal names `model` as `test` wants it; returns that entry. */
async function abortWhen(dir: string, model: string, test: (e: Inflight['inflight'][number]) => boolean) {
  const journal = join(dir, '.modelctl/logs/asr-ocr.inflight.json');
  for (let i = 0; i < 6000; i++) {
    const j = existsSync(journal) ? (JSON.parse(readFileSync(journal, 'utf8') || '{}') as Partial<Inflight>) : {};
    const entry = j.inflight?.find((e) => e.model === model && test(e));
    if (entry && j.pid) {
      process.kill(j.pid, 'SIGABRT');
      return entry;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`the journal never named ${model} as wanted`);
}

/** 2 s of a 330 Hz tone as a 16 kHz mono 16-bit WAV: a real transcription that takes a moment. */
function toneWav(): Blob {
  const samples = 32_000;
  const b = Buffer.alloc(44 + samples * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + samples * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(16_000, 24);
  b.writeUInt32LE(32_000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 330 * i) / 16_000)), 44 + 2 * i);
  return new Blob([b], { type: 'audio/wav' });
}

const transcribe = (url: string, model: string) => {
  const form = new FormData();
  form.append('model', model);
  form.append('file', toneWav(), 'tone.wav');
  return fetch(`${url}/v1/audio/transcriptions`, { method: 'POST', body: form });
};
const timing = (run: UpRun) =>
  run.events.filter((e) => e.type === 'timing').map((e) => ({ ...(e.event as TimingEvent), at: Number(e.at) }));
const readyAgain = async (run: UpRun, attempt: number) => {
  const restart = await run.waitFor((e) => e.type === 'restart' && e.attempt === attempt, 30_000);
  await run.waitFor((e) => e.type === 'state' && e.state === 'ready' && Number(e.at) > Number(restart.at), 60_000);
};

describe('crash containment on the ASR/OCR server, under modelctl up', () => {
  it('quarantines a whisper model whose requests kill the server, after a second crash alone; OCR serves', async () => {
    const { file, dir, url } = await stack('speech');
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'result', 90_000);

    const inFlight = transcribe(url, 'speech').catch(() => undefined); // the server dies under this request
    expect(await abortWhen(dir, 'speech', (e) => e.phase.includes('request'))).toMatchObject({ alone: false });
    await inFlight;
    await readyAgain(run, 1);
    // A suspect now: its next request runs alone, and a crash then convicts it.
    const again = transcribe(url, 'speech').catch(() => undefined);
    expect(await abortWhen(dir, 'speech', (e) => e.phase.includes('request') && e.alone)).toBeDefined();
    await again;
    await readyAgain(run, 2);

    const health = (await (await fetch(`${url}/health`)).json()) as HealthBody;
    expect(health.status).toBe('degraded');
    const speech = health.models.find((m) => m.name === 'speech')!;
    expect(speech.state).toBe('quarantined');
    expect(speech.error).toMatch(/^speech: .*speech\.bin: crashed the asr-ocr server .*\(SIGABRT.*\); quarantined$/);
    const refused = await transcribe(url, 'speech');
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('quarantined');
    const png = await sharp({ create: { width: 64, height: 32, channels: 3, background: 'white' } })
      .png()
      .toBuffer();
    const ocr = await fetch(`${url}/v1/ocr`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    expect(ocr.status).toBe(200);
    expect(
      timing(run)
        .filter((e) => e.event === 'quarantined')
        .map((e) => e.model),
    ).toEqual(['speech']);

    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(1);
  });

  it('loads a whisper model that was loading when the server died alone at the next start, and clears it', async () => {
    const { file, dir, url } = await stack('voice', ', warmup: true');
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    // Its warm-up inference is part of its load: the server dies while it runs.
    await abortWhen(dir, 'voice', (e) => e.phase === 'warmup' || e.phase === 'load');
    const result = await run.waitFor((e) => e.type === 'result', 90_000);
    expect(result).toMatchObject({ ok: true });
    expect(run.events.filter((e) => e.type === 'restart')).toHaveLength(1);

    // The restarted process judged it a suspect and ran its load (reading, whisper.cpp, warm-up) with nothing else
    // in native code: from its first read to its ready, no other model's event comes between.
    const restartAt = Number(run.events.find((e) => e.type === 'restart')!.at);
    const after = timing(run).filter((e) => e.at > restartAt);
    expect(after.filter((e) => e.event === 'crashed').map((e) => e.model)).toContain('voice');
    const from = after.findIndex((e) => e.event === 'load_progress' && e.model === 'voice');
    const to = after.findIndex((e) => e.event === 'ready' && e.model === 'voice');
    expect(from).toBeGreaterThanOrEqual(0);
    expect(to).toBeGreaterThan(from);
    expect(new Set(after.slice(from, to + 1).map((e) => e.model))).toEqual(new Set(['voice']));

    const health = (await (await fetch(`${url}/health`)).json()) as HealthBody;
    expect(health.status).toBe('ok');
    expect(health.models.find((m) => m.name === 'voice')).toMatchObject({ state: 'ready' });
    expect((await transcribe(url, 'voice')).status).toBe(200);
    // Cleared: the server's memory of the file holds no crash against it any more.
    const memory = JSON.parse(readFileSync(join(dir, '.modelctl/models/asr-ocr.json'), 'utf8'));
    expect(memory.voice).toMatchObject({ crashes: 0 });
    expect(memory.voice.quarantined).toBeUndefined();

    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(0);
  });
});
