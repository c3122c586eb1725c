// A shared/exclusive gate: any number of holders share it, or one holds it alone. Waiters are served in order, so a
// waiting exclusive holder is not starved by a stream of shared ones.

type Waiter = { exclusive: boolean; grant: () => void };

export class Gate {
  private shared = 0;
  private exclusive = false;
  private waiters: Waiter[] = [];

  /** Resolves with a release function once the gate is held. */
  acquire(exclusive: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        if (exclusive) this.exclusive = true;
        else this.shared += 1;
        resolve(this.releaser(exclusive));
      };
      this.waiters.push({ exclusive, grant });
      this.pump();
    });
  }

  private releaser(exclusive: boolean): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (exclusive) this.exclusive = false;
      else this.shared -= 1;
      this.pump();
    };
  }

  private pump(): void {
    while (this.waiters.length > 0 && !this.exclusive) {
      const next = this.waiters[0]!;
      if (next.exclusive && this.shared > 0) return;
      this.waiters.shift();
      next.grant();
    }
  }

  /** Holders right now (for tests and metrics). */
  get holders(): number {
    return this.exclusive ? 1 : this.shared;
  }
}
