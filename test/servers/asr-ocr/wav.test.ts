import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../servers/core/http/http-error.js';
import { sniffImage } from '../../../servers/asr-ocr/image.js';
import { encodeWav, parseWav, toWhisperPcm, wavHeader } from '../../../servers/asr-ocr/wav.js';

const tone = (rate: number, seconds: number) =>
  Float32Array.from({ length: rate * seconds }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof HttpError ? `${e.status} ${e.message}` : String(e);
  }
  return 'ok';
};

function stereoFloatWav(rate: number, frames: number): Buffer {
  const data = Buffer.alloc(frames * 8);
  for (let i = 0; i < frames; i++) {
    data.writeFloatLE(0.25, i * 8);
    data.writeFloatLE(0.75, i * 8 + 4);
  }
  return Buffer.concat([wavHeader({ encoding: 3, channels: 2, rate, bits: 32 }, data.length), data]);
}

/** A 44-byte header written out by hand (16-bit PCM, mono, 16 kHz, 4 data bytes), then the samples 0.5 and −0.5. */
const HAND_MADE = [
  '52494646 28000000 57415645', // "RIFF", 36 + 4 bytes follow, "WAVE"
  '666d7420 10000000 0100 0100 803e0000 007d0000 0200 1000', // "fmt ", 16: PCM, 1 channel, 16000 Hz, 32000 B/s, 2, 16
  '64617461 04000000', // "data", 4 bytes
  '0040 00c0', // 16384, −16384
].join('');

describe('WAV input', () => {
  it('reads a header written by hand, not only the ones it writes itself', () => {
    const bytes = Buffer.from(HAND_MADE.replace(/ /g, ''), 'hex');
    expect(bytes.length).toBe(44 + 4);
    expect(parseWav(bytes)).toEqual({
      format: { encoding: 1, channels: 1, rate: 16_000, bits: 16 },
      samples: Float32Array.from([0.5, -0.5]),
    });
    expect(wavHeader({ encoding: 1, channels: 1, rate: 16_000, bits: 16 }, 4)).toEqual(bytes.subarray(0, 44));
  });

  it('round-trips 16-bit mono 16 kHz audio unchanged in length', () => {
    const wav = parseWav(encodeWav(tone(16_000, 1), 16_000));
    expect(wav.format).toEqual({ encoding: 1, channels: 1, rate: 16_000, bits: 16 });
    expect(new Int16Array(toWhisperPcm(wav.samples, 16_000)).length).toBe(16_000);
  });

  it('pads very short audio with silence to what whisper.cpp reads regardless', () => {
    const pcm = new Int16Array(toWhisperPcm(Float32Array.from([0.5, 0.5, 0.5]), 16_000));
    expect(pcm.length).toBe(1600);
    expect(pcm[0]).toBe(16384);
    expect(pcm[3]).toBe(0);
  });

  it('converts other rates and stereo float to 16 kHz mono', () => {
    const wav = parseWav(stereoFloatWav(44_100, 44_100));
    expect(wav.samples[0]).toBeCloseTo(0.5);
    const pcm = new Int16Array(toWhisperPcm(wav.samples, 44_100));
    expect(pcm.length).toBe(16_000);
    expect(pcm[100]! / 32767).toBeCloseTo(0.5, 3);
  });

  it('refuses what is not a WAV (415), a truncated WAV (400) and unsupported encodings (415)', () => {
    const good = encodeWav(tone(8000, 1), 8000);
    expect(statusOf(() => parseWav(Buffer.from('ID3 this is an mp3')))).toMatch(/^415 file is not a WAV file/);
    expect(statusOf(() => parseWav(good.subarray(0, 1000)))).toMatch(
      /^400 truncated WAV: the data chunk says 16000 bytes, 956 are there/,
    );
    const alaw = Buffer.from(good);
    alaw.writeUInt16LE(6, 20);
    expect(statusOf(() => parseWav(alaw))).toMatch(/^415 WAV encoding 6 with 16 bits is not supported/);
  });
});

describe('image sniffing', () => {
  it('knows PNG and JPEG by their bytes and refuses the rest', () => {
    expect(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(statusOf(() => sniffImage(Buffer.from('GIF89a')))).toBe('415 file is not a PNG or JPEG image');
    expect(statusOf(() => sniffImage(Buffer.alloc(0)))).toBe('400 the image is empty');
  });
});
