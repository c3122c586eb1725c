import { readFileSync, truncateSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemoWhisper } from '../../src/models/demo-whisper.js';
import { encodeWav } from '../../servers/asr-ocr/wav.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { health, startServer, until, type RunningServer, settled } from '../helpers/server.js';

const dir = tempDir();
const SENTENCE = 'Cold starts are measured here';

/** Renders dark text on white with a system font (DejaVu), the way a scanned line looks to OCR. */
const renderText = (text: string) =>
  sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${40 + text.length * 26}" height="120"><rect width="100%" height="100%" fill="white"/>` +
        `<text x="20" y="75" font-family="DejaVu Sans" font-size="40" fill="black">${text}</text></svg>`,
    ),
  )
    .png()
    .toBuffer();

const tone = (rate: number, seconds: number) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 330 * i) / rate));

function form(fields: Record<string, string>, file?: { data: Buffer; name: string; type: string }): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  if (file) f.append('file', new Blob([file.data], { type: file.type }), file.name);
  return f;
}

describe('ASR/OCR server', () => {
  let server: RunningServer;

  beforeAll(async () => {
    await writeDemoWhisper(join(dir, 'whisper.bin'), { seed: 'speech' });
    const port = await freePort();
    server = startServer(
      'asr-ocr',
      `
servers:
  asr-ocr:
    kind: asr-ocr
    port: ${port}
    bodyLimit: 2MB
    models:
      - { name: speech, type: asr, path: whisper.bin }
      - { name: ocr, type: ocr, language: eng }
`,
      dir,
      port,
    );
    await until(async () => ((await health(server)).code === 200 ? true : undefined), server);
  });

  it('loads the whisper and OCR models side by side under the cap of 2 (timing log)', () => {
    const events = readFileSync(join(dir, '.modelctl/logs/asr-ocr.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const at = (model: string, event: string) =>
      Date.parse(events.find((e) => e.model === model && e.event === event).ts);
    expect(at('ocr', 'load_start')).toBeLessThan(at('speech', 'load_end'));
    expect(at('speech', 'load_start')).toBeLessThan(at('ocr', 'load_end'));
  });

  it('reads back a rendered sentence exactly', async () => {
    const res = await fetch(`${server.url}/v1/ocr`, {
      method: 'POST',
      body: form({ model: 'ocr' }, { data: await renderText(SENTENCE), name: 'line.png', type: 'image/png' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { text: string; confidence: number; lines: { text: string }[] };
    expect(body.text).toBe(SENTENCE);
    expect(body.confidence).toBeGreaterThan(80);
    expect(body.lines.map((l) => l.text)).toEqual([SENTENCE]);
  });

  it('takes a raw PNG body too', async () => {
    const res = await fetch(`${server.url}/v1/ocr`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: await renderText('Raw bodies work'),
    });
    expect(((await res.json()) as { text: string }).text).toBe('Raw bodies work');
  });

  it('gives each of several concurrent OCR requests its own image text', async () => {
    const texts = ['First line of text', 'Second image here', 'Another one arrives', 'Last request today'];
    const images = await Promise.all(texts.map(renderText));
    const results = await Promise.all(
      images.map((img) =>
        fetch(`${server.url}/v1/ocr`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: img }).then(
          (r) => r.json() as Promise<{ text: string }>,
        ),
      ),
    );
    expect(results.map((r) => r.text)).toEqual(texts);
  });

  it('transcribes a WAV into a well-formed OpenAI response in every format', async () => {
    const wav = { data: encodeWav(tone(16_000, 2), 16_000), name: 'a.wav', type: 'audio/wav' };
    const json = await fetch(`${server.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form({ model: 'speech' }, wav),
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ text: expect.any(String) });
    const verbose = await fetch(`${server.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form({ model: 'speech', response_format: 'verbose_json', language: 'en' }, wav),
    });
    expect(await verbose.json()).toMatchObject({
      task: 'transcribe',
      language: 'en',
      duration: 2,
      text: expect.any(String),
      segments: expect.any(Array),
    });
    const text = await fetch(`${server.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form({ model: 'speech', response_format: 'text' }, wav),
    });
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('answers a WAV of a few samples instead of crashing', async () => {
    const res = await fetch(`${server.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form(
        { model: 'speech' },
        { data: encodeWav(tone(16_000, 0.0003), 16_000), name: 'tiny.wav', type: 'audio/wav' },
      ),
    });
    expect(res.status).toBe(200);
    expect((await health(server)).code).toBe(200);
  });

  it('converts a 44.1 kHz WAV instead of refusing it', async () => {
    const res = await fetch(`${server.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form({ model: 'speech' }, { data: encodeWav(tone(44_100, 1), 44_100), name: 'cd.wav', type: 'audio/wav' }),
    });
    expect(res.status).toBe(200);
  });

  it('answers bad uploads with 4xx and a message, and stays healthy', async () => {
    const wav = encodeWav(tone(16_000, 1), 16_000);
    const cases: [string, RequestInit, number, RegExp][] = [
      [
        'empty OCR body',
        { method: 'POST', headers: { 'content-type': 'image/png' }, body: Buffer.alloc(0) },
        400,
        /empty|required/,
      ],
      [
        'wrong content type',
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' },
        415,
        /^content type text\/plain is not accepted here; send multipart\/form-data with a "file" field$/,
      ],
      [
        'not an image',
        {
          method: 'POST',
          body: form({}, { data: Buffer.from('just text, no pixels'), name: 'x.png', type: 'image/png' }),
        },
        415,
        /not a PNG or JPEG/,
      ],
      [
        'oversized upload',
        { method: 'POST', headers: { 'content-type': 'image/png' }, body: Buffer.alloc(3_000_000, 1) },
        413,
        /larger than the limit/,
      ],
    ];
    for (const [what, init, status, message] of cases) {
      const res = await fetch(`${server.url}/v1/ocr`, init);
      expect(res.status, what).toBe(status);
      expect(((await res.json()) as { error: { message: string } }).error.message, what).toMatch(message);
    }
    const asr: [string, FormData, number, RegExp][] = [
      ['no file', form({ model: 'speech' }), 400, /file: is required/],
      [
        'not audio',
        form({ model: 'speech' }, { data: Buffer.from('%PDF-1.4 not audio'), name: 'x.wav', type: 'audio/wav' }),
        415,
        /not a WAV file/,
      ],
      [
        'truncated WAV',
        form({ model: 'speech' }, { data: wav.subarray(0, 5000), name: 't.wav', type: 'audio/wav' }),
        400,
        /truncated WAV/,
      ],
      [
        'oversized WAV',
        form({ model: 'speech' }, { data: Buffer.alloc(2_500_000), name: 'big.wav', type: 'audio/wav' }),
        413,
        /larger than the limit/,
      ],
      [
        'OCR model for audio',
        form({ model: 'ocr' }, { data: wav, name: 'a.wav', type: 'audio/wav' }),
        400,
        /is an ocr model/,
      ],
      [
        'bad response_format',
        form({ model: 'speech', response_format: 'srt2' }, { data: wav, name: 'a.wav', type: 'audio/wav' }),
        400,
        /response_format/,
      ],
    ];
    for (const [what, body, status, message] of asr) {
      const res = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body });
      expect(res.status, what).toBe(status);
      expect(((await res.json()) as { error: { message: string } }).error.message, what).toMatch(message);
    }
    expect((await health(server)).code).toBe(200);
    const again = await fetch(`${server.url}/v1/ocr`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: await renderText('Still serving'),
    });
    expect(((await again.json()) as { text: string }).text).toBe('Still serving');
  });
});

describe('ASR/OCR server with a corrupt whisper model', () => {
  it('fails that model with file and reason while OCR serves', async () => {
    await writeDemoWhisper(join(dir, 'good.bin'), { seed: 'g' });
    copyFileSync(join(dir, 'good.bin'), join(dir, 'cut.bin'));
    truncateSync(join(dir, 'cut.bin'), 100_000);
    const port = await freePort();
    const server = startServer(
      'asr-ocr',
      `
servers:
  asr-ocr:
    kind: asr-ocr
    port: ${port}
    models:
      - { name: speech, type: asr, path: cut.bin }
      - { name: ocr, type: ocr }
`,
      dir,
      port,
    );
    const h = await settled(server);
    expect(h.body.status).toBe('failed');
    expect(h.body.models[0]).toMatchObject({
      name: 'speech',
      state: 'failed',
      attempts: 2,
      error: expect.stringContaining('cut.bin'),
    });
    const res = await fetch(`${server.url}/v1/ocr`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: await renderText('OCR still works'),
    });
    expect(((await res.json()) as { text: string }).text).toBe('OCR still works');
  });
});
