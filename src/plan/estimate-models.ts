// The memory estimate of every model of a built-in server, from its files alone (nothing is loaded): the same
// estimates the servers admit loads with.
import type { BuiltinServerConfig } from '../../common/config/types.js';
import { messageOf } from '../../common/errors.js';
import { checkLlmHeader } from '../../common/formats/gguf/check.js';
import { readGgufHeader } from '../../common/formats/gguf/read.js';
import { checkWhisperFile } from '../../common/formats/whisper/read.js';
import { estimateGguf } from '../../common/memory/gguf.js';
import { estimateOcr, estimateWhisper } from '../../common/memory/whisper.js';
import { statSync } from 'node:fs';
import type { PlanInput } from './memory-plan.js';

/** What a server's process holds before its first model, measured at `runtime_ready` on this kind of machine. */
export const RUNTIME_BYTES: Record<BuiltinServerConfig['kind'], number> = {
  llm: 150 * 2 ** 20,
  'asr-ocr': 80 * 2 ** 20,
};

export async function estimateModels(server: BuiltinServerConfig): Promise<PlanInput[]> {
  return Promise.all(
    server.models.map(async (m): Promise<PlanInput> => {
      try {
        if (server.kind === 'llm') {
          const bytes = checkLlmHeader(await readGgufHeader(m.file!)).fileSize;
          return { model: m.name, estimate: await estimateGguf(m.file!, bytes, undefined, server) };
        }
        if (m.type === 'ocr') return { model: m.name, estimate: estimateOcr() };
        const hparams = await checkWhisperFile(m.file!);
        return { model: m.name, estimate: estimateWhisper(hparams, statSync(m.file!).size) };
      } catch (err) {
        return { model: m.name, error: `${m.file}: ${messageOf(err)}` };
      }
    }),
  );
}
