// The hub's sockets (LiveDO) and who listens to what. Subscriptions live in each socket's
// attachment, so they survive hibernation; the index by company is rebuilt from the attachments
// the first time it is needed after the hub wakes up.
import type { LiveSubscribe } from "../worker/domain/contract.ts";

/** A socket's subscription (LiveSubscribe, normalised): `catalogue` is every company's total. */
export type Subscription = Pick<LiveSubscribe, "companyIds"> & { catalogue: boolean; stats: boolean; batch: boolean };

interface Index {
  byCompany: Map<string, Set<WebSocket>>;
  catalogue: Set<WebSocket>;
  stats: Set<WebSocket>;
  batched: Set<WebSocket>;
  subscribed: Set<WebSocket>;
}

export class LiveSockets {
  private index: Index | null = null;

  constructor(private readonly ctx: DurableObjectState) {}

  count(): number {
    return this.ctx.getWebSockets().length;
  }

  subscribe(ws: WebSocket, sub: Subscription): void {
    this.unindex(ws);
    ws.serializeAttachment(sub);
    this.add(this.built(), ws, sub);
  }

  remove(ws: WebSocket): void {
    this.unindex(ws);
  }

  /** The sockets that hear about a company's seats: its subscribers and the catalogue's. */
  *forCompany(companyId: string): Iterable<WebSocket> {
    const idx = this.built();
    yield* idx.byCompany.get(companyId) ?? [];
    yield* idx.catalogue;
  }

  subscribed(): Iterable<WebSocket> {
    return this.built().subscribed;
  }

  statsListeners(): Iterable<WebSocket> {
    return this.built().stats;
  }

  /** The socket takes frames carrying an array of messages. */
  batches(ws: WebSocket): boolean {
    return this.built().batched.has(ws);
  }

  /** A socket gone wrong is dropped, never an error for the others. */
  send(ws: WebSocket, text: string): void {
    try {
      ws.send(text);
    } catch {
      this.unindex(ws);
    }
  }

  private built(): Index {
    if (this.index) return this.index;
    const idx: Index = { byCompany: new Map(), catalogue: new Set(), stats: new Set(), batched: new Set(), subscribed: new Set() };
    for (const ws of this.ctx.getWebSockets()) {
      const sub = ws.deserializeAttachment() as Subscription | null;
      if (sub) this.add(idx, ws, sub);
    }
    return (this.index = idx);
  }

  private add(idx: Index, ws: WebSocket, sub: Subscription): void {
    idx.subscribed.add(ws);
    if (sub.stats) idx.stats.add(ws);
    if (sub.batch) idx.batched.add(ws);
    if (sub.catalogue) idx.catalogue.add(ws);
    else
      for (const id of sub.companyIds) {
        let set = idx.byCompany.get(id);
        if (!set) idx.byCompany.set(id, (set = new Set()));
        set.add(ws);
      }
  }

  private unindex(ws: WebSocket): void {
    const idx = this.index;
    if (!idx || !idx.subscribed.delete(ws)) return;
    idx.catalogue.delete(ws);
    idx.stats.delete(ws);
    idx.batched.delete(ws);
    const sub = ws.deserializeAttachment() as Subscription | null;
    for (const id of sub?.companyIds ?? []) {
      const set = idx.byCompany.get(id);
      if (set?.delete(ws) && set.size === 0) idx.byCompany.delete(id);
    }
  }
}
