// What a server remembers about each model file across restarts: crashes it was in flight for, whether it is
// quarantined, and whether its first-sight check passed. Kept per file identity: a replaced file starts clean.
import { join } from 'node:path';
import { messageOf } from '../../../common/errors.js';
import { readJsonFile, writeJsonAtomically } from '../../../common/json-file.js';

export interface ModelMemo {
  identity: string;
  /** Crashes of the server while this model was in native code, since it last proved itself. */
  crashes: number;
  /** Whether the last crash came while loading or while serving. */
  crashedWhile?: 'loading' | 'serving';
  /** Load attempts used when the last crash came. */
  attemptsUsed?: number;
  /** What happened, in words, e.g. "crashed the llm server while loading (SIGABRT: GGML_ASSERT(...))". */
  lastCrash?: string;
  /** Set once convicted: the reason requests and `/health` give. */
  quarantined?: string;
  /** The first-sight check ran one inference on this file and it answered. */
  verified?: boolean;
}

export function modelMemoryFile(stateDir: string, server: string): string {
  return join(stateDir, 'models', `${server}.json`);
}

export class ModelMemory {
  private memos: Record<string, ModelMemo>;

  constructor(private readonly file: string) {
    let read: Record<string, ModelMemo> | undefined;
    try {
      read = readJsonFile<Record<string, ModelMemo>>(file);
    } catch (err) {
      // A memory that cannot be read is started again, and said so: the server must come up.
      console.error(`warning: ${messageOf(err)}; starting with no memory of earlier crashes`);
    }
    this.memos = read ?? {};
  }

  /** The memo of `model` for the file as it is now; a different identity (the file was replaced) starts clean. */
  get(model: string, identity: string | undefined): ModelMemo {
    const memo = this.memos[model];
    if (identity === undefined) return { identity: '', crashes: 0 };
    return memo && memo.identity === identity ? memo : { identity, crashes: 0 };
  }

  /** Changes the memo of `model` and saves the whole memory. */
  update(model: string, identity: string | undefined, change: (memo: ModelMemo) => void): ModelMemo {
    const memo = { ...this.get(model, identity) };
    change(memo);
    if (identity !== undefined) {
      this.memos[model] = memo;
      writeJsonAtomically(this.file, this.memos);
    }
    return memo;
  }

  /** Forgets everything about `model` (quarantine lifted by hand). */
  forget(model: string): void {
    delete this.memos[model];
    writeJsonAtomically(this.file, this.memos);
  }
}
