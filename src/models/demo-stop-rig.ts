// Makes a random-weight model answer a fixed reply and then its end-of-turn token, whatever the prompt: the `eot=N`
// knob of `demo:llama?template=…`. Random weights alone never pick one token out of hundreds, so tests could not see
// generation stop at end-of-turn. The blocks still run but write nothing to the residual stream (`attn_output` and
// `ffn_down` are zero), so the last layer sees the current token's embedding, whose last few dimensions hold a one-hot
// "state": token i of the reply, or any other token. The output matrix maps each state to the next token with a
// weight that outvotes the random rest, so greedy and sampled decoding alike follow reply[0] … reply[N-1], end-of-turn.
// Zeroing only the state dimensions' rows was not enough: from 200 MB up (8 blocks of width 1024) the random blocks
// grow the residual so much that the normalized state shrinks to noise (p = 0.64 for a byte token).
import type { TensorSpec } from '../../common/formats/gguf/write.js';

/** f16 bits of 64 and 16: the state's value in the embedding and the vote of a state for its next token. */
const STATE_VALUE = 0x5400;
const NEXT_VOTE = 0x4c00;

export interface StopRig {
  /** Token ids of the reply, in order; any other token is state 0, which votes for reply[0]. */
  reply: number[];
  /** Token id that follows the whole reply. */
  eot: number;
}

/** Writes chosen f16 cells of a row-major tensor as its data streams through `fill`, chunk by chunk. */
function patchRows(
  spec: TensorSpec,
  rowLength: number,
  cellsOf: (row: number) => Iterable<[col: number, bits: number]>,
): TensorSpec {
  let at = 0; // elements of this tensor already filled
  return {
    ...spec,
    fill(buf) {
      spec.fill(buf);
      const cells = new Uint16Array(buf.buffer, buf.byteOffset, buf.length >>> 1);
      const end = at + cells.length;
      for (let row = Math.floor(at / rowLength); row * rowLength < end; row++)
        for (const [col, bits] of cellsOf(row)) {
          const i = row * rowLength + col - at;
          if (i >= 0 && i < cells.length) cells[i] = bits;
        }
      at = end;
    },
  };
}

/** Zero data, drawn after the random data it replaces so the tensors after it keep the bytes they had. */
const zeroed = (spec: TensorSpec): TensorSpec => ({
  ...spec,
  fill(buf) {
    spec.fill(buf);
    buf.fill(0);
  },
});

/** Rigs the tensors of a model with embedding width `width` (see the file comment); other tensors pass unchanged. */
export function rigForStop(tensors: TensorSpec[], width: number, rig: StopRig): TensorSpec[] {
  const states = rig.reply.length + 1;
  if (new Set(rig.reply).size !== rig.reply.length)
    throw new Error('the reply repeats a token: its states would clash');
  if (states > width / 2)
    throw new Error(`a reply of ${rig.reply.length} tokens needs an embedding wider than ${width}`);
  const dims = Array.from({ length: states }, (_, s) => width - states + s);
  const stateOf = new Map(rig.reply.map((token, i) => [token, i + 1]));
  const nextOf = new Map(dims.map((_, s) => [s < rig.reply.length ? rig.reply[s]! : rig.eot, s]));
  const oneHot = (s: number | undefined, bits: number): [number, number][] =>
    dims.map((d, i) => [d, i === s ? bits : 0]);
  return tensors.map((t) => {
    if (t.name === 'token_embd.weight') return patchRows(t, width, (tok) => oneHot(stateOf.get(tok) ?? 0, STATE_VALUE));
    if (t.name === 'output.weight') return patchRows(t, width, (tok) => oneHot(nextOf.get(tok), NEXT_VOTE));
    if (/^blk\.\d+\.(attn_output|ffn_down)\.weight$/.test(t.name)) return zeroed(t);
    return t;
  });
}
