import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/models/source.js';

describe('model sources', () => {
  it('reads size and seed from a demo source, seeding by model name by default', () => {
    expect(parseSource('demo:llama?size=200MB&seed=2', 'chat')).toMatchObject({
      kind: 'demo',
      engine: 'llama',
      bytes: 200_000_000,
      seed: '2',
    });
    expect(parseSource('demo:llama', 'chat')).toMatchObject({
      kind: 'demo',
      engine: 'llama',
      bytes: undefined,
      seed: 'chat',
    });
  });
  it('accepts http(s) URLs and refuses other schemes and bad sizes', () => {
    expect(parseSource('https://example.test/m.gguf', 'm')).toMatchObject({ kind: 'url' });
    expect(() => parseSource('ftp://x/y', 'm')).toThrow('ftp: URLs are not supported');
    expect(() => parseSource('demo:llama?size=big', 'm')).toThrow('size=big is not a size');
    expect(() => parseSource('models/x.gguf', 'm')).toThrow(
      'is neither demo:<kind>, hf:OWNER/REPO/FILE[@REVISION] nor a URL',
    );
  });
});
