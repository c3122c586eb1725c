// Entry point of the ASR/OCR server: `node dist/servers/asr-ocr/main.js --config models.yaml --server asr-ocr`. The
// engines' imports start before the rest of the server is imported; the engine reuses them.
process.env.GGML_NO_BACKTRACE ??= '1'; // no gdb backtrace on a whisper.cpp abort (see servers/llm/main.ts)
void import('@fugood/whisper.node').catch(() => {});
void import('tesseract.js').catch(() => {});
const [{ runServer }, { createAsrOcrEngine }] = await Promise.all([
  import('../core/run-server.js'),
  import('./engine.js'),
]);
await runServer('asr-ocr', createAsrOcrEngine);
