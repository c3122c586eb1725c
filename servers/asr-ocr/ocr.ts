// Tesseract OCR through tesseract.js, with language data read from the `@tesseract.js-data/<lang>` package on disk:
// nothing is fetched.
import { createRequire } from 'node:module';
import type { Worker } from 'tesseract.js';
import { ElasticPool } from '../core/native/pool.js';

export interface OcrResult {
  text: string;
  confidence: number;
  lines: { text: string; confidence: number; bbox: { x0: number; y0: number; x1: number; y1: number } }[];
}

export interface OcrModel {
  recognize(image: Buffer): Promise<OcrResult>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Where the language's traineddata lives; a missing package is a load failure that says how to install it. */
export function languageData(language: string): { langPath: string; gzip: boolean } {
  try {
    return require(`@tesseract.js-data/${language}`) as { langPath: string; gzip: boolean };
  } catch {
    throw new Error(
      `OCR language data @tesseract.js-data/${language} is not installed (npm install @tesseract.js-data/${language})`,
    );
  }
}

/** Loads the language into one worker; more workers (up to `parallel`) start only when requests queue. */
export async function loadOcr(language: string, parallel: number): Promise<OcrModel> {
  const data = languageData(language);
  const { createWorker, OEM } = await import('tesseract.js');
  const workers = new ElasticPool<Worker>(
    () => createWorker(language, OEM.LSTM_ONLY, { langPath: data.langPath, gzip: data.gzip, cacheMethod: 'none' }),
    parallel,
  );
  await workers.start();
  return {
    recognize: (image) =>
      workers.use(async (worker) => {
        const { data: page } = await worker.recognize(image, {}, { text: true, blocks: true });
        const lines = (page.blocks ?? [])
          .flatMap((b) => b.paragraphs.flatMap((p) => p.lines))
          .map((l) => ({ text: l.text.trim(), confidence: l.confidence, bbox: l.bbox }));
        return { text: page.text.trim(), confidence: page.confidence, lines };
      }),
    close: async () => {
      await Promise.all((await workers.all()).map((w) => w.terminate()));
    },
  };
}
