/** At most this many calls per batch (one Redis script call each), so no script runs for long. */
export const TURN_BATCH_MAX = 256;

interface Waiting<T, R> {
  item: T;
  resolve(result: R | null): void;
  reject(error: unknown): void;
}

/**
 * Collects calls by key (a leaderboard season's index) until `flush`, then sends each key's calls
 * in one go. `send` answers one result per item in order, or null when the whole batch cannot be
 * served (the index is missing): every caller then gets null. A failed send fails every caller of
 * that batch. Scheduling the flush is the owner's business (LeaderboardIndex: once per turn of
 * the event loop).
 */
export class TurnBatches<K, T, R> {
  private batches = new Map<string, { key: K; waiting: Array<Waiting<T, R>> }>();

  constructor(private readonly send: (key: K, items: T[]) => Promise<Array<R> | null>) {}

  add(id: string, key: K, item: T): Promise<R | null> {
    let batch = this.batches.get(id);
    if (!batch) this.batches.set(id, (batch = { key, waiting: [] }));
    const waiting = batch.waiting;
    return new Promise((resolve, reject) => waiting.push({ item, resolve, reject }));
  }

  flush(): void {
    const batches = this.batches;
    this.batches = new Map();
    for (const { key, waiting } of batches.values()) {
      for (let start = 0; start < waiting.length; start += TURN_BATCH_MAX) {
        this.sendChunk(key, waiting.slice(start, start + TURN_BATCH_MAX));
      }
    }
  }

  private sendChunk(key: K, waiting: Array<Waiting<T, R>>): void {
    let sent: Promise<Array<R> | null>;
    try {
      sent = this.send(
        key,
        waiting.map((w) => w.item),
      );
    } catch (error) {
      for (const w of waiting) w.reject(error);
      return;
    }
    sent.then(
      (results) => {
        for (let i = 0; i < waiting.length; i++) waiting[i]!.resolve(results === null ? null : results[i]!);
      },
      (error: unknown) => {
        for (const w of waiting) w.reject(error);
      },
    );
  }
}
