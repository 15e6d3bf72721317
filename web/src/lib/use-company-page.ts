// A company's page: its offers and slots (a cached public read), the live seats laid over them,
// and the booking of a slot with its outcome (a refusal brings the nearest free slots).
import { useEffect, useState } from "preact/hooks";
import type { Booking, CompanyDetail, SlotAvailability } from "../../../worker/domain/contract.ts";
import { overlaps, slotStarted } from "../../../worker/domain/rules.ts";
import { ApiFailure, get } from "./api.ts";
import { book as bookSlot, bookings } from "./bookings.ts";
import { event, serverNow } from "./event.ts";
import { liveView } from "./live.ts";
import { useLive } from "./use-live.ts";

export type Outcome = { kind: "ok"; booking: Booking } | { kind: "refused"; error: unknown; slotId: string; alternatives: SlotAvailability[] };

export const freeOf = (s: SlotAvailability) => Math.max(0, s.capacity - s.taken);
/** Bookable now: not blocked by the company, not started (nor within the event's cutoff). */
export const bookableNow = (s: SlotAvailability, now: number, cutoffMinutes: number) => !s.blocked && !slotStarted(Date.parse(s.startsAt), now, cutoffMinutes);
const span = (x: { startsAt: string; endsAt: string }) => ({ startsAt: Date.parse(x.startsAt), endsAt: Date.parse(x.endsAt) });

/** The live seats over the page's slots: the socket (or the poll) is fresher than the page's read. */
const withLive = (slots: SlotAvailability[]) =>
  slots.map((s) => {
    const l = liveView.slots.get(s.id);
    return l ? { ...s, taken: Math.min(l.taken, l.capacity), capacity: l.capacity, blocked: l.blocked ?? false } : s;
  });

/** The nearest free slots to the one that filled up, that do not collide with the student's bookings. */
function nearestFree(slots: SlotAvailability[], refused: SlotAvailability, mine: Booking[]): SlotAvailability[] {
  const at = Date.parse(refused.startsAt);
  const now = serverNow();
  const cutoff = event.get()?.bookingCutoffMinutes ?? 0;
  return slots
    .filter((s) => s.id !== refused.id && freeOf(s) > 0 && bookableNow(s, now, cutoff) && !mine.some((b) => overlaps(span(b), span(s))))
    .sort((a, b) => Math.abs(Date.parse(a.startsAt) - at) - Math.abs(Date.parse(b.startsAt) - at))
    .slice(0, 3)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

export function useCompanyPage(id: string) {
  const [data, setData] = useState<CompanyDetail | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const live = useLive({ companyIds: [id] });

  const refresh = async () => {
    try {
      const d = await get<CompanyDetail>(`/companies/${id}`);
      setData(d);
      setLoadError(null);
      return d;
    } catch (err) {
      setLoadError(err);
      return null;
    }
  };
  useEffect(() => {
    setData(null);
    setOutcome(null);
    void refresh();
  }, [id]);
  // A slot the live view knows and the page does not was generated since: read the page again.
  const unknownSlot = data !== null && [...live.slots.values()].some((s) => s.companyId === id && !data.slots.some((d) => d.id === s.slotId));
  useEffect(() => {
    if (unknownSlot) void refresh();
  }, [unknownSlot]);

  const book = async (slot: SlotAvailability) => {
    setPending(slot.id);
    setOutcome(null);
    try {
      setOutcome({ kind: "ok", booking: await bookSlot(slot.id) });
    } catch (err) {
      const fresh = err instanceof ApiFailure && err.code === "slot_full" ? await refresh() : null;
      setOutcome({ kind: "refused", error: err, slotId: slot.id, alternatives: fresh ? nearestFree(withLive(fresh.slots), slot, bookings.get() ?? []) : [] });
    } finally {
      setPending(null);
    }
  };

  return { data: data && { ...data, slots: withLive(data.slots) }, loadError, refresh, pending, outcome, book };
}
