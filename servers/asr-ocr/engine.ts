// The ASR/OCR engine: whisper models and Tesseract models behind the shared loader, each loaded by its own runtime.
import type * as WhisperNode from '@fugood/whisper.node';
import type { BuiltinServerConfig } from '../../common/config/types.js';
import { ModelLoadError, messageOf } from '../../common/errors.js';
import { checkWhisperFile } from '../../common/formats/whisper/read.js';
import { estimateModelFile } from '../../common/memory/model-file.js';
import type { ModelRecord } from '../core/model-states.js';
import type { Engine } from '../core/engine.js';
import type { AsrOcrHandle } from './handle.js';
import { loadOcr } from './ocr.js';
import { registerAsrOcrRoutes } from './routes.js';
import { loadWhisper } from './whisper.js';
import { WHISPER_RATE } from './wav.js';
import { blankPng } from './blank-png.js';

export const DEFAULT_OCR_LANGUAGE = 'eng';

/** whisper.cpp prints ~30 info lines per load to stderr; keep its warnings and errors, drop the rest. */
async function routeWhisperLogs(w: typeof WhisperNode): Promise<void> {
  await w.loadWhisperModule();
  w.addNativeLogListener((level, text) => {
    if (level === 'warn' || level === 'error') process.stderr.write(`whisper.cpp ${level}: ${text.trimEnd()}\n`);
  });
  await w.toggleNativeLog(true);
}

export function createAsrOcrEngine(server: BuiltinServerConfig): Engine<AsrOcrHandle> {
  const threads = server.threads;
  const types = new Set(server.models.map((m) => m.type));
  // Start the runtimes' imports now, while the HTTP server comes up; a model load then only reads its file.
  const runtimes = Promise.all([
    types.has('asr') ? import('@fugood/whisper.node').then(routeWhisperLogs) : undefined,
    types.has('ocr') ? import('tesseract.js') : undefined,
  ]);
  const loaded = new Set<AsrOcrHandle>();
  /** Whisper models whose file this attempt's estimate checked: the load does not walk the file a second time. */
  const checked = new Set<string>();
  const closeOne = (h: AsrOcrHandle) => (h.type === 'asr' ? h.asr.close() : h.ocr.close());

  return {
    prepare: async () => {
      await runtimes;
    },
    async estimate(m) {
      try {
        const { estimate, fileBytes } = await estimateModelFile(server, { file: m.file, type: m.settings.type });
        if (fileBytes !== undefined) checked.add(m.name);
        return estimate;
      } catch (err) {
        throw new ModelLoadError(m.name, m.file, messageOf(err), { cause: err });
      }
    },
    async load(m: ModelRecord<AsrOcrHandle>, _attempt, watch) {
      const model = m.settings;
      const where = model.type === 'ocr' ? `@tesseract.js-data/${model.language ?? DEFAULT_OCR_LANGUAGE}` : m.file;
      try {
        if (model.type === 'asr' && !checked.delete(m.name)) await checkWhisperFile(m.file!);
        const handle: AsrOcrHandle =
          model.type === 'asr'
            ? { type: 'asr', asr: await loadWhisper(m.file!, server.parallel, threads, watch) }
            : { type: 'ocr', ocr: await loadOcr(model.language ?? DEFAULT_OCR_LANGUAGE, server.parallel) };
        loaded.add(handle);
        return handle;
      } catch (err) {
        throw new ModelLoadError(m.name, where, messageOf(err), { cause: err });
      }
    },
    async warmup(_m, handle) {
      if (handle.type === 'asr') await handle.asr.transcribe(new Int16Array(WHISPER_RATE / 2).buffer, undefined);
      else await handle.ocr.recognize(blankPng(64, 32));
    },
    registerRoutes: (app, host) => registerAsrOcrRoutes(app, host, server.bodyLimit),
    async unload(handle) {
      loaded.delete(handle);
      await closeOne(handle);
    },
    close: async () => {
      await Promise.all([...loaded].map(closeOne));
    },
  };
}
