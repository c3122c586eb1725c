// A config of both real servers on free ports: the LLM server with the given model lines, and the ASR/OCR server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './tmp.js';

export async function realStack(dir: string, name: string, llmModels: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `
servers:
  llm:
    kind: llm
    port: ${await freePort()}
    models:
${llmModels}
  asr-ocr:
    kind: asr-ocr
    port: ${await freePort()}
    models:
      - { name: speech, type: asr, path: models/whisper.bin, source: "demo:whisper" }
      - { name: ocr, type: ocr }
`,
  );
  return file;
}
