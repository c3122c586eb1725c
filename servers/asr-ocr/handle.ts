// What the ASR/OCR engine hands the routes for one loaded model: in a file of its own, so that the engine (which
// registers the routes) and the routes (which use it) do not import each other.
import type { OcrModel } from './ocr.js';
import type { AsrModel } from './whisper.js';

/** A whisper model or a Tesseract model; routes check the type a request needs. */
export type AsrOcrHandle = { type: 'asr'; asr: AsrModel } | { type: 'ocr'; ocr: OcrModel };
