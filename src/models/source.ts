// Parses a model's `source:`: `demo:llama?size=200MB&seed=2`, `demo:whisper?…`, an http(s) URL, or
// `hf:OWNER/REPO/FILE[@REVISION]`.
import { type HfRef, HF_FORM, HF_PREFIX, parseHfRef } from '../../common/config/hf-ref.js';
import { parseSize } from '../../common/config/units.js';

export type Source =
  | { kind: 'demo'; engine: string; bytes?: number; seed: string; params: URLSearchParams }
  | { kind: 'url'; url: URL }
  | { kind: 'hf'; ref: HfRef };

/** `model` seeds demo models by default so two demo models of one config differ. */
export function parseSource(text: string, model: string): Source {
  if (text.startsWith('demo:')) {
    const [engine = '', query = ''] = text.slice('demo:'.length).split('?', 2);
    const params = new URLSearchParams(query);
    const sizeText = params.get('size');
    const bytes = sizeText === null ? undefined : parseSize(sizeText);
    if (sizeText !== null && bytes === undefined)
      throw new Error(`size=${sizeText} is not a size such as 512KB, 200MB or 1GB`);
    return { kind: 'demo', engine, bytes, seed: params.get('seed') ?? model, params };
  }
  if (text.startsWith(HF_PREFIX)) {
    const ref = parseHfRef(text);
    if ('problem' in ref) throw new Error(`"${text}": ${ref.problem}`);
    return { kind: 'hf', ref };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${text}" is neither demo:<kind>, ${HF_FORM} nor a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${url.protocol} URLs are not supported; use http(s)`);
  return { kind: 'url', url };
}
