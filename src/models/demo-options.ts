// The query keys of a demo source (`demo:llama?size=2MB&template=chatml&eot=3`), checked before anything is written:
// a key is honoured or refused by name, never ignored.
import { CHAT_FAMILY_NAMES } from './demo-chat-families.js';

/** What a `demo:llama` source asks for beyond size and seed. */
export interface DemoLlamaOptions {
  /** A chat family: BPE vocabulary, special tokens and chat template (demo-llama-chat.ts). */
  template?: string;
  /** Reply tokens before the end-of-turn token (demo-stop-rig.ts). */
  eot?: number;
}

/** The longest reply the stop rig answers (DEMO_REPLY in demo-llama-chat.ts has this many tokens). */
export const MAX_REPLY_TOKENS = 10;

/** Keys each demo kind takes. */
export const DEMO_KEYS: Readonly<Record<string, readonly string[]>> = {
  llama: ['size', 'seed', 'template', 'eot'],
  whisper: ['size', 'seed'],
};

/** Refuses a key the kind does not take, or a key given twice; messages name the key. */
export function checkDemoKeys(engine: string, params: URLSearchParams): void {
  const keys = DEMO_KEYS[engine] ?? [];
  for (const key of new Set(params.keys())) {
    if (!keys.includes(key)) throw new Error(`demo:${engine} takes ${keys.join(', ')}; "${key}" is not one of them`);
    if (params.getAll(key).length > 1) throw new Error(`demo:${engine}: ${key} is given more than once`);
  }
}

/** Reads `template` and `eot`; throws naming the key and the value it refuses. */
export function demoLlamaOptions(params: URLSearchParams): DemoLlamaOptions {
  checkDemoKeys('llama', params);
  const template = params.get('template') ?? undefined;
  if (template !== undefined && !CHAT_FAMILY_NAMES.includes(template))
    throw new Error(`template=${template} is not a chat family; known: ${CHAT_FAMILY_NAMES.join(', ')}`);
  const eotText = params.get('eot');
  if (eotText === null) return { template };
  const eot = /^\d+$/.test(eotText) ? Number(eotText) : NaN;
  if (!(eot <= MAX_REPLY_TOKENS))
    throw new Error(`eot=${eotText} is not a number of reply tokens from 0 to ${MAX_REPLY_TOKENS}`);
  if (template === undefined)
    throw new Error(`eot=${eotText} needs template=: only a chat demo model has an end-of-turn token to stop at`);
  return { template, eot };
}
