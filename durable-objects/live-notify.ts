// SlotDO → LiveDO: tells the event's hub about a seat change (issue #14), off the booking path.
// The SlotDO calls `slotChanged()` after a change is written and returns at once; right after (a microtask, not
// a timer: a busy isolate runs timers late) the notifier sends the slot's state as it is *then*,
// one call at a time per slot, so the hub receives a slot's reports in order and every change
// made while a call is in flight goes out together in the next one (the coalescing window is
// the call itself, a few ms). The call leaves only once the change is durable (the output gate).
// Retried a few times (a hub that restarted still hears), then given up quietly: the hub's
// periodic check against D1 and the SlotDO repairs what is lost. Seats are decided by the SlotDO
// alone; nothing here can change or delay one.
//
// Which event's hub: the slot's event, as the booking that seats it says (StudentDO passes it to
// `take`), kept in the SlotDO's storage; read from D1 only for a slot that never heard it.
import { errorFields, logLine } from "../worker/lib/log.ts";
import { liveStub, slotIdOfName } from "../worker/lib/objects.ts";

/** What a slot reports: its seats, whether it is blocked, and its capacity when the slot itself set one. */
export interface SeatState {
  taken: number;
  blocked?: boolean;
  capacity?: number;
}

const RETRY_MS = [50, 250, 1000];
const ROUTE_KEY = "live:eventId";

const warn = (msg: string, slotId: string | null, err: unknown) => logLine("warn", msg, { slotId, ...errorFields(err) });

export class LiveNotifier {
  /** When the oldest change not yet reported happened (null: nothing to report). */
  private dirtySince: number | null = null;
  private scheduled = false;
  private sending = false;
  private eventId: string | null = null;
  private readonly slotId: string | null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly state: () => SeatState,
  ) {
    this.slotId = slotIdOfName(ctx.id.name);
  }

  /**
   * The one hook: call it after any change to what the slot shows (seats, and later capacity or
   * blocking, reported through the `state` callback), once the change is written, with the slot's
   * event when the caller knows it. Never awaits, never throws.
   */
  slotChanged(eventId?: string): void {
    if (!this.slotId) return;
    if (eventId && !this.eventId) this.remember(eventId);
    this.dirtySince ??= Date.now();
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.sending) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.send();
    });
  }

  private async send(): Promise<void> {
    this.sending = true;
    let failures = 0;
    try {
      const eventId = await this.route();
      if (!eventId) {
        this.dirtySince = null;
        return;
      }
      while (this.dirtySince !== null) {
        const at = this.dirtySince;
        this.dirtySince = null;
        try {
          await liveStub(this.env, eventId).report([{ slotId: this.slotId!, at, ...this.state() }]);
          failures = 0;
        } catch (err) {
          // A newer change may have come meanwhile: it is reported with the older time, never lost.
          this.dirtySince = Math.min(this.dirtySince ?? at, at);
          if (failures >= RETRY_MS.length) {
            warn("live hub unreachable; seat change not pushed", this.slotId, err);
            this.dirtySince = null;
            return;
          }
          await new Promise((r) => setTimeout(r, RETRY_MS[failures++]));
        }
      }
    } catch (err) {
      warn("live notification failed", this.slotId, err);
      this.dirtySince = null;
    } finally {
      this.sending = false;
      if (this.dirtySince !== null) this.schedule();
    }
  }

  private remember(eventId: string): void {
    this.eventId = eventId;
    if (this.ctx.storage.kv.get<string>(ROUTE_KEY) !== eventId) this.ctx.storage.kv.put(ROUTE_KEY, eventId);
  }

  private async route(): Promise<string | null> {
    if (this.eventId) return this.eventId;
    const kept = this.ctx.storage.kv.get<string>(ROUTE_KEY);
    if (kept) return (this.eventId = kept);
    const row = await this.env.DB.prepare("SELECT event_id FROM slots WHERE id = ?").bind(this.slotId).first<{ event_id: string }>();
    if (!row) return null;
    this.remember(row.event_id);
    return row.event_id;
  }
}
