import { describe, expect, it } from 'vitest';
import { parseHfRef } from '../../common/config/hf-ref.js';
import { explainHubRefusal, hubFromEnv, resolveUrl } from '../../src/models/hf.js';

const ref = (text: string) => {
  const r = parseHfRef(text);
  if ('problem' in r) throw new Error(r.problem);
  return r;
};

describe('hf: sources', () => {
  it('reads owner, repository, a file in folders and the revision, which defaults to main', () => {
    expect(ref('hf:ggml-org/gemma-3-1b-it-GGUF/gemma-3-1b-it-Q4_K_M.gguf')).toEqual({
      owner: 'ggml-org',
      repo: 'gemma-3-1b-it-GGUF',
      file: 'gemma-3-1b-it-Q4_K_M.gguf',
      revision: 'main',
    });
    expect(ref('hf:unsloth/Qwen3-GGUF/Q4_K_M/Qwen3-00001-of-00002.gguf@refs/pr/1')).toMatchObject({
      file: 'Q4_K_M/Qwen3-00001-of-00002.gguf',
      revision: 'refs/pr/1',
    });
  });

  it('says what is wrong with a malformed reference', () => {
    const problem = (text: string) => (parseHfRef(text) as { problem: string }).problem;
    expect(problem('hf:ggerganov/whisper.cpp')).toBe(
      'expected hf:OWNER/REPO/FILE[@REVISION]: owner, repository and file are all needed',
    );
    expect(problem('hf:-bad/repo/f.bin')).toBe('"-bad" is not a valid hub owner name (letters, digits, "-", "_", ".")');
    expect(problem('hf:o/r/../etc/passwd')).toBe('"../etc/passwd" is not a file path inside the repository');
    expect(problem('hf:o/r/f.bin@')).toBe('"" is not a revision (branch, tag or commit)');
  });

  it('resolves to ENDPOINT/OWNER/REPO/resolve/REVISION/FILE, escaping the revision whole, the file per folder', () => {
    const hub = hubFromEnv({ HF_ENDPOINT: 'http://mirror.test:8080/' });
    expect(resolveUrl(ref('hf:ggerganov/whisper.cpp/ggml-tiny.en.bin'), hub).href).toBe(
      'http://mirror.test:8080/ggerganov/whisper.cpp/resolve/main/ggml-tiny.en.bin',
    );
    expect(resolveUrl(ref('hf:o/r/a b/c#1.gguf@refs/pr/1'), hub).href).toBe(
      'http://mirror.test:8080/o/r/resolve/refs%2Fpr%2F1/a%20b/c%231.gguf',
    );
  });

  it('reads HF_TOKEN and HF_ENDPOINT, defaulting to the public hub and no token', () => {
    expect(hubFromEnv({})).toEqual({ endpoint: 'https://huggingface.co', token: undefined });
    expect(hubFromEnv({ HF_TOKEN: ' hf_abc ', HF_ENDPOINT: '' })).toEqual({
      endpoint: 'https://huggingface.co',
      token: 'hf_abc',
    });
  });

  it('explains 401, 403 and 404 by what the hub says (X-Error-Code) and whether a token was sent', () => {
    const r = ref('hf:corp/llama-GGUF/q4.gguf@v2');
    const hub = hubFromEnv({});
    const why = (status: number, code: string | undefined, token: boolean) =>
      explainHubRefusal(r, hub, status, code, token);
    expect(why(401, 'GatedRepo', false)).toMatch(/^corp\/llama-GGUF is gated or private: set HF_TOKEN/);
    expect(why(401, 'RepoNotFound', false)).toMatch(/gated or private: set HF_TOKEN/);
    expect(why(403, 'GatedRepo', true)).toBe(
      'corp/llama-GGUF is gated and HF_TOKEN has not been granted access: ' +
        'accept its terms at https://huggingface.co/corp/llama-GGUF',
    );
    expect(why(404, 'EntryNotFound', true)).toBe('no such file in corp/llama-GGUF at v2: q4.gguf');
    expect(why(404, 'RevisionNotFound', false)).toBe('no revision v2 in corp/llama-GGUF');
    expect(why(500, undefined, false)).toBeUndefined();
  });
});
