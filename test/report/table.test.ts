import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/report/table.js';

describe('plain text tables', () => {
  it('pads each column to its widest cell, two spaces apart, with no trailing blanks', () => {
    expect(
      formatTable(
        ['A', 'BB'],
        [
          ['xxx', 'y'],
          ['z', ''],
        ],
      ),
    ).toEqual(['A    BB', 'xxx  y', 'z']);
  });

  it('takes a missing cell as empty', () => {
    expect(formatTable(['A', 'B', 'C'], [['1']])).toEqual(['A  B  C', '1']);
  });
});
