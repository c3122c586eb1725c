// HTTP routes of the ASR/OCR server: OpenAI-compatible transcriptions and an OCR endpoint.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../core/http/http-error.js';
import type { Lease, ModelHost } from '../core/http/model-host.js';
import { acceptUploads, readUpload } from '../core/http/upload.js';
import type { AsrOcrHandle } from './handle.js';
import { sniffImage } from './image.js';
import { parseWav, toWhisperPcm } from './wav.js';

const RESPONSE_FORMATS = ['json', 'text', 'verbose_json'];

/**
 * The named model, or the server's first model of that type when none is named (of the models it has now: a reload may
 * add or remove some); it must be of that type.
 */
function pick<T extends AsrOcrHandle['type']>(
  req: FastifyRequest,
  host: ModelHost<AsrOcrHandle>,
  type: T,
  name: string | undefined,
): Lease<Extract<AsrOcrHandle, { type: T }>> {
  const chosen = name ?? [...host.models.values()].find((m) => m.settings.type === type)?.name;
  if (!chosen) throw new HttpError(404, `this server has no ${type} model`, 'not_found_error');
  const lease = host.lease(chosen, req);
  const kind = lease.handle.type;
  if (kind !== type) throw new HttpError(400, `model "${chosen}" is an ${kind} model, not ${type}`);
  return lease as Lease<Extract<AsrOcrHandle, { type: T }>>;
}

export function registerAsrOcrRoutes(app: FastifyInstance, host: ModelHost<AsrOcrHandle>, bodyLimit: number): void {
  acceptUploads(app, bodyLimit, [
    'image/png',
    'image/jpeg',
    'application/octet-stream',
    'audio/wav',
    'audio/x-wav',
    'audio/wave',
  ]);

  app.post('/v1/audio/transcriptions', async (req, reply) => {
    const upload = await readUpload(req);
    const format = upload.fields.response_format ?? 'json';
    if (!RESPONSE_FORMATS.includes(format))
      throw new HttpError(400, `response_format: expected one of ${RESPONSE_FORMATS.join(', ')}, got "${format}"`);
    if (!upload.file || upload.file.length === 0)
      throw new HttpError(400, 'file: is required (multipart field "file" with a WAV file)');
    const lease = pick(req, host, 'asr', upload.fields.model);
    const wav = parseWav(upload.file);
    const seconds = wav.samples.length / wav.format.rate;
    if (seconds === 0) throw new HttpError(400, 'the WAV file holds no audio');
    const pcm = toWhisperPcm(wav.samples, wav.format.rate);
    const t = await lease.run((timeout) => lease.handle.asr.transcribe(pcm, upload.fields.language, timeout));
    if (format === 'text') return reply.type('text/plain; charset=utf-8').send(`${t.text}\n`);
    if (format === 'json') return { text: t.text };
    return {
      task: 'transcribe',
      language: t.language,
      duration: seconds,
      text: t.text,
      segments: t.segments.map((s, id) => ({ id, start: s.start, end: s.end, text: s.text })),
    };
  });

  app.post('/v1/ocr', async (req) => {
    const upload = await readUpload(req);
    if (!upload.file) throw new HttpError(400, 'file: is required (multipart field "file", or a raw PNG/JPEG body)');
    sniffImage(upload.file);
    const lease = pick(req, host, 'ocr', upload.fields.model);
    const image = upload.file;
    return lease.run(() => lease.handle.ocr.recognize(image));
  });
}
