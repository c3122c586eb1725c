// WAV in, whisper's input out: 16-bit mono 16 kHz PCM. Any PCM/float rate and channel count is converted; anything else
// is refused.
import { HttpError } from '../core/http/http-error.js';

export const WHISPER_RATE = 16_000;

export interface Format {
  encoding: number;
  channels: number;
  rate: number;
  bits: number;
}

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** Parses a RIFF/WAVE file; errors are the 4xx the client should see. */
export function parseWav(buf: Buffer): { format: Format; samples: Float32Array } {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new HttpError(
      415,
      'file is not a WAV file (no RIFF/WAVE header); send 16-bit PCM or float WAV',
      'unsupported_media_type',
    );
  }
  let format: Format | undefined;
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new HttpError(400, 'truncated WAV: the fmt chunk is cut short');
      let encoding = buf.readUInt16LE(body);
      if (encoding === EXTENSIBLE && size >= 26) encoding = buf.readUInt16LE(body + 24);
      format = {
        encoding,
        channels: buf.readUInt16LE(body + 2),
        rate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) throw new HttpError(400, 'malformed WAV: data comes before fmt');
      if (body + size > buf.length)
        throw new HttpError(400, `truncated WAV: the data chunk says ${size} bytes, ${buf.length - body} are there`);
      return { format, samples: decode(buf.subarray(body, body + size), format) };
    }
    at = body + size + (size % 2);
  }
  throw new HttpError(400, format ? 'WAV has no data chunk' : 'WAV has no fmt chunk');
}

function decode(data: Buffer, f: Format): Float32Array {
  if (f.channels < 1 || f.channels > 8 || f.rate < 1000 || f.rate > 384_000)
    throw new HttpError(400, `WAV has ${f.channels} channels at ${f.rate} Hz: not audio this server takes`);
  const width = f.bits / 8;
  const read =
    f.encoding === PCM && f.bits === 16
      ? (o: number) => data.readInt16LE(o) / 32768
      : f.encoding === PCM && f.bits === 8
        ? (o: number) => (data.readUInt8(o) - 128) / 128
        : f.encoding === PCM && f.bits === 32
          ? (o: number) => data.readInt32LE(o) / 2147483648
          : f.encoding === FLOAT && f.bits === 32
            ? (o: number) => data.readFloatLE(o)
            : undefined;
  if (!read)
    throw new HttpError(
      415,
      `WAV encoding ${f.encoding} with ${f.bits} bits is not supported; send PCM 8/16/32-bit or float 32-bit`,
      'unsupported_media_type',
    );
  const frames = Math.floor(data.length / (width * f.channels));
  const mono = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < f.channels; c++) sum += read((i * f.channels + c) * width);
    mono[i] = sum / f.channels;
  }
  return mono;
}

/** whisper.cpp 1.9 reads up to sample 200 of its input whatever its length: shorter audio is padded with silence. */
export const MIN_WHISPER_SAMPLES = 1600;

/** Linear resampling to 16 kHz and conversion to the 16-bit PCM whisper.node takes (at least 0.1 s of it). */
export function toWhisperPcm(samples: Float32Array, rate: number): ArrayBuffer {
  const outLength = Math.max(MIN_WHISPER_SAMPLES, Math.floor((samples.length * WHISPER_RATE) / rate));
  const out = new Int16Array(outLength);
  const step = rate / WHISPER_RATE;
  for (let i = 0; i < outLength; i++) {
    const pos = i * step;
    const j = Math.floor(pos);
    if (j >= samples.length) break;
    const a = samples[j] ?? 0;
    const b = samples[j + 1] ?? a;
    const v = a + (b - a) * (pos - j);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v * 32767)));
  }
  return out.buffer;
}

/** A canonical 44-byte RIFF/WAVE header for `dataBytes` of audio in the given format. */
export function wavHeader(f: Format, dataBytes: number): Buffer {
  const frameBytes = (f.bits / 8) * f.channels;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(f.encoding, 20);
  header.writeUInt16LE(f.channels, 22);
  header.writeUInt32LE(f.rate, 24);
  header.writeUInt32LE(f.rate * frameBytes, 28);
  header.writeUInt16LE(frameBytes, 32);
  header.writeUInt16LE(f.bits, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** Writes a 16-bit mono WAV: used by tests and benchmarks to make real audio. */
export function encodeWav(samples: Float32Array, rate: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 32767))), i * 2));
  return Buffer.concat([wavHeader({ encoding: PCM, channels: 1, rate, bits: 16 }, data.length), data]);
}
