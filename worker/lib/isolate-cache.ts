// A value kept in the isolate's memory for a few seconds, shared by every request it serves.
//
// Within `ttlMs` the value is served as is. Past it, the one request that finds it stale reloads
// it (and waits for that read) while every other request keeps the current value, so a herd never
// queues behind D1. If the reload fails, the old value is served up to `maxStaleMs`; with nothing
// to serve, the failure propagates. `ttlMs` 0 means always load (tests, paranoid deployments).
//
// Workers rule: a promise may only settle in the request that created it (its I/O belongs to that
// request). So a reload is always awaited by the request that started it, never left running
// behind a response for others to pick up.
export class IsolateCache<T> {
  private entry: { value: T; at: number } | null = null;
  private loading: Promise<T> | null = null;
  private generation = 0;

  constructor(private readonly maxStaleMs = 30_000) {}

  invalidate(): void {
    this.entry = null;
    this.generation++;
  }

  async get(ttlMs: number, load: () => Promise<T>, onStale?: (err: unknown) => void): Promise<T> {
    const e = this.entry;
    const age = e ? Date.now() - e.at : Infinity;
    if (e && age < ttlMs) return e.value;
    if (e && ttlMs > 0 && age < this.maxStaleMs) {
      if (this.loading) return e.value;
      try {
        return await this.refresh(load);
      } catch (err) {
        onStale?.(err);
        return e.value;
      }
    }
    return this.refresh(load);
  }

  private refresh(load: () => Promise<T>): Promise<T> {
    if (!this.loading) {
      const gen = this.generation;
      this.loading = load()
        .then((value) => {
          if (gen === this.generation) this.entry = { value, at: Date.now() };
          return value;
        })
        .finally(() => {
          this.loading = null;
        });
    }
    return this.loading;
  }
}
