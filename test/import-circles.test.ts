import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCircles } from './helpers/import-circles.js';
import { tempDir } from './helpers/tmp.js';

describe('imports', () => {
  it('form no circle inside servers/, src/, common/ and bench/, type-only imports included', () => {
    expect(importCircles(['servers', 'src', 'common', 'bench'])).toEqual([]);
  });

  it('are seen to form a circle when two files import each other, even for a type alone', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport type A = B;\n");
    writeFileSync(
      join(dir, 'b.ts'),
      "import { x } from './c.js';\nimport type { A } from './a.js';\nexport type B = A;\n",
    );
    writeFileSync(join(dir, 'c.ts'), 'export const x = 1;\n');
    const circles = importCircles([dir]);
    expect(circles).toHaveLength(1);
    expect(circles[0]!.map((f) => f.split('/').at(-1))).toEqual(['a.ts', 'b.ts']);
  });
});
