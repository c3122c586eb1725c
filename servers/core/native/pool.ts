// A pool of interchangeable resources (llama instances, context sequences, OCR workers): take one, use it, give it
// back.

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

/**
 * A pool that makes its first item at once and more, up to `max`, only while requests wait: cold start pays for one.
 */
export class ElasticPool<T> extends Pool<T> {
  private made: Promise<T>[] = [];

  constructor(
    private readonly create: () => Promise<T>,
    private readonly max: number,
  ) {
    super();
  }

  /** Makes the first item; the load of a model is this call. */
  async start(): Promise<void> {
    this.add(await this.make());
  }

  private make(): Promise<T> {
    const item = this.create();
    this.made.push(item);
    return item;
  }

  override acquire(): Promise<T> {
    const got = super.acquire();
    if (this.waiting > 0 && this.made.length < this.max) {
      // Growth is best effort: if another instance cannot be made, requests keep sharing the ones there are.
      this.make().then(
        (item) => this.add(item),
        () => {},
      );
    }
    return got;
  }

  /** Every item made, for shutdown. */
  async all(): Promise<T[]> {
    const settled = await Promise.allSettled(this.made);
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }
}
