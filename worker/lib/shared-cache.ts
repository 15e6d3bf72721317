// A value read by many requests, kept at two levels in front of its loader (D1): this isolate's
// memory, then the Workers Cache API (shared by every isolate of the data centre). Within
// `freshMs` of its load a value is served as is; up to `staleMs` later it is still served, while
// one request per isolate reloads it in the background (stale-while-revalidate); past that, the
// request that needs it loads it and the others of the isolate wait for the result.
//
// Workers rule: a promise settles only in the request that created it. So nothing here is a
// promise shared between requests: a background reload belongs to the request that started it
// (ctx.waitUntil), and a request waiting for another's load polls this isolate's memory.
//
// Invalidation (`purge`) drops both levels in this data centre; other isolates drop their memory
// copy within `freshMs`. On workers.dev the Cache API keeps nothing: memory alone then serves.
import { errorFields, logLine } from "./log.ts";

export interface CachePolicy {
  freshMs: number;
  staleMs: number;
}

export interface RequestScope {
  /** Any URL of the request: its origin keys the Cache API entry (a custom domain's zone). */
  url: string;
  waitUntil(p: Promise<unknown>): void;
}

interface Entry<T> {
  value: T;
  storedAt: number;
}

/** A failed reload keeps serving the last value this long (D1 away), then the failure shows. */
const SERVE_THROUGH_FAILURE_MS = 30_000;
/** A load by another request of the isolate is waited for this long before loading anyway. */
const WAIT_FOR_PEER_MS = 3_000;
const POLL_MS = 10;
const STORED_AT = "x-stored-at";

/** The clock of freshness (entry ages); a field so that tests can age entries without waiting. */
export const cacheClock = { now: (): number => Date.now() };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string, err: unknown) => logLine("warn", msg, errorFields(err));

export class SharedCache<T> {
  private entry: Entry<T> | null = null;
  /** When a request of this isolate started loading (0: none); a hung one is ignored after a while. */
  private busySince = 0;
  private generation = 0;

  /** `name` is the Cache API key's path. */
  constructor(private readonly name: string) {}

  private now(): number {
    return cacheClock.now();
  }

  async get(scope: RequestScope, policy: CachePolicy, load: () => Promise<T>): Promise<T> {
    let e = this.usable(this.entry, policy) ? this.entry : null;
    if (!e && this.busy()) e = await this.waitForPeer(policy);
    if (!e) return this.fetchNow(scope, policy, load);
    if (this.now() - e.storedAt >= policy.freshMs) this.revalidate(scope, policy, load);
    return e.value;
  }

  /** Drops this isolate's copy and the data centre's; a load already running is not kept. */
  async purge(scope: Pick<RequestScope, "url">): Promise<void> {
    this.entry = null;
    this.generation++;
    await (await caches.open("shared")).delete(this.key(scope));
  }

  private usable(e: Entry<T> | null, p: CachePolicy): e is Entry<T> {
    return e !== null && this.now() - e.storedAt < p.freshMs + p.staleMs;
  }

  private busy(): boolean {
    return this.busySince !== 0 && Date.now() - this.busySince < WAIT_FOR_PEER_MS;
  }

  private key(scope: Pick<RequestScope, "url">): string {
    return `${new URL(scope.url).origin}/__shared/${this.name}`;
  }

  private keep(e: Entry<T>): void {
    if (!this.entry || e.storedAt > this.entry.storedAt) this.entry = e;
  }

  private async fromCacheApi(scope: RequestScope, p: CachePolicy): Promise<Entry<T> | null> {
    try {
      const res = await (await caches.open("shared")).match(this.key(scope));
      if (!res) return null;
      const e: Entry<T> = { value: (await res.json()) as T, storedAt: Number(res.headers.get(STORED_AT)) };
      if (!this.usable(e, p)) return null;
      this.keep(e);
      return e;
    } catch (err) {
      log(`shared cache ${this.name}: Cache API read failed`, err);
      return null;
    }
  }

  private async toCacheApi(scope: RequestScope, p: CachePolicy, e: Entry<T>): Promise<void> {
    try {
      const ttl = Math.ceil((p.freshMs + p.staleMs) / 1000);
      const res = new Response(JSON.stringify(e.value), {
        headers: { "content-type": "application/json", "cache-control": `max-age=${ttl}`, [STORED_AT]: String(e.storedAt) },
      });
      await (await caches.open("shared")).put(this.key(scope), res);
    } catch (err) {
      log(`shared cache ${this.name}: Cache API write failed`, err);
    }
  }

  /** Nothing usable in memory: the data centre's copy, else the loader. */
  private async fetchNow(scope: RequestScope, p: CachePolicy, load: () => Promise<T>): Promise<T> {
    const last = this.entry;
    const gen = this.generation;
    let staleShared = false;
    this.busySince = Date.now();
    try {
      const shared = await this.fromCacheApi(scope, p);
      if (shared) {
        staleShared = this.now() - shared.storedAt >= p.freshMs;
        return shared.value;
      }
      const e = { value: await load(), storedAt: this.now() };
      if (gen === this.generation) {
        this.keep(e);
        scope.waitUntil(this.toCacheApi(scope, p, e));
      }
      return e.value;
    } catch (err) {
      if (last && this.now() - last.storedAt < p.freshMs + p.staleMs + SERVE_THROUGH_FAILURE_MS) {
        log(`shared cache ${this.name}: load failed; serving the last value`, err);
        return last.value;
      }
      throw err;
    } finally {
      this.busySince = 0;
      if (staleShared) this.revalidate(scope, p, load);
    }
  }

  /** One background reload per isolate; another isolate may have refreshed the Cache API already. */
  private revalidate(scope: RequestScope, p: CachePolicy, load: () => Promise<T>): void {
    if (this.busy()) return;
    const gen = this.generation;
    this.busySince = Date.now();
    scope.waitUntil(
      (async () => {
        try {
          const shared = await this.fromCacheApi(scope, p);
          if (shared && this.now() - shared.storedAt < p.freshMs) return;
          const e = { value: await load(), storedAt: this.now() };
          if (gen !== this.generation) return;
          this.keep(e);
          await this.toCacheApi(scope, p, e);
        } catch (err) {
          log(`shared cache ${this.name}: background reload failed`, err);
        } finally {
          this.busySince = 0;
        }
      })(),
    );
  }

  private async waitForPeer(p: CachePolicy): Promise<Entry<T> | null> {
    const until = Date.now() + WAIT_FOR_PEER_MS;
    while (this.busy() && Date.now() < until) {
      await sleep(POLL_MS);
      if (this.usable(this.entry, p)) return this.entry;
    }
    return this.usable(this.entry, p) ? this.entry : null;
  }
}
