import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStackState } from '../../src/supervisor/state-file.js';
import { tempDir } from '../helpers/tmp.js';

/** A .modelctl folder holding `text` as its state.json. */
function stateDirWith(text: string): string {
  const dir = join(tempDir(), '.modelctl');
  mkdirSync(dir);
  writeFileSync(join(dir, 'state.json'), text);
  return dir;
}

describe('state file', () => {
  it('says no stack runs when there is no state file', () => {
    expect(readStackState(join(tempDir(), '.modelctl'))).toBeUndefined();
  });

  it('reads a stack’s state', () => {
    const state = { supervisorPid: 12, config: '/m.yaml', startedAt: '', detached: false, servers: [] };
    expect(readStackState(stateDirWith(JSON.stringify(state)))).toEqual(state);
  });

  it('calls a corrupt or foreign file what it is, with what to do, never "no stack"', () => {
    expect(() => readStackState(stateDirWith('{"supervisorPid": 1'))).toThrow(
      /state\.json is corrupt \(.*\); if no modelctl supervisor is running, delete it$/,
    );
    expect(() => readStackState(stateDirWith('{"hello": "world"}'))).toThrow(
      /state\.json is not a modelctl state file \(no supervisorPid or servers\); if no modelctl supervisor/,
    );
  });
});
