// The floor for the ASR/OCR server: whisper.cpp loading its model and one Tesseract worker loading `eng`, at once,
// nothing else. `node dist/bench/floor/bare-asr-ocr.js whisper.bin`; prints when both were loaded as JSON (ms since the
// process started).
import { createRequire } from 'node:module';

const [whisperFile] = process.argv.slice(2);
const [whisper, tesseract] = await Promise.all([import('@fugood/whisper.node'), import('tesseract.js')]);
const data = createRequire(import.meta.url)('@tesseract.js-data/eng') as { langPath: string; gzip: boolean };
const [, worker] = await Promise.all([
  whisper.initWhisper({ filePath: whisperFile!, useGpu: false }),
  tesseract.createWorker('eng', tesseract.OEM.LSTM_ONLY, {
    langPath: data.langPath,
    gzip: data.gzip,
    cacheMethod: 'none',
  }),
]);
const doneAt = performance.now();
console.log(JSON.stringify({ doneAt }));
await worker.terminate();
process.exit(0);
