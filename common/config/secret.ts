// A value that must never be shown: the admin token. It prints as "(set)" in JSON, strings and inspection, so a
// config can be logged, written to a state file or printed by `validate --json` without leaking it; `reveal` is the
// one way in.
import { timingSafeEqual } from 'node:crypto';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself: only for comparing with what a caller sent, or for handing to a child's environment. */
  reveal(): string {
    return this.#value;
  }

  /** Compares in constant time, so the answer's timing says nothing about how much of a guess was right. */
  matches(candidate: string): boolean {
    const a = Buffer.from(this.#value);
    const b = Buffer.from(candidate);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  equals(other: Secret | undefined): boolean {
    return other !== undefined && this.matches(other.#value);
  }

  toJSON(): string {
    return '(set)';
  }

  toString(): string {
    return '(secret)';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret(set)';
  }
}
