// HTTP routes of the ASR/OCR server: OpenAI-compatible transcriptions and an OCR endpoint.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BuiltinServerConfig } from '../../common/config/types.js';
import { HttpError } from '../core/http-error.js';
import { readyModel, type ModelTable } from '../core/http.js';
import { acceptUploads, readUpload } from '../core/upload.js';
import type { AsrOcrHandle } from './engine.js';
import { sniffImage } from './image.js';
import { parseWav, toWhisperPcm } from './wav.js';

const RESPONSE_FORMATS = ['json', 'text', 'verbose_json'];

/** The named model, or the server's first model of that type when none is named; it must be of that type. */
function pick<T extends AsrOcrHandle['type']>(
  req: FastifyRequest,
  models: ModelTable<AsrOcrHandle>,
  server: BuiltinServerConfig,
  type: T,
  name: string | undefined,
): Extract<AsrOcrHandle, { type: T }> {
  const chosen = name ?? server.models.find((m) => m.type === type)?.name;
  if (!chosen) throw new HttpError(404, `this server has no ${type} model`, 'not_found_error');
  const handle = readyModel(models, chosen, req);
  if (handle.type !== type) throw new HttpError(400, `model "${chosen}" is an ${handle.type} model, not ${type}`);
  return handle as Extract<AsrOcrHandle, { type: T }>;
}

export function registerAsrOcrRoutes(
  app: FastifyInstance,
  models: ModelTable<AsrOcrHandle>,
  server: BuiltinServerConfig,
): void {
  acceptUploads(app, server.bodyLimit, [
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
    const { asr } = pick(req, models, server, 'asr', upload.fields.model);
    const wav = parseWav(upload.file);
    const seconds = wav.samples.length / wav.format.rate;
    if (seconds === 0) throw new HttpError(400, 'the WAV file holds no audio');
    const t = await asr.transcribe(toWhisperPcm(wav.samples, wav.format.rate), upload.fields.language);
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
    const { ocr } = pick(req, models, server, 'ocr', upload.fields.model);
    return ocr.recognize(upload.file);
  });
}
