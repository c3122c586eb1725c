// Entry point of the ASR/OCR server: `node dist/servers/asr-ocr/main.js --config models.yaml --server asr-ocr`.
import { runServer } from '../core/run-server.js';
import { createAsrOcrEngine } from './engine.js';

await runServer('asr-ocr', createAsrOcrEngine);
