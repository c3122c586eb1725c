// A small byte-level BPE vocabulary, as GPT-2-style tokenizers store it in a GGUF (`tokenizer.ggml.model = gpt2`):
// 256 byte tokens written in a printable alphabet (so any text tokenizes), tokens learned by merging the most frequent
// adjacent pair over a word list, and the merge list llama.cpp ranks them by.

/**
 * Byte → character, as byte-level BPE vocabularies write bytes: printable Latin-1 bytes stand for themselves, the
 * others (controls, space, DEL, no-break space, soft hyphen) take code points from 256 up in byte order; a space reads
 * `Ġ`, a newline `Ċ`.
 */
export const BYTE_CHARS: readonly string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : next++));
})();

/** Text as a byte-level vocabulary writes it: its UTF-8 bytes, each as its character. */
export function byteLevel(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => BYTE_CHARS[b]).join('');
}

export interface BpeVocabulary {
  /** Byte tokens first (in byte order), then every token a merge made, in the order they were learned. */
  tokens: string[];
  /** `left right` pairs, best rank first. */
  merges: string[];
}

/** Splits words into symbols (characters of the byte-level text) for training. */
const symbolsOf = (word: string) => [...byteLevel(word)];

/**
 * Learns merges over `words` (already pre-tokenized: `' world'` keeps its leading space) until each word is one token:
 * each round merges the most frequent adjacent pair, ties to the pair seen first, so the result is deterministic.
 */
export function trainBpe(words: readonly string[]): BpeVocabulary {
  const tokens = [...BYTE_CHARS];
  const known = new Set(tokens);
  const merges: string[] = [];
  const pieces = words.map(symbolsOf);
  for (;;) {
    const counts = new Map<string, number>();
    for (const p of pieces)
      for (let i = 0; i + 1 < p.length; i++) {
        const pair = `${p[i]} ${p[i + 1]}`;
        counts.set(pair, (counts.get(pair) ?? 0) + 1);
      }
    let best: string | undefined;
    for (const [pair, n] of counts) if (best === undefined || n > counts.get(best)!) best = pair;
    if (best === undefined) break;
    const [left, right] = best.split(' ') as [string, string];
    merges.push(best);
    if (!known.has(left + right)) {
      known.add(left + right);
      tokens.push(left + right);
    }
    for (const p of pieces)
      for (let i = 0; i + 1 < p.length; i++) if (p[i] === left && p[i + 1] === right) p.splice(i, 2, left + right);
  }
  return { tokens, merges };
}
