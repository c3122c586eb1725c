// A pool of interchangeable resources (llama instances, context sequences, OCR workers): take one, use it, give it back.

export class Pool<T> {
  private idle: T[] = [];
  private waiters: ((item: T) => void)[] = [];

  /** Puts an item into service; it goes straight to the longest waiter if there is one. */
  add(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.idle.push(item);
  }

  acquire(): Promise<T> {
    const item = this.idle.shift();
    return item !== undefined ? Promise.resolve(item) : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Runs `fn` with an item and always returns the item, whatever `fn` does. */
  async use<R>(fn: (item: T) => Promise<R>): Promise<R> {
    const item = await this.acquire();
    try {
      return await fn(item);
    } finally {
      this.add(item);
    }
  }

  get waiting(): number {
    return this.waiters.length;
  }
}
