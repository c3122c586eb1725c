// The memory estimate of every model of a built-in server, from its files alone (nothing is loaded): the same
// estimates the servers admit loads with (common/memory/model-file.ts).
import type { BuiltinServerConfig } from '../../common/config/types.js';
import { messageOf } from '../../common/errors.js';
import { estimateModelFile } from '../../common/memory/model-file.js';
import type { PlanInput } from './plan-loads.js';

/** What a server's process holds before its first model, measured at `runtime_ready` on this kind of machine. */
export const RUNTIME_BYTES: Record<BuiltinServerConfig['kind'], number> = {
  llm: 150 * 2 ** 20,
  'asr-ocr': 80 * 2 ** 20,
};

export async function estimateModels(server: BuiltinServerConfig): Promise<PlanInput[]> {
  return Promise.all(
    server.models.map(async (m): Promise<PlanInput> => {
      try {
        return { model: m.name, estimate: (await estimateModelFile(server, m)).estimate };
      } catch (err) {
        return { model: m.name, error: `${m.file}: ${messageOf(err)}` };
      }
    }),
  );
}
