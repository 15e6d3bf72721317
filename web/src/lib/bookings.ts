// The student's own bookings: loaded once, changed by booking and cancelling, and the same in
// every tab of the browser at once (the tabs' channel).
import type { Booking, ScheduleEntry } from "../../../worker/domain/contract.ts";
import { ApiFailure, api, get } from "./api.ts";
import { companyName } from "./catalogue.ts";
import { seatsChangedHere } from "./live.ts";
import { store } from "./store.ts";
import { onTabs, tellTabs } from "./tabs.ts";

/** The student's confirmed bookings, as their schedule shows them. */
export const bookings = store<ScheduleEntry[] | null>(null);

const byTime = (list: ScheduleEntry[]) => [...list].sort((a, b) => a.startsAt.localeCompare(b.startsAt));

function share(list: ScheduleEntry[]): void {
  bookings.set(list);
  tellTabs({ kind: "bookings", list });
  seatsChangedHere();
}

onTabs((m) => {
  if (m.kind === "bookings") bookings.set(m.list);
});

export async function loadBookings() {
  try {
    bookings.set(byTime((await get<{ bookings: ScheduleEntry[] }>("/bookings")).bookings));
  } catch {
    /* the page shows what it had; the banner's counts wait */
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Transport trouble, never a decision: the only failures a booking is retried on. */
const retriable = (e: unknown) => e instanceof ApiFailure && (e.code === "network" || e.status === 502 || e.status === 503 || e.status === 504);

/**
 * Books a slot. One idempotency key per click: a retry after a lost answer replays the same
 * result instead of booking twice. Refusals (409...) are never retried.
 */
export async function book(slotId: string, tries = 4): Promise<Booking> {
  const key = crypto.randomUUID();
  for (let attempt = 0; ; attempt++) {
    try {
      const { booking } = await api<{ booking: Booking }>("POST", "/bookings", { slotId }, { "Idempotency-Key": key });
      // Shown at once; the schedule's own view (company, booth, check-in code) follows.
      const entry: ScheduleEntry = { ...booking, companyName: companyName(booking.companyId), booth: null, note: null, checkInToken: null, cancelledBy: null, cancelReason: null };
      share(byTime([...(bookings.get() ?? []).filter((b) => b.id !== booking.id), entry]));
      void loadBookings();
      return booking;
    } catch (e) {
      if (!retriable(e) || attempt + 1 >= tries) throw e;
      await sleep(400 * 2 ** attempt + Math.random() * 300);
    }
  }
}

export async function cancel(id: string): Promise<void> {
  await api("DELETE", `/bookings/${id}`);
  share((bookings.get() ?? []).filter((b) => b.id !== id));
}

/** The student's cancelled bookings, with who cancelled and why (the schedule's history). */
export const loadHistory = () => get<{ bookings: ScheduleEntry[] }>("/bookings?all=1").then((r) => r.bookings.filter((b) => b.status === "cancelled"));
